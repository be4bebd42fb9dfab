"""Schema-driven API test: schemathesis generates requests for every documented operation and
sends them to the live server; no response may be a 5xx or disagree with the OpenAPI schema."""

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from accounts import services
from activities.models import Activity
from tests.factories import (
    CoordinatorFactory,
    NeighbourhoodFactory,
    PartnerFactory,
    TourFactory,
    WorkspaceFactory,
)

# Bounded so the whole run stays well under a minute.
EXAMPLES_PER_OPERATION = 4
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def seed_api_data():
    """Something to find, so list and detail responses carry real objects to validate."""
    workspace = WorkspaceFactory(slug="ros-amsterdam")
    coordinator = CoordinatorFactory(workspace=workspace)
    NeighbourhoodFactory(workspace=workspace)
    PartnerFactory(workspace=workspace)
    TourFactory(workspace=workspace, status=Activity.Status.PUBLISHED)
    _token, raw = services.create_api_token(
        workspace=workspace, name="schemathesis", created_by=coordinator
    )
    return raw


def run_operation(operation, *, base_url: str, session: requests.Session, headers: dict):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(
            base_url=base_url, session=session, headers=headers, checks=CHECKS, timeout=10
        )

    check()


@pytest.mark.django_db(transaction=True)
def test_schema_every_operation_conforms(live_server):
    raw_token = seed_api_data()
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 10

    failures = []
    with requests.Session() as session:
        for operation in operations:
            for headers in ({}, {"Authorization": f"Bearer {raw_token}"}):
                try:
                    run_operation(
                        operation, base_url=f"{live_server.url}", session=session, headers=headers
                    )
                except Exception as error:  # collect all, report together
                    who = "token" if headers else "anonymous"
                    failures.append(f"{operation.label} ({who}): {str(error)[:600]}")

    assert failures == []
