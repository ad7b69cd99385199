"""Issue 12.3 and 16.3: schemathesis generates requests from Lindungi's own OpenAPI document
(fetched from /api/schema/ with a login, as a client would) and fails on any 5xx, any status
the document does not declare and any response that does not match its schema.

Bounded: a few dozen examples per operation and no shrinking deadline, so `make test` stays
quick; a failure prints the request that reproduces it.
"""

import base64

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from lindungi.registry.tests.factories import PersonFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 15


@pytest.fixture
def auth_headers(province_officer) -> dict[str, str]:
    token = base64.b64encode(b"prov_officer:test-password-123").decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
def web_schema(db, auth_headers):
    PersonFactory.create_batch(3)
    PersonFactory(village_code="53.03.01.2005")
    # As Django's own test client does: a request must not close the test's connection (on
    # PostgreSQL that would end the transaction the test runs in).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/schema/?format=json", get_wsgi_application(), headers=auth_headers
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("web_schema")


@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_within_its_schema(case, auth_headers):
    case.call_and_validate(headers=auth_headers, checks=CHECKS)
