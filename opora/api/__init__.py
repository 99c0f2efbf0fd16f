"""The REST API under ``/api/``: a thin edge over the same services, scopes and access table as the pages.

Reads filter rows through ``Model.objects.visible_to(user)`` (an object outside the user's scope
is «не найдено», 404); writes ask ``opora.accounts.access.can`` and call the domain services the
pages call, so a rule of the product holds the same way in both. Other systems authenticate with
a token (``opora api_token USER``); the browsable page works with the session of the web login.
The OpenAPI schema is ``/api/schema/`` (``opora spectacular --file schema.yml`` writes it).
"""
