"""What the access cases of ``tests/test_access.py`` are made of; one module of cases per app.

A page of a new app adds its cases to ``tests/access_cases/<app>.py``; ``tests/test_access.py``
joins them and fails while a URL of the product has no case.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.conftest import PERSONAS, World

OK, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405
EVERYONE = dict.fromkeys(PERSONAS, OK)


@dataclass(frozen=True)
class Case:
    url_name: str
    title: str
    expected: dict[str, int]
    anonymous: int = REDIRECT
    kwargs: Callable[[World], dict] = field(default=lambda world: {})
    method: str = "get"


def _only(*personas: str, otherwise: int = NOT_FOUND) -> dict[str, int]:
    return {persona: OK if persona in personas else otherwise for persona in PERSONAS}
