from django.urls import path

from opora.risks import views

app_name = "risks"
urlpatterns = [
    path("", views.map_view, name="map"),
    path("map.xlsx", views.map_export, name="map_export"),
    path("runs/", views.run_start, name="run_start"),
    path("runs/<int:pk>/", views.run_view, name="run"),
    path("schools/<str:code>/", views.school_view, name="school"),
    path("schools/<str:code>/judge/", views.judge_view, name="judge"),
    path("schools/<str:code>/priorities/", views.priorities_view, name="priorities"),
    path("schools/<str:code>/recommendations.docx", views.recommendations_view, name="recommendations"),
    path("docs/", views.risks_docs, name="docs"),
    path("factors/", views.factors_view, name="factors"),
    path("factors/add/", views.factor_add_view, name="factor_add"),
    path("factors/<int:pk>/", views.factor_edit, name="factor_edit"),
    path("questionnaires/", views.questionnaires_view, name="questionnaires"),
    path("questionnaires/<int:pk>/", views.questionnaire_view, name="questionnaire"),
    path("questionnaires/<int:pk>/sections/add/", views.section_edit, name="section_add"),
    path("questionnaires/<int:pk>/sections/<int:section>/", views.section_edit, name="section_edit"),
    path("questionnaires/<int:pk>/sections/<int:section>/add/", views.item_edit, name="item_add"),
    path("questionnaires/<int:pk>/sections/<int:section>/items/<int:item>/", views.item_edit, name="item_edit"),
    path("links/", views.links_view, name="links"),
    path("links/links.xlsx", views.links_export, name="links_export"),
    path("links/<int:pk>/revoke/", views.link_revoke_view, name="link_revoke"),
    path("catalog/", views.catalog_view, name="catalog"),
    path("catalog/catalog.xlsx", views.catalog_export, name="catalog_export"),
    path("catalog/add/", views.measure_edit, name="measure_add"),
    path("catalog/<int:pk>/", views.measure_edit, name="measure_edit"),
]
