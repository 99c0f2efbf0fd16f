from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("opora.web.urls")),
    path("accounts/", include("opora.accounts.urls")),
    path("schools/", include("opora.web.school_urls")),
    path("data/", include("opora.intake.urls")),
    path("identification/", include("opora.identification.urls")),
    path("admin/", admin.site.urls),
]
