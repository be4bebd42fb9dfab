import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from activities.models import Registration
from ratings import services
from ratings.models import RatingInvitation
from ratings.tasks import send_rating_invitations
from tests.factories import PastTourFactory, RegistrationFactory, UserFactory

LINK = re.compile(r"https?://\S+/ratings/([\w-]+)/")


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def tour_with(*statuses: str, **tour_fields):
    tour = PastTourFactory(title="Wijktour Indische Buurt", **tour_fields)
    registrations = [RegistrationFactory(activity=tour, status=status) for status in statuses]
    return tour, registrations


@pytest.mark.django_db(transaction=True)
def test_invitations_go_to_attendees_only(smtp_server):
    _tour, regs = tour_with("attended", "attended", "no_show", "cancelled", "confirmed")

    sent = services.invite_raters()

    assert sent == 2
    assert sorted(m["To"] for m in smtp_server.messages) == sorted([regs[0].email, regs[1].email])


@pytest.mark.django_db(transaction=True)
def test_invitations_go_to_all_confirmed_when_no_attendance_was_taken(smtp_server):
    _tour, regs = tour_with("confirmed", "confirmed", "cancelled", "waitlisted")

    services.invite_raters()

    assert sorted(m["To"] for m in smtp_server.messages) == sorted([regs[0].email, regs[1].email])


@pytest.mark.django_db(transaction=True)
def test_invitation_subject_language_and_working_link(smtp_server, client, settings):
    settings.SITE_URL = "http://testserver"
    _tour, (dutch, english) = tour_with("attended", "attended")
    Registration.objects.filter(pk=english.pk).update(language="en")

    services.invite_raters()

    by_address = {m["To"]: m for m in smtp_server.messages}
    assert by_address[dutch.email]["Subject"] == "Hoe was Wijktour Indische Buurt?"
    assert by_address[english.email]["Subject"] == "How was Wijktour Indische Buurt?"
    assert "Geef een cijfer van 1 tot 10" in text_of(by_address[dutch.email])
    token = LINK.search(text_of(by_address[dutch.email])).group(1)
    assert len(token) >= 40
    invitation = RatingInvitation.objects.get(registration=dutch)
    assert invitation.token_hash == services.hash_token(token)
    assert token not in invitation.token_hash
    response = client.get(f"/ratings/{token}/")
    assert response.status_code == 200
    assert "Hoe was Wijktour Indische Buurt?" in response.text


@pytest.mark.django_db(transaction=True)
def test_invitations_run_twice_send_once(smtp_server):
    tour_with("attended", "attended")

    first, second = io.StringIO(), io.StringIO()
    call_command("send_rating_invitations", stdout=first)
    call_command("send_rating_invitations", stdout=second)

    assert len(smtp_server.messages) == 2
    assert first.getvalue() == "Rating invitations sent: 2; reminders sent: 0.\n"
    assert second.getvalue() == "Rating invitations sent: 0; reminders sent: 0.\n"
    assert RatingInvitation.objects.filter(sent_at__isnull=False).count() == 2


@pytest.mark.django_db(transaction=True)
def test_invitations_wait_for_the_delay(smtp_server, settings):
    settings.RATINGS_INVITATION_DELAY_HOURS = 2
    now = timezone.now()
    PastTourFactory(starts_at=now - dt.timedelta(hours=4), ends_at=now - dt.timedelta(hours=1))
    RegistrationFactory(activity=PastTourFactory(), status="attended")

    assert services.invite_raters() == 1


@pytest.mark.django_db(transaction=True)
def test_invitations_skip_upcoming_and_cancelled_activities(smtp_server):
    RegistrationFactory(status="confirmed")  # activity in two weeks
    _tour, _regs = tour_with("attended", status="cancelled")

    assert services.invite_raters() == 0
    assert smtp_server.messages == []


@pytest.mark.django_db(transaction=True)
def test_task_sends_invitations_and_reminders(smtp_server):
    tour_with("attended")

    result = send_rating_invitations.enqueue()

    assert result.return_value == {"invitations": 1, "reminders": 0}
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_reminder_sent_once_after_delay_with_a_second_working_link(smtp_server, client, settings):
    settings.SITE_URL = "http://testserver"
    tour_with("attended")
    services.invite_raters()
    first = LINK.search(text_of(smtp_server.messages[0])).group(1)
    later = timezone.now() + dt.timedelta(days=4, minutes=1)

    assert services.send_rating_reminders(now=timezone.now()) == 0
    assert services.send_rating_reminders(now=later) == 1
    assert services.send_rating_reminders(now=later) == 0

    reminder = smtp_server.messages[1]
    assert reminder["Subject"] == "Herinnering: hoe was Wijktour Indische Buurt?"
    second = LINK.search(text_of(reminder)).group(1)
    assert second != first
    assert client.get(f"/ratings/{first}/").status_code == 200
    assert client.get(f"/ratings/{second}/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_no_reminder_after_rating(smtp_server, client, settings):
    settings.SITE_URL = "http://testserver"
    tour_with("attended")
    services.invite_raters()
    token = LINK.search(text_of(smtp_server.messages[0])).group(1)
    client.post(f"/ratings/{token}/", {"grade": "9"})

    assert services.send_rating_reminders(now=timezone.now() + dt.timedelta(days=5)) == 0


@pytest.mark.django_db(transaction=True)
def test_unsent_invitation_of_a_since_cancelled_registration_is_not_sent(smtp_server):
    _tour, (registration,) = tour_with("attended")
    RatingInvitation.objects.create(registration=registration, token_hash=services.new_token()[1])
    Registration.objects.filter(pk=registration.pk).update(status="cancelled")

    assert services.invite_raters() == 0
    assert smtp_server.messages == []


@pytest.mark.django_db(transaction=True)
def test_failed_mail_is_sent_again_on_the_next_run(smtp_server, settings):
    tour_with("attended")
    working = settings.MAILERS
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},  # nothing listens here
        }
    }

    services.invite_raters()
    assert RatingInvitation.objects.get().sent_at is None
    settings.MAILERS = working
    services.invite_raters()

    assert len(smtp_server.messages) == 1
    assert RatingInvitation.objects.get().sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_invitation_replies_go_to_the_coordinator(smtp_server):
    coordinator = UserFactory(email="sanne@steunpunt.example.org")
    tour_with("attended", coordinator=coordinator)

    services.invite_raters()

    assert smtp_server.messages[0]["Reply-To"] == "sanne@steunpunt.example.org"
