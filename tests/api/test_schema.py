"""The API against its own OpenAPI schema: schemathesis generates requests for every operation.

No answer may be a server error, and every answer must be what the schema says (a documented
status, its content type and the shape of its body). The requests act as the region's
administrator, with a key, on the test world (schools, a run, a list, a program with an activity
and an indicator, a risk profile), valid requests and invalid ones alike.

(The operations are walked in one test rather than through ``schema.parametrize``: the lazy
loading from a fixture does not work with pytest 9.)
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from opora.accounts.tokens import token_issue
from tests.conftest import World

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# The same examples on every run (CI must not pass or fail by chance); OPORA_API_FUZZ=N explores N
# fresh random examples per operation instead.
FRESH = int(os.environ.get("OPORA_API_FUZZ", "0"))
EXAMPLES = FRESH or 12


@pytest.fixture
def connection_kept():
    """Requests through the WSGI application keep the test's database connection (as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_api_answers_as_its_schema_says(world: World, connection_kept):
    from opora.wsgi import application
    from tests.test_access import _risks

    _risks(world)
    headers = {"Authorization": f"Token {token_issue(user=world.users['region_admin'])}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application, headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    failures: dict[str, str] = {}
    tried = 0
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                derandomize=not FRESH,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def check(case):
                case.call_and_validate(headers=headers, checks=CHECKS)

            tried += 1
            try:
                check()
            except (Exception, BaseExceptionGroup) as error:  # one operation's failure is reported with the others
                failures[f"{operation.label} ({mode.value})"] = str(error)[:1500]

    assert len(operations) >= 30
    assert failures == {}, "\n\n".join(f"{label}: {text}" for label, text in failures.items())
