"""A property-based run of the OpenAPI schema against the in-process app: no server error.

Schemathesis generates requests from the schema of every endpoint, valid ones and
invalid ones; none may answer 5xx. No token is configured, so the writing endpoints
must refuse and never run.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from opora.api import create_app

WRITING = {"POST", "DELETE", "PUT", "PATCH"}


@pytest.fixture(scope="module")
def operations(workspace):
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(workspace))
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_error(operations, mode, monkeypatch):
    monkeypatch.delenv("OPORA_TOKEN", raising=False)
    assert len(operations) >= 12
    for op in operations:
        _check(op, mode)


def _check(op, mode) -> None:
    writing = op.method.upper() in WRITING

    @given(case=op.as_strategy(generation_mode=mode))
    @settings(
        max_examples=6,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call()
        case.validate_response(response, checks=[not_a_server_error])
        if writing:
            assert response.status_code in {400, 401, 403, 404, 405, 409, 413, 415, 422}

    try:
        run()
    except Unsatisfiable:
        # an endpoint without parameters has no invalid request to make
        if mode is not GenerationMode.NEGATIVE:
            raise
