"""activities.calendar_files: the hook through which feeds gives registration mails their
.ics file, so activities never imports feeds."""

import pytest

from activities import calendar_files, tasks
from activities.models import Registration
from feeds.publishing import activity_calendar_file
from tests.factories import RegistrationFactory


def _calendar_parts(message) -> list[str]:
    return [name for name, _content, mimetype in message.attachments if mimetype == "text/calendar"]


def test_calendar_files_builder_is_the_feeds_one():
    assert [activity_calendar_file] == calendar_files._BUILDERS


@pytest.mark.django_db
def test_calendar_files_confirmation_attaches_the_registered_builders_file(monkeypatch):
    calls = []

    def builder(**kwargs):
        calls.append(kwargs)
        return b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"

    monkeypatch.setattr(calendar_files, "_BUILDERS", [builder])
    registration = RegistrationFactory(status=Registration.Status.CONFIRMED, email="an@example.org")

    message = tasks.compose(registration=registration, kind="confirmation")

    assert _calendar_parts(message) == ["activity.ics"]
    assert calls == [
        {
            "activity_id": registration.activity_id,
            "language": "nl",
            "method": "PUBLISH",
            "attendees": ("an@example.org",),
        }
    ]


@pytest.mark.django_db
def test_calendar_files_without_builder_mail_goes_without_ics(monkeypatch):
    monkeypatch.setattr(calendar_files, "_BUILDERS", [])
    registration = RegistrationFactory(status=Registration.Status.CONFIRMED)

    message = tasks.compose(registration=registration, kind="confirmation")

    assert _calendar_parts(message) == []
    assert "BEGIN:VCALENDAR" not in message.body
