"""The product's addresses plus one page that fails, to see the server error page."""

from django.urls import path

from opora.urls import urlpatterns as product


def failing(request):
    raise RuntimeError("сбой для проверки страницы ошибки")


urlpatterns = [*product, path("failing/", failing)]
