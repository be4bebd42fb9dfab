"""The change workflow through the pages and the API: preview, confirm, conflict, cancel with
reason and undo, confirmation steps, messages; query counts that do not grow."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Registration
from changes import services
from changes.models import ActivityChange, PendingRecheck, SentMessage
from tests.changes.conftest import build_published_tour
from tests.factories import (
    CoordinatorFactory,
    RegistrationFactory,
    TourFactory,
    VisitingWindowFactory,
)
from tours import services as tour_services
from tours.forms import DATETIME_FORMAT
from tours.models import Tour

pytestmark = pytest.mark.django_db


def login(client, tour: Tour):
    user = CoordinatorFactory(workspace=tour.workspace, email="coordinator@example.org")
    client.force_login(user)
    return user


def edit_data(tour: Tour, **changes) -> dict:
    """What the edit form posts for this tour, with some fields changed."""
    data = {
        "title": tour.title,
        "neighbourhood": tour.neighbourhood_id,
        "starts_at": timezone.localtime(tour.starts_at).strftime(DATETIME_FORMAT),
        "description": tour.description,
        "capacity": tour.capacity,
        "venue_name": tour.venue_name,
        "venue_address": tour.venue_address,
        "latitude": tour.latitude,
        "longitude": tour.longitude,
        "end_latitude": tour.end_latitude,
        "end_longitude": tour.end_longitude,
        "leg_buffer_minutes": tour.leg_buffer_minutes,
        "version": services.version_of(tour),
    }
    data.update(changes)
    return data


def later(tour: Tour, minutes: int) -> str:
    return timezone.localtime(tour.starts_at + dt.timedelta(minutes=minutes)).strftime(
        DATETIME_FORMAT
    )


def test_edit_start_shows_preview_then_confirm_saves(client, django_capture_on_commit_callbacks):
    tour = build_published_tour()
    login(client, tour)
    url = reverse("tours:manage_edit", args=[tour.pk])
    data = edit_data(tour, starts_at=later(tour, 30))

    asked = client.post(url, data)
    assert asked.status_code == 200
    assert asked.templates[0].name == "changes/confirm_change.html"
    page = asked.content.decode()
    assert "3 deelnemers en 2 partners krijgen bericht:" in page
    assert "Start: 13:00 → 13:30" in page
    assert Tour.objects.get(pk=tour.pk).starts_at == tour.starts_at

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**data, "confirm": "1"})
    assert done.status_code == 302
    assert Tour.objects.get(pk=tour.pk).starts_at == tour.starts_at + dt.timedelta(minutes=30)
    assert ActivityChange.objects.get().registrants == 3


def test_edit_text_saves_without_asking(client):
    tour = build_published_tour()
    login(client, tour)
    response = client.post(
        reverse("tours:manage_edit", args=[tour.pk]), edit_data(tour, description="Nieuw")
    )
    assert response.status_code == 302
    assert ActivityChange.objects.count() == 0


def test_edit_that_breaks_a_stop_is_refused_in_plain_words(client):
    tour = build_published_tour()
    login(client, tour)
    response = client.post(
        reverse("tours:manage_edit", args=[tour.pk]),
        edit_data(tour, starts_at=later(tour, 200), confirm="1"),
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["starts_at"])
    assert errors.startswith("Niet opgeslagen: de tour is gepubliceerd")
    assert "Buurtteam" in errors
    assert Tour.objects.get(pk=tour.pk).starts_at == tour.starts_at


def test_second_coordinator_with_stale_form_gets_conflict(client):
    tour = build_published_tour()
    login(client, tour)
    stale = edit_data(tour, title="Tweede versie")
    first = client.post(
        reverse("tours:manage_edit", args=[tour.pk]), edit_data(tour, title="Eerste versie")
    )
    assert first.status_code == 302
    second = client.post(reverse("tours:manage_edit", args=[tour.pk]), stale)
    assert second.status_code == 200
    assert "Iemand anders heeft deze activiteit opgeslagen" in second.content.decode()
    assert Tour.objects.get(pk=tour.pk).title == "Eerste versie"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_coordinators_saving_at_once_never_lose_an_edit():
    tour = build_published_tour(registrants=0)
    version = services.version_of(tour)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(title: str) -> None:
        def apply():
            tour_services.update_tour(tour=Tour.objects.get(pk=tour.pk), title=title)

        try:
            barrier.wait(timeout=10)
            services.change_activity(activity_id=tour.pk, apply=apply, version=version)
            outcomes[title] = "saved"
        except services.EditConflict:
            outcomes[title] = "conflict"
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(t,)) for t in ("Anna", "Bram")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["conflict", "saved"]
    [winner] = [title for title, outcome in outcomes.items() if outcome == "saved"]
    assert Tour.objects.get(pk=tour.pk).title == winner


def test_api_patch_needs_confirm_and_preview_endpoint(client, django_capture_on_commit_callbacks):
    tour = build_published_tour()
    login(client, tour)
    new_start = (tour.starts_at + dt.timedelta(minutes=30)).isoformat()
    url = f"/api/tours/{tour.pk}/"

    preview = client.post(
        f"{url}preview/", {"starts_at": new_start}, content_type="application/json"
    )
    assert preview.status_code == 200
    assert (preview.json()["registrants"], preview.json()["partners"]) == (3, 2)
    assert preview.json()["changes"][0] == "Start: 13:00 → 13:30"

    asked = client.patch(url, {"starts_at": new_start}, content_type="application/json")
    assert asked.status_code == 409
    assert asked.json()["preview"]["registrants"] == 3
    assert Tour.objects.get(pk=tour.pk).starts_at == tour.starts_at

    with django_capture_on_commit_callbacks(execute=True):
        done = client.patch(
            url, {"starts_at": new_start, "confirm": True}, content_type="application/json"
        )
    assert done.status_code == 200
    assert ActivityChange.objects.count() == 1
    stale = client.patch(
        url,
        {"title": "Oud", "version": asked.json().get("version", "2000-01-01T00:00:00+00:00")},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert "version" in stale.json()


def test_api_cancel_with_reason_and_reinstate(client, django_capture_on_commit_callbacks):
    tour = build_published_tour()
    login(client, tour)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/tours/{tour.pk}/cancel/", {"reason": "Storm"}, content_type="application/json"
        )
    assert response.status_code == 200
    assert ActivityChange.objects.get().reason == "Storm"
    response = client.post(f"/api/activities/{tour.pk}/reinstate/")
    assert (response.status_code, response.json()["kind"]) == (200, "reinstated")
    history = client.get(f"/api/activities/{tour.pk}/changes/").json()
    assert [change["kind"] for change in history] == ["reinstated", "cancelled"]


def test_cancel_page_asks_with_recipients_then_cancels_and_undoes(client):
    tour = build_published_tour()
    login(client, tour)
    asked = client.get(reverse("changes:cancel", args=[tour.pk]))
    page = asked.content.decode()
    assert "3 deelnemers (bevestigd of op de wachtlijst) krijgen een mail." in page
    assert "2 partners op de route krijgen een mail." in page
    assert Tour.objects.get(pk=tour.pk).status == "published"
    client.post(reverse("changes:cancel", args=[tour.pk]), {"reason": "Te weinig animo"})
    assert Tour.objects.get(pk=tour.pk).status == "cancelled"
    assert ActivityChange.objects.get().reason == "Te weinig animo"
    assert client.get(reverse("changes:reinstate", args=[tour.pk])).status_code == 200
    client.post(reverse("changes:reinstate", args=[tour.pk]))
    assert Tour.objects.get(pk=tour.pk).status == "published"
    history = client.get(reverse("changes:history", args=[tour.pk])).content.decode()
    assert "Te weinig animo" in history


def test_delete_draft_asks_first_and_refuses_published(client):
    draft = TourFactory(status=Activity.Status.DRAFT)
    login(client, draft)
    assert client.get(reverse("changes:delete", args=[draft.pk])).status_code == 200
    assert Tour.objects.filter(pk=draft.pk).exists()
    response = client.post(reverse("changes:delete", args=[draft.pk]))
    assert response["Location"] == reverse("tours:manage_list")
    assert not Activity.objects.filter(pk=draft.pk).exists()
    published = TourFactory(workspace=draft.workspace)
    client.post(reverse("changes:delete", args=[published.pk]))
    assert Tour.objects.filter(pk=published.pk).exists()


def test_remove_and_no_shows_ask_first(client):
    tour = build_published_tour(registrants=1, partners=1)
    login(client, tour)
    registration = tour.registrations.get()
    url = reverse("activities:remove_attendee", args=[tour.pk, registration.pk])
    page = client.get(url).content.decode()
    assert registration.email in page
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"
    assert client.get(reverse("activities:no_shows", args=[tour.pk])).status_code == 200
    client.post(url, {"reason": "Dubbel"})
    assert Registration.objects.get(pk=registration.pk).status == "cancelled"


def test_accepting_a_suggestion_that_drops_stops_asks_first(client):
    tour = build_published_tour(registrants=0)
    Activity.objects.filter(pk=tour.pk).update(status=Activity.Status.DRAFT)
    login(client, tour)
    keep = tour.stops.order_by("position").first().partner_id
    url = reverse("tours:manage_stops", args=[tour.pk])
    data = {"partners": [keep], "visit_minutes": 30, "from_suggestion": "1"}
    asked = client.post(url, data)
    assert asked.templates[0].name == "tours/manage/replace_confirm.html"
    assert tour.stops.count() == 2
    client.post(url, {**data, "replace": "1"})
    assert list(tour.stops.values_list("partner_id", flat=True)) == [keep]


def test_message_page_preview_test_and_send(
    client, smtp_server, django_capture_on_commit_callbacks
):
    tour = build_published_tour(registrants=2, partners=1)
    login(client, tour)
    url = reverse("changes:message", args=[tour.pk])
    data = {"group": "confirmed", "subject": "Regen", "body": "Neem een jas mee."}
    preview = client.post(url, {**data, "step": "preview"})
    assert "Neem een jas mee." in preview.content.decode()
    client.post(url, {**data, "step": "test"})
    [test] = smtp_server.messages
    assert (test["To"], test["Subject"]) == ("coordinator@example.org", "[Test] [Tour Oost] Regen")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "step": "send"})
    assert len(smtp_server.messages) == 3
    assert SentMessage.objects.get().recipients == 2
    assert "Regen" in client.get(reverse("changes:history", args=[tour.pk])).content.decode()


def test_publish_refusal_names_the_stop_with_a_link(client):
    tour = build_published_tour(registrants=0, partners=1)
    Activity.objects.filter(pk=tour.pk).update(status=Activity.Status.DRAFT)
    stop = tour.stops.get()
    # The partner closes on that day: the stop cannot be scheduled.
    stop.partner.visiting_windows.update(weekday=0)
    tour_services.compose_route(tour=Tour.objects.get(pk=tour.pk))
    login(client, tour)
    response = client.post(reverse("tours:manage_publish", args=[tour.pk]), follow=True)
    page = response.content.decode()
    assert "ontvangt op deze dag geen groepen" in page
    assert reverse("tours:manage_stop", args=[tour.pk, stop.pk]) in page
    assert "Stel eerst de route samen." not in page


def test_partner_new_hours_flag_tours_and_confirm_notifies(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tour = build_published_tour()
    stop = tour.stops.order_by("position").first()
    with django_capture_on_commit_callbacks(execute=True):
        stop.partner.visiting_windows.all().delete()
        VisitingWindowFactory(
            partner=stop.partner, weekday=1, opens_at=dt.time(14), closes_at=dt.time(17)
        )
    [recheck] = PendingRecheck.objects.all()
    assert (recheck.activity_id, recheck.partner_id) == (tour.pk, stop.partner_id)
    assert recheck.lines and not recheck.problem
    login(client, tour)
    page = client.get(reverse("changes:rechecks")).content.decode()
    assert tour.title in page
    assert ActivityChange.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("changes:rechecks"), {"recheck": recheck.pk})
    assert ActivityChange.objects.get().registrants == 3
    assert PendingRecheck.objects.count() == 0


def test_group_size_above_a_stops_maximum_is_a_problem(client):
    tour = build_published_tour(registrants=0, partners=1)
    partner = tour.stops.get().partner
    partner.max_group_size = 8
    partner.save()
    login(client, tour)
    page = client.get(reverse("tours:manage_editor", args=[tour.pk])).content.decode()
    assert "ontvangt groepen van hoogstens 8; de tour heeft 20 plaatsen" in page


@pytest.mark.parametrize("registrants,partners", [(1, 1), (6, 4)])
def test_preview_query_count_does_not_grow(django_assert_num_queries, registrants, partners):
    tour = build_published_tour(registrants=registrants, partners=partners)
    new_start = tour.starts_at + dt.timedelta(minutes=30)
    with django_assert_num_queries(QUERIES["preview"]):
        preview = services.change_activity(
            activity_id=tour.pk,
            apply=lambda: tour_services.update_tour(
                tour=Tour.objects.get(pk=tour.pk), starts_at=new_start
            ),
            dry_run=True,
        )
    assert (preview.registrants, preview.partners) == (registrants, partners)


@pytest.mark.parametrize("registrants", [1, 8])
def test_notice_fan_out_query_count_does_not_grow(
    django_assert_num_queries, django_capture_on_commit_callbacks, smtp_server, registrants
):
    tour = build_published_tour(registrants=registrants, partners=2)
    RegistrationFactory(activity=tour, status=Registration.Status.WAITLISTED)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.cancel_activity(activity_id=tour.pk, reason="Storm")
    [queue] = [c for c in callbacks if c.__module__ == "changes.services"]
    with django_assert_num_queries(QUERIES["fan_out"]):
        queue()
    assert len(smtp_server.messages) == registrants + 1 + 2


# Measured once; they must not depend on the number of registrants, partners or stops.
QUERIES = {"preview": 37, "fan_out": 12, "history": 6, "rechecks": 4}


@pytest.mark.parametrize("rows", [1, 5])
def test_history_and_rechecks_query_count_does_not_grow(client, django_assert_num_queries, rows):
    tour = build_published_tour(registrants=1, partners=1)
    user = login(client, tour)
    partner = tour.stops.get().partner
    for n in range(rows):
        ActivityChange.objects.create(
            activity=tour,
            kind="changed",
            sequence=n,
            created_by=user,
            lines=[{"what": "start", "name": "", "old": "", "new": ""}],
        )
        SentMessage.objects.create(
            activity=tour, group="confirmed", subject=f"S{n}", body="B", recipients=1
        )
        other = TourFactory(workspace=tour.workspace) if n else tour
        PendingRecheck.objects.create(activity=other, partner=partner, problem="Dicht.")
    for name, url in (
        ("history", reverse("changes:history", args=[tour.pk])),
        ("rechecks", reverse("changes:rechecks")),
    ):
        with django_assert_num_queries(QUERIES[name]):
            assert client.get(url).status_code == 200


def test_api_lists_group_size_above_a_stops_maximum_as_a_problem(client):
    tour = build_published_tour(registrants=0, partners=1)
    stop = tour.stops.get()
    stop.partner.max_group_size = 8
    stop.partner.save()
    problems = client.get(f"/api/tours/{tour.pk}/").json()["problems"]
    assert [(p["stop"], p["kind"]) for p in problems] == [(stop.pk, "group_size")]
