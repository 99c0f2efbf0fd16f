"""The addresses of the API under /api/: the endpoints, the OpenAPI schema and its pages."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from opora.api import views
from opora.api.errors import not_found

app_name = "api"


class Router(DefaultRouter):
    """The router; its root page lists the endpoints (the browsable page of the API)."""

    include_format_suffixes = False


router = Router()
router.register("municipalities", views.MunicipalityView, basename="municipality")
router.register("schools", views.SchoolView, basename="school")
router.register("contexts", views.ContextView, basename="context")
router.register("results", views.ResultView, basename="result")
router.register("identification-runs", views.RunView, basename="run")
router.register("run-schools", views.RunSchoolView, basename="run-school")
router.register("lists", views.ApprovedListView, basename="list")
router.register("risk-profiles", views.RiskProfileView, basename="risk-profile")
router.register("programs", views.ProgramView, basename="program")
router.register("activities", views.ActivityView, basename="activity")
router.register("indicators", views.IndicatorView, basename="indicator")
router.register("partnerships", views.PartnershipView, basename="partnership")
router.register("events", views.EventView, basename="event")
router.register("registrations", views.RegistrationView, basename="registration")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include(router.urls)),
    re_path(r"^[\s\S]*$", not_found),  # any character, a line break too
]
