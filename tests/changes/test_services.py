"""The change workflow's rules, one test per rule, through the services pages and API use."""

import datetime as dt

import pytest

from activities.models import Activity, Registration
from changes import services
from changes.models import ActivityChange
from tests.changes.conftest import build_published_tour
from tests.factories import ContactFactory, RegistrationFactory
from tours import services as tour_services
from tours.models import Stop, Tour

pytestmark = pytest.mark.django_db


def notices(callbacks) -> list:
    """The on-commit callbacks that queue change notices (the cache has its own)."""
    return [c for c in callbacks if c.__module__ == "changes.services"]


def schedule(tour: Tour) -> list[tuple]:
    return list(
        Stop.objects.filter(tour=tour)
        .order_by("position")
        .values_list("partner__name", "arrives_at", "departs_at")
    )


def move_start(tour: Tour, minutes: int, **kwargs):
    new_start = tour.starts_at + dt.timedelta(minutes=minutes)
    return services.change_activity(
        activity_id=tour.pk,
        apply=lambda: tour_services.update_tour(
            tour=Tour.objects.get(pk=tour.pk), starts_at=new_start
        ),
        **kwargs,
    )


def test_edit_note_or_host_keeps_order_and_times(published_tour):
    before = schedule(published_tour)
    first = published_tour.stops.order_by("position").first()
    host = ContactFactory(partner=first.partner)
    for _ in range(3):
        tour_services.update_stop(stop=Stop.objects.get(pk=first.pk), host=host, programme="Koffie")
    assert schedule(published_tour) == before


def test_edit_note_through_workflow_sends_nothing(
    published_tour, django_capture_on_commit_callbacks
):
    first = published_tour.stops.order_by("position").first()
    with django_capture_on_commit_callbacks() as callbacks:
        preview = services.change_activity(
            activity_id=published_tour.pk,
            apply=lambda: tour_services.update_stop(
                stop=Stop.objects.get(pk=first.pk), programme="Nieuwe tekst"
            ),
        )
    assert (preview.lines, notices(callbacks), ActivityChange.objects.count()) == ([], [], 0)
    assert Stop.objects.get(pk=first.pk).programme == "Nieuwe tekst"


def test_editing_seats_or_texts_never_retimes(published_tour):
    before = schedule(published_tour)
    tour_services.update_tour(
        tour=Tour.objects.get(pk=published_tour.pk), capacity=12, description="Anders"
    )
    assert schedule(published_tour) == before


def test_move_start_needs_confirmation_and_saves_nothing(published_tour):
    before = schedule(published_tour)
    with pytest.raises(services.ConfirmationNeeded) as asked:
        move_start(published_tour, 30)
    preview = asked.value.preview
    assert (preview.registrants, preview.partners) == (3, 2)
    assert preview.texts[0] == "Start: 13:00 → 13:30"
    assert preview.summary == "3 deelnemers en 2 partners krijgen bericht:"
    assert schedule(published_tour) == before
    assert Tour.objects.get(pk=published_tour.pk).starts_at == published_tour.starts_at


def test_move_start_confirmed_shifts_schedule_and_queues_once(
    published_tour, django_capture_on_commit_callbacks
):
    before = schedule(published_tour)
    with django_capture_on_commit_callbacks() as callbacks:
        move_start(published_tour, 30, confirmed=True)
    after = schedule(published_tour)
    assert [name for name, *_ in after] == [name for name, *_ in before]
    assert [a - b for (_, a, _e), (_, b, _f) in zip(after, before, strict=True)] == [
        dt.timedelta(minutes=30)
    ] * 2
    assert len(notices(callbacks)) == 1
    [change] = ActivityChange.objects.all()
    assert (change.kind, change.registrants, change.partners) == ("changed", 3, 2)
    assert change.sequence == Tour.objects.get(pk=published_tour.pk).sequence
    assert change.sequence > published_tour.sequence
    assert [line["what"] for line in change.lines] == ["start", "end", "stop_time", "stop_time"]


def test_stop_that_no_longer_fits_refuses_the_save(published_tour):
    before = schedule(published_tour)
    with pytest.raises(tour_services.TourError) as refused:
        move_start(published_tour, 180, confirmed=True)
    assert "Buurtteam" in refused.value.message
    assert "17:00" in refused.value.message
    assert schedule(published_tour) == before
    assert Tour.objects.get(pk=published_tour.pk).starts_at == published_tour.starts_at
    assert ActivityChange.objects.count() == 0


def test_draft_change_is_saved_silently():
    tour = build_published_tour(registrants=0)
    Activity.objects.filter(pk=tour.pk).update(status=Activity.Status.DRAFT)
    preview = move_start(Tour.objects.get(pk=tour.pk), 30)
    assert preview.lines == []
    assert ActivityChange.objects.count() == 0


def test_stale_version_is_a_conflict(published_tour):
    old = services.version_of(published_tour)
    tour_services.update_tour(tour=Tour.objects.get(pk=published_tour.pk), title="Eerste")
    with pytest.raises(services.EditConflict):
        services.change_activity(
            activity_id=published_tour.pk,
            apply=lambda: tour_services.update_tour(
                tour=Tour.objects.get(pk=published_tour.pk), title="Tweede"
            ),
            version=old,
        )
    assert Tour.objects.get(pk=published_tour.pk).title == "Eerste"


def test_cancel_and_reinstate_keep_seats(published_tour, django_capture_on_commit_callbacks):
    RegistrationFactory(activity=published_tour, status=Registration.Status.WAITLISTED)
    with django_capture_on_commit_callbacks() as callbacks:
        change = services.cancel_activity(activity_id=published_tour.pk, reason="Storm")
    assert (change.kind, change.reason, change.registrants, change.partners) == (
        "cancelled",
        "Storm",
        4,
        2,
    )
    assert len(notices(callbacks)) == 1
    assert Activity.objects.get(pk=published_tour.pk).status == "cancelled"
    with django_capture_on_commit_callbacks():
        services.reinstate_activity(activity_id=published_tour.pk)
    tour = Tour.objects.get(pk=published_tour.pk)
    assert tour.status == "published"
    assert tour.registrations.filter(status="confirmed").count() == 3
    assert tour.sequence == published_tour.sequence + 2


def test_reinstate_refused_after_start(published_tour):
    services.cancel_activity(activity_id=published_tour.pk)
    Activity.objects.filter(pk=published_tour.pk).update(
        starts_at=dt.datetime(2020, 1, 1, 12, tzinfo=dt.UTC),
        ends_at=dt.datetime(2020, 1, 1, 15, tzinfo=dt.UTC),
    )
    with pytest.raises(services.ChangeError, match="al begonnen"):
        services.reinstate_activity(activity_id=published_tour.pk)


def test_cancel_twice_is_refused(published_tour):
    services.cancel_activity(activity_id=published_tour.pk)
    with pytest.raises(services.ChangeError):
        services.cancel_activity(activity_id=published_tour.pk)


def test_notice_task_runs_once(published_tour, smtp_server, django_capture_on_commit_callbacks):
    from changes.tasks import send_change_notices

    with django_capture_on_commit_callbacks(execute=True):
        move_start(published_tour, 30, confirmed=True)
    sent = len(smtp_server.messages)
    change = ActivityChange.objects.get()
    assert send_change_notices.call(change_id=change.pk) == "skipped"
    assert len(smtp_server.messages) == sent == 3 + 2
