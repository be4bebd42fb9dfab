"""Schemathesis on the HSDS operations only: generated requests may never get a 5xx or an
answer that disagrees with our OpenAPI. (The schema is generated in process, so a busy
machine does not time the download out.)"""

import pytest
import requests
import schemathesis
from django.test import Client

from tests.accounts.test_schema import run_operation
from tests.factories import ContactFactory, NeighbourhoodFactory, PartnerFactory, ThemeFactory


@pytest.mark.django_db(transaction=True)
def test_schema_hsds_operations_never_fail(live_server):
    hood = NeighbourhoodFactory(cbs_code="WK0363MA")
    partner = PartnerFactory(
        workspace=hood.workspace, neighbourhoods=[hood], themes=[ThemeFactory()]
    )
    ContactFactory(partner=partner, is_public=True)
    document = Client().get("/api/schema/?format=json").json()
    schema = schemathesis.openapi.from_dict(document)
    operations = [
        result.ok() for result in schema.get_all_operations() if "/hsds" in result.ok().path
    ]
    assert len(operations) == 11

    failures = []
    with requests.Session() as session:
        for operation in operations:
            try:
                run_operation(operation, base_url=live_server.url, session=session, headers={})
            except Exception as error:  # collect all, report together
                failures.append(f"{operation.label}: {str(error)[:600]}")

    assert failures == []
