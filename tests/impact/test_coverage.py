import pytest
from django.core.exceptions import ValidationError

from impact.coverage import collect_coverage, normalise_organisation
from impact.models import ImpactSettings
from impact.report import ImpactFilter
from tests.factories import (
    CoordinatorFactory,
    NeighbourhoodFactory,
    PartnerFactory,
    PastTourFactory,
    RegistrationFactory,
    WorkspaceFactory,
)


def test_normalise_organisation_meets_spelling_variants():
    assert normalise_organisation("Huisartsenpraktijk De Linde B.V.") == (
        "huisartsenpraktijk de linde"
    )
    assert normalise_organisation("  huisartsenpraktijk  de   linde ") == (
        "huisartsenpraktijk de linde"
    )
    assert normalise_organisation("Stichting Buurtzorg Oost-Amsterdam") == (
        "buurtzorg oost amsterdam"
    )
    assert normalise_organisation("Apotheek Zuidoost") == "apotheek zuidoost"


@pytest.mark.django_db
def test_coverage_lists_who_came_and_who_never_did():
    workspace = WorkspaceFactory()
    area = NeighbourhoodFactory(workspace=workspace, name="Indische Buurt")
    PartnerFactory(workspace=workspace, name="Buurtzorg Java", neighbourhoods=[area])
    tour = PastTourFactory(workspace=workspace, neighbourhood=area, title="Wijktour Java")
    for organisation in ("Huisartsenpraktijk De Linde B.V.", "huisartsenpraktijk de linde"):
        RegistrationFactory(activity=tour, status="attended", organisation=organisation)
    RegistrationFactory(activity=tour, status="cancelled", organisation="Apotheek Java")

    (coverage,) = collect_coverage(scope=ImpactFilter(workspace_ids=(workspace.pk,)))

    assert coverage.name == "Indische Buurt"
    assert [(o.name, o.attendees) for o in coverage.came] == [
        ("Huisartsenpraktijk De Linde B.V.", 2)
    ]
    assert coverage.came[0].record == [("Wijktour Java", tour.starts_at.date())]
    assert [(o.name, o.is_partner) for o in coverage.never] == [("Buurtzorg Java", True)]
    assert coverage.share == 0.5


@pytest.mark.django_db
def test_settings_validator_has_human_messages():
    settings = ImpactSettings(
        workspace=WorkspaceFactory(), first_wave_days=30, second_wave_days=20, reminder_days=30
    )

    with pytest.raises(ValidationError) as error:
        settings.full_clean()

    assert error.value.message_dict["second_wave_days"] == [
        "De tweede vervolgvraag moet na de eerste komen."
    ]
    assert "reminder_days" in error.value.message_dict


@pytest.mark.django_db
def test_settings_page_saves_the_waves(client):
    workspace = WorkspaceFactory()
    client.force_login(CoordinatorFactory(workspace=workspace))

    response = client.post(
        "/manage/impact/settings/",
        {"first_wave_days": "21", "second_wave_days": "", "link_days": "14", "reminder_days": "5"},
    )

    assert response.status_code == 302
    saved = ImpactSettings.objects.get(workspace=workspace)
    assert (saved.first_wave_days, saved.second_wave_days, saved.baseline_enabled) == (
        21,
        None,
        False,
    )


@pytest.mark.django_db
def test_coverage_page_shows_the_partners_on_the_map(client):
    workspace = WorkspaceFactory()
    client.force_login(CoordinatorFactory(workspace=workspace))
    area = NeighbourhoodFactory(workspace=workspace, slug="indische-buurt")
    PartnerFactory(workspace=workspace, name="Buurtzorg Java", neighbourhoods=[area])
    tour = PastTourFactory(workspace=workspace, neighbourhood=area)
    RegistrationFactory(activity=tour, status="attended", organisation="Buurtzorg Java")

    response = client.get("/manage/neighbourhoods/indische-buurt/coverage/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "1 van de 1 organisaties deden mee" in body
    assert "#1e8449" in body  # the partner came: green marker
    assert client.get("/manage/neighbourhoods/elders/coverage/").status_code == 404


@pytest.mark.django_db
def test_coverage_page_query_count_does_not_grow(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    workspace = WorkspaceFactory()
    client.force_login(CoordinatorFactory(workspace=workspace))
    area = NeighbourhoodFactory(workspace=workspace, slug="oost")

    def add(n: int) -> None:
        for i in range(n):
            PartnerFactory(workspace=workspace, neighbourhoods=[area])
            tour = PastTourFactory(workspace=workspace, neighbourhood=area)
            RegistrationFactory(activity=tour, status="attended", organisation=f"Praktijk {i}")

    add(1)
    with CaptureQueriesContext(connection) as small:
        client.get("/manage/neighbourhoods/oost/coverage/")
    add(4)
    with CaptureQueriesContext(connection) as large:
        client.get("/manage/neighbourhoods/oost/coverage/")

    assert len(large) == len(small)
