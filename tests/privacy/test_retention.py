"""Retention, export and erasure end to end: services, management commands and the stored
outgoing-mail jobs (django-tasks-db backend, as in production)."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from activities.models import Registration
from privacy.models import AuditEntry
from privacy.services import ANONYMISED_NAME, apply_retention
from ratings.models import Rating
from tests.factories import (
    LinkRatingFactory,
    PastTourFactory,
    RatingInvitationFactory,
    RegistrationFactory,
    StopFactory,
    StopRatingFactory,
    TourFactory,
)

ANNA = "anna.jansen@praktijk.example.org"


def old_tour(months: int = 13):
    starts_at = timezone.now() - dt.timedelta(days=30 * months + 1)
    return PastTourFactory(starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=3))


def anna_everywhere():
    """Anna registered for an old tour (rated it, with comments) and an upcoming one."""
    tour = old_tour()
    rating = LinkRatingFactory(
        activity=tour,
        registration__name="Anna Jansen",
        registration__email=ANNA,
        registration__phone="+31 6 12345678",
        registration__notes="Vegetarisch",
        registration__cancel_token_hash="a" * 64,
        registration__feed_token_hash="b" * 64,
        grade=9,
        comment="Anna vond het mooi",
        most_valuable="De huisartsenpost",
    )
    RatingInvitationFactory(registration=rating.registration, token_hash="c" * 64)
    StopRatingFactory(rating=rating, stop=StopFactory(tour=tour), grade=7)
    upcoming = RegistrationFactory(activity=TourFactory(), name="Anna Jansen", email=ANNA)
    return rating, upcoming


def personal_text() -> str:
    """Everything the audit log and mail log hold, as one text."""
    from django_tasks_db.models import DBTaskResult

    return " ".join(
        [*AuditEntry.objects.values_list("summary", flat=True)]
        + [json.dumps(job.args_kwargs) + job.traceback for job in DBTaskResult.objects.all()]
    )


@pytest.mark.django_db
def test_retention_anonymises_old_registrations_and_keeps_statistics():
    rating, upcoming = anna_everywhere()
    registration = rating.registration

    result = apply_retention()

    registration.refresh_from_db()
    rating.refresh_from_db()
    upcoming.refresh_from_db()
    assert (result.registrations, result.audit_entries_scrubbed) == (1, 0)
    assert (
        registration.name,
        registration.email,
        registration.organisation,
        registration.phone,
        registration.notes,
        registration.cancel_token_hash,
        registration.feed_token_hash,
        registration.status,
        registration.profession,
        registration.anonymised_at is not None,
    ) == (
        ANONYMISED_NAME,
        f"anonymised-{registration.pk}@anonymised.invalid",
        "",
        "",
        "",
        None,
        None,
        Registration.Status.ATTENDED,
        "huisarts",
        True,
    )
    assert (rating.grade, rating.comment, rating.most_valuable) == (9, "", "")
    assert list(rating.stop_ratings.values_list("grade", flat=True)) == [7]
    assert (
        registration.rating_invitation.token_hash == f"revoked-{registration.rating_invitation.pk}"
    )
    assert (upcoming.name, upcoming.email) == ("Anna Jansen", ANNA)


@pytest.mark.django_db
def test_retention_twice_changes_nothing_the_second_time():
    anna_everywhere()
    apply_retention()
    first = list(Registration.objects.order_by("pk").values())

    second = apply_retention()

    assert (second.registrations, second.rating_comments) == (0, 0)
    assert list(Registration.objects.order_by("pk").values()) == first


@pytest.mark.django_db
def test_retention_respects_the_configured_months(settings):
    settings.RETENTION_REGISTRATION_MONTHS = 24
    anna_everywhere()

    assert apply_retention().registrations == 0


@pytest.mark.django_db
def test_retention_clears_comments_of_old_device_ratings(settings):
    settings.RETENTION_RATING_COMMENT_MONTHS = 6
    rating = Rating.objects.create(
        activity=old_tour(), source=Rating.Source.DEVICE, grade=6, comment="Te kort"
    )
    Rating.objects.filter(pk=rating.pk).update(created_at=timezone.now() - dt.timedelta(days=200))

    result = apply_retention()

    rating.refresh_from_db()
    assert (result.rating_comments, rating.grade, rating.comment) == (1, 6, "")


@pytest.mark.django_db
def test_apply_retention_command_reports_counts():
    anna_everywhere()
    out = io.StringIO()

    call_command("apply_retention", stdout=out)

    assert out.getvalue() == (
        "1 registration(s) anonymised, 0 rating comment(s) cleared, 0 audit entr(y/ies) scrubbed.\n"
    )


@pytest.mark.django_db
def test_export_person_command_gives_json_and_csv_without_tokens():
    anna_everywhere()
    json_out, csv_out = io.StringIO(), io.StringIO()

    call_command("export_person", ANNA.upper(), stdout=json_out)
    call_command("export_person", ANNA, "--format", "csv", stdout=csv_out)

    records = json.loads(json_out.getvalue())["registrations"]
    rows = list(csv.DictReader(io.StringIO(csv_out.getvalue())))
    assert [(r["name"], r["rating_grade"], r["rating_comment"]) for r in records] == [
        ("Anna Jansen", 9, "Anna vond het mooi"),
        ("Anna Jansen", None, None),
    ]
    assert [row["email"] for row in rows] == [ANNA, ANNA]
    assert "token" not in json_out.getvalue() + csv_out.getvalue()
    assert "a" * 64 not in json_out.getvalue()


@pytest.mark.django_db
def test_erase_person_command_anonymises_everything_and_logs_without_address():
    anna_everywhere()
    out = io.StringIO()

    call_command("erase_person", ANNA, stdout=out)

    assert out.getvalue() == "2 registration(s) anonymised.\n"
    assert Registration.objects.filter(email__iexact=ANNA).count() == 0
    assert Registration.objects.count() == 2
    assert list(AuditEntry.objects.values_list("action", "summary")) == [
        (
            "person_erased",
            "erased personal data on request: 1 registration(s) anonymised",
        ),
        (
            "person_erased",
            "erased personal data on request: 1 registration(s) anonymised",
        ),
    ]
    assert "anna" not in personal_text().lower()


@pytest.mark.django_db
def test_erase_and_export_commands_refuse_bad_input():
    with pytest.raises(CommandError, match="Not a valid e-mail address: 'not-an-address'"):
        call_command("erase_person", "not-an-address")
    with pytest.raises(CommandError, match="Not a valid e-mail address"):
        call_command("export_person", "@@")
    with pytest.raises(CommandError, match="No registrations found"):
        call_command("erase_person", "nobody@example.org")


@pytest.mark.django_db(transaction=True)
def test_erasure_scrubs_the_stored_mail_jobs(settings):
    from django_tasks_db.models import DBTaskResult

    from activities.tasks import send_coordinator_message

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _rating, upcoming = anna_everywhere()
    send_coordinator_message.enqueue(
        registration_id=upcoming.pk, subject="Voor Anna", body="Beste Anna Jansen, ..."
    )
    DBTaskResult.objects.update(traceback=f"SMTPRecipientsRefused: {{'{ANNA}': (550, 'no')}}")

    call_command("erase_person", ANNA, stdout=io.StringIO())

    assert "anna" not in personal_text().lower()
    assert DBTaskResult.objects.count() == 1
