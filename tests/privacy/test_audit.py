import pytest

from activities import services as activity_services
from privacy import services
from privacy.models import AuditEntry
from tests.factories import CoordinatorFactory, WorkspaceFactory


def personal_values(world) -> list[str]:
    registration, contact = world.registration, world.contact
    return [registration.name, registration.email, contact.name, contact.email]


def assert_no_personal_data(world) -> None:
    text = " ".join(AuditEntry.objects.values_list("summary", flat=True))
    assert [value for value in personal_values(world) if value in text] == []
    assert "@" not in text


@pytest.mark.django_db
def test_removing_an_attendee_is_logged_without_their_name(client, world_a):
    client.force_login(world_a.coordinator)
    url = f"/manage/activities/{world_a.tour.pk}/attendees/{world_a.registration.pk}/remove/"

    client.post(url)

    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.workspace, entry.action, entry.object_type, entry.object_id) == (
        world_a.coordinator,
        world_a.workspace,
        "status_changed",
        "registration",
        str(world_a.registration.pk),
    )
    assert entry.summary == (
        f"status changed: registration #{world_a.registration.pk} for “Tour Ameland” "
        "(confirmed → cancelled)"
    )
    assert_no_personal_data(world_a)


@pytest.mark.django_db
def test_deleting_a_contact_names_the_partner_not_the_person(client, world_a):
    client.force_login(world_a.coordinator)

    client.post(f"/manage/contacts/{world_a.contact.pk}/delete/")

    assert list(AuditEntry.objects.values_list("action", "summary")) == [
        ("deleted", "deleted: contact person of “Buurthuis Ameland”")
    ]
    assert_no_personal_data(world_a)


@pytest.mark.django_db
def test_cancelling_a_tour_is_logged_as_a_status_change(client, world_a):
    client.force_login(world_a.coordinator)

    client.post(f"/manage/tours/{world_a.tour.pk}/cancel/")

    summaries = list(AuditEntry.objects.filter(action="status_changed").values_list("summary"))
    assert summaries == [("status changed: wijktour “Tour Ameland” (draft → cancelled)",)]


@pytest.mark.django_db
def test_api_changes_are_logged(client, world_a):
    client.force_login(world_a.coordinator)

    client.patch(
        f"/api/partners/{world_a.partner.slug}/",
        {"name": "Buurthuis Ameland-Oost"},
        content_type="application/json",
    )

    assert list(AuditEntry.objects.values_list("actor", "action", "summary")) == [
        (world_a.coordinator.pk, "changed", "changed: partner “Buurthuis Ameland-Oost”")
    ]


@pytest.mark.django_db
def test_changes_outside_a_request_are_not_attributed(world_a):
    # Public registrations, commands and tasks have no signed-in actor.
    activity_services.remove_registration(registration_id=world_a.registration.pk)

    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_audit_page_shows_only_own_workspaces(client, world_a, world_b):
    services.record(
        actor=world_a.coordinator,
        workspace=world_a.workspace,
        action="changed",
        obj=world_a.partner,
        summary="changed: partner “Buurthuis Ameland”",
    )
    services.record(
        actor=world_b.coordinator,
        workspace=world_b.workspace,
        action="changed",
        obj=world_b.partner,
        summary="changed: partner “Buurthuis Texel”",
    )
    client.force_login(world_b.coordinator)

    body = client.get("/manage/audit/").content.decode()

    assert ("Buurthuis Texel" in body, "Buurthuis Ameland" in body) == (True, False)


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 3, 50])
def test_audit_page_query_count_is_constant(client, django_assert_num_queries, rows):
    workspace = WorkspaceFactory()
    coordinator = CoordinatorFactory(workspace=workspace)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            workspace=workspace,
            actor=coordinator,
            action="changed",
            object_type="partner",
            object_id=str(n),
            summary=f"changed: partner “Buurthuis {n}”",
        )
        for n in range(rows)
    )
    client.force_login(coordinator)

    # session, user, is_coordinator, count, page of entries
    with django_assert_num_queries(6):
        response = client.get("/manage/audit/")

    assert response.status_code == 200


@pytest.mark.django_db
def test_deleting_a_tour_with_stops_through_the_api_is_logged(client, world_a):
    client.force_login(world_a.coordinator)

    response = client.delete(f"/api/tours/{world_a.tour.pk}/")

    assert response.status_code == 204
    assert sorted(AuditEntry.objects.values_list("action", "object_type", "summary")) == [
        (
            "deleted",
            "registration",
            f"deleted: registration #{world_a.registration.pk} for “Tour Ameland”",
        ),
        ("deleted", "stop", "deleted: stop “Buurthuis Ameland” in “Tour Ameland”"),
        ("deleted", "tour", "deleted: wijktour “Tour Ameland”"),
    ]
    assert_no_personal_data(world_a)
