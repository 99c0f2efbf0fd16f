from django.contrib import admin
from django.urls import include, path

from opora.risks.views import survey_view

urlpatterns = [
    path("", include("opora.web.urls")),
    path("accounts/", include("opora.accounts.urls")),
    path("schools/", include("opora.web.school_urls")),
    path("data/", include("opora.intake.urls")),
    path("identification/", include("opora.identification.urls")),
    path("risks/", include("opora.risks.urls")),
    path("programs/", include("opora.programs.urls")),
    path("support/", include("opora.network.urls")),
    path("students/", include("opora.students.urls")),
    path("events/", include("opora.events.urls")),
    path("practices/", include("opora.practices.urls")),
    path("effectiveness/", include("opora.effectiveness.urls")),
    path("survey/<str:token>/", survey_view, name="survey"),
    path("api/", include("opora.api.urls")),
    path("admin/", admin.site.urls),
]
