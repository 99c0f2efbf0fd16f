"""Pages of an API list (a module of its own: DRF's settings import it while its views are being defined)."""

from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """``?page=N`` (from 1) and ``?page_size=M`` (up to 500); the body has ``count``, ``next``, ``previous``."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_page_message = "Нет такой страницы: {message}"
