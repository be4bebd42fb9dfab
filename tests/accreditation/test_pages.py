import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accreditation import services
from accreditation.models import Accreditation, Attendance, Break
from activities.models import Registration
from tests.factories import (
    AccreditationFactory,
    CoordinatorFactory,
    KnowledgeSessionFactory,
    RegistrationFactory,
    TourFactory,
)


@pytest.mark.django_db
def test_dashboard_shows_application_and_presence_due(coordinator_client, workspace, past_session):
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=50), dt.time(16)))
    upcoming = TourFactory(
        workspace=workspace,
        title="Tour Oost",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
    )
    AccreditationFactory(
        activity=upcoming, registry="big", status=Accreditation.Status.REQUESTED, applied_on=None
    )
    AccreditationFactory(activity=past_session, registry="vv", points=2)
    coordinator_client.cookies["django_language"] = "nl"

    html = coordinator_client.get(reverse("home:dashboard")).content.decode()

    due = (start.date() - dt.timedelta(days=42)).strftime("%-d")
    assert f"Aanvraag BIG-register voor “Tour Oost” uiterlijk {due}" in html
    assert "Presentie Kwaliteitsregister V&amp;V voor “Kenniscafé Dementie”: nog 13 dagen" in html
    assert "Presentie BIG-register voor “Kenniscafé Dementie”: nog 41 dagen" in html


@pytest.mark.django_db
def test_due_items_skip_submitted_and_far_applications(workspace, past_session):
    Accreditation.objects.filter(activity=past_session).update(
        presence_submitted_on=timezone.localdate()
    )
    start = timezone.now() + dt.timedelta(days=120)
    far = TourFactory(workspace=workspace, starts_at=start, ends_at=start + dt.timedelta(hours=2))
    AccreditationFactory(activity=far, status=Accreditation.Status.REQUESTED)

    assert services.due_items(workspaces=workspace.__class__.objects.all()) == []


@pytest.mark.django_db
def test_settings_page_saves_accreditation_and_break(coordinator_client, workspace):
    session = KnowledgeSessionFactory(workspace=workspace)
    local = timezone.localtime(session.starts_at)
    data = {
        "accreditations-TOTAL_FORMS": "1",
        "accreditations-INITIAL_FORMS": "0",
        "accreditations-0-registry": "nvvpo",
        "accreditations-0-accreditation_id": "PE-1",
        "accreditations-0-points": "1.5",
        "accreditations-0-status": "requested",
        "breaks-TOTAL_FORMS": "1",
        "breaks-INITIAL_FORMS": "0",
        "breaks-0-starts_at": (local + dt.timedelta(minutes=50)).strftime("%Y-%m-%dT%H:%M"),
        "breaks-0-ends_at": (local + dt.timedelta(minutes=60)).strftime("%Y-%m-%dT%H:%M"),
    }

    response = coordinator_client.post(reverse("accreditation:settings", args=[session.pk]), data)

    assert response.status_code == 302
    assert list(session.accreditations.values_list("registry", "points")) == [("nvvpo", 1.5)]
    assert Break.objects.get(activity=session).starts_at == session.starts_at + dt.timedelta(
        minutes=50
    )


@pytest.mark.django_db
def test_settings_page_duplicate_registry_is_form_error(coordinator_client, session):
    data = {
        "accreditations-TOTAL_FORMS": "3",
        "accreditations-INITIAL_FORMS": "2",
        "accreditations-MIN_NUM_FORMS": "0",
        "accreditations-MAX_NUM_FORMS": "1000",
        "breaks-TOTAL_FORMS": "0",
        "breaks-INITIAL_FORMS": "0",
    }
    for index, accreditation in enumerate(session.accreditations.order_by("pk")):
        data.update(
            {
                f"accreditations-{index}-id": accreditation.pk,
                f"accreditations-{index}-registry": accreditation.registry,
                f"accreditations-{index}-status": accreditation.status,
            }
        )
    data.update({"accreditations-2-registry": "big", "accreditations-2-status": "requested"})

    response = coordinator_client.post(reverse("accreditation:settings", args=[session.pk]), data)

    assert response.status_code == 400
    assert session.accreditations.count() == 2


@pytest.mark.django_db
def test_departure_on_check_in_page_records_left_at(coordinator_client, past_session):
    registration = RegistrationFactory(
        activity=past_session,
        status=Registration.Status.ATTENDED,
        checked_in_at=past_session.starts_at,
    )
    check_in = coordinator_client.get(reverse("activities:check_in", args=[past_session.pk]))

    response = coordinator_client.post(
        reverse("accreditation:departure", args=[past_session.pk]),
        {"registration": registration.pk, "left_at": "17:30"},
    )

    assert 'name="left_at"' in check_in.content.decode()
    assert response.status_code == 302
    left = timezone.localtime(Attendance.objects.get(registration=registration).left_at)
    assert (left.hour, left.minute) == (17, 30)


@pytest.mark.django_db
def test_departure_outside_activity_is_refused(coordinator_client, past_session):
    registration = RegistrationFactory(
        activity=past_session,
        status=Registration.Status.ATTENDED,
        checked_in_at=past_session.starts_at,
    )

    coordinator_client.post(
        reverse("accreditation:departure", args=[past_session.pk]),
        {"registration": registration.pk, "left_at": "20:00"},
    )

    assert not Attendance.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    ["presence", "presence_pdf", "presence_xlsx", "presence_txt", "settings"],
)
def test_other_workspace_cannot_export(client, past_session, name):
    client.force_login(CoordinatorFactory())

    response = client.get(reverse(f"accreditation:{name}", args=[past_session.pk]))

    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["presence/", "presence.pdf", "presence.xlsx", "attendance/close/"]
)
def test_api_other_workspace_cannot_export_or_close(client, past_session, path):
    client.force_login(CoordinatorFactory())
    url = f"/api/activities/{past_session.pk}/{path}"

    response = client.post(url) if path.endswith("close/") else client.get(url)

    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 5, 30])
def test_presence_page_query_count_does_not_grow(
    coordinator_client, past_session, django_assert_num_queries, count
):
    for _ in range(count):
        registration = RegistrationFactory(
            activity=past_session,
            status=Registration.Status.ATTENDED,
            checked_in_at=past_session.starts_at,
        )
        services.record_departure(registration_id=registration.pk, left_at=None)

    with django_assert_num_queries(9):
        response = coordinator_client.get(reverse("accreditation:presence", args=[past_session.pk]))

    assert response.status_code == 200


@pytest.mark.django_db
def test_presence_export_is_audited_without_personal_data(coordinator_client, past_session):
    from privacy.models import AuditEntry

    RegistrationFactory(activity=past_session, name="Anna de Vries")
    coordinator_client.get(reverse("accreditation:presence_xlsx", args=[past_session.pk]))

    entry = AuditEntry.objects.get(action="presence_exported")
    assert entry.summary == "presence exported: “Kenniscafé Dementie”"
    assert entry.workspace_id == past_session.workspace_id


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 5, 30])
def test_api_presence_query_count_does_not_grow(
    coordinator_client, past_session, django_assert_num_queries, count
):
    RegistrationFactory.create_batch(
        count,
        activity=past_session,
        status=Registration.Status.ATTENDED,
        checked_in_at=past_session.starts_at,
    )

    with django_assert_num_queries(8):
        response = coordinator_client.get(f"/api/activities/{past_session.pk}/presence/")

    assert len(response.json()["rows"]) == count
