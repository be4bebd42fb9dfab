"""The PE-online/GAIA presence webservice client against a local stand-in HTTP server that
answers recorded Summary documents: the real service (and its test environment) cannot be
reached from this machine, so the stand-in is the one thing here that is not the real part."""

import json
import threading
import urllib.parse
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.utils import timezone

from accreditation import pe_online, services
from accreditation.models import Accreditation, PresenceSubmission
from activities.models import Registration
from tests.factories import RegistrationFactory, RegistryNumberFactory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pe_online"


class StandIn:
    def __init__(self, answers: list[str]):
        self.answers = answers
        self.received: list[ET.Element] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                stand_in.received.append(ET.fromstring(form["sXML"][0].encode()))
                body = (FIXTURES / stand_in.answers.pop(0)).read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/ProcessXML"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def attended(session, name, number):
    registration = RegistrationFactory(
        activity=session,
        name=name,
        status=Registration.Status.ATTENDED,
        checked_in_at=session.starts_at,
    )
    RegistryNumberFactory(registration=registration, registry="big", number=number)
    return registration


@pytest.fixture
def configured(settings, workspace):
    def configure(url):
        settings.ACCREDITATION_PE_ONLINE = json.dumps(
            {workspace.slug: {"url": url, "user_id": "12345", "user_key": "k3y", "org_id": "77"}}
        )

    return configure


@pytest.mark.django_db
def test_submit_presence_records_accepted_and_rejected_and_resends_only_rejected(
    past_session, configured
):
    anna = attended(past_session, "Anna de Vries", "01234567890")
    bram = attended(past_session, "Bram Bakker", "09876543210")
    accreditation = Accreditation.objects.get(activity=past_session, registry="big")

    with StandIn(["summary_one_rejected.xml", "summary_all_accepted.xml"]) as stand_in:
        configured(stand_in.url)
        first = pe_online.submit_presence(accreditation=accreditation)
        second = pe_online.submit_presence(accreditation=accreditation)
        third = pe_online.submit_presence(accreditation=accreditation)

    sent = [
        [row.findtext("externalPersonID") for row in entry.findall("Attendance")]
        for entry in stand_in.received
    ]
    assert sent == [["01234567890", "09876543210"], ["09876543210"]]
    assert stand_in.received[0].findtext("Settings/userRole") == "EDU"
    assert stand_in.received[0].findtext("Attendance/PECourseID") == "455120"
    assert (first.accepted, first.rejected, first.skipped) == (1, 1, 0)
    assert (second.accepted, second.rejected, second.skipped) == (1, 0, 1)
    assert (third.accepted, third.rejected, third.skipped) == (0, 0, 2)
    assert {s.registration_id: s.outcome for s in PresenceSubmission.objects.all()} == {
        anna.pk: "accepted",
        bram.pk: "accepted",
    }
    assert PresenceSubmission.objects.count() == 2
    accreditation.refresh_from_db()
    assert accreditation.presence_submitted_on == timezone.localdate()


@pytest.mark.django_db
def test_submit_presence_rejection_message_kept(past_session, configured):
    attended(past_session, "Anna de Vries", "01234567890")
    attended(past_session, "Bram Bakker", "09876543210")
    accreditation = Accreditation.objects.get(activity=past_session, registry="big")

    with StandIn(["summary_one_rejected.xml"]) as stand_in:
        configured(stand_in.url)
        pe_online.submit_presence(accreditation=accreditation)

    rejected = PresenceSubmission.objects.get(outcome="rejected")
    assert rejected.message == "31 Persoon 09876543210 niet gevonden"
    assert accreditation.presence_submitted_on is None


@pytest.mark.django_db
def test_submit_presence_unreachable_records_nothing(past_session, configured):
    attended(past_session, "Anna de Vries", "01234567890")
    accreditation = Accreditation.objects.get(activity=past_session, registry="big")
    configured("http://127.0.0.1:9/ProcessXML")

    with pytest.raises(pe_online.WebserviceError):
        pe_online.submit_presence(accreditation=accreditation)

    assert PresenceSubmission.objects.count() == 0


@pytest.mark.django_db
def test_submit_presence_not_configured_for_other_workspace(past_session, settings):
    settings.ACCREDITATION_PE_ONLINE = json.dumps({"other": {"url": "http://127.0.0.1:9/"}})
    accreditation = Accreditation.objects.get(activity=past_session, registry="big")

    with pytest.raises(pe_online.WebserviceError):
        pe_online.submit_presence(accreditation=accreditation)
    assert services.presence(activity=past_session).rows == []


@pytest.mark.django_db
def test_presence_page_send_button_posts_to_webservice(
    coordinator_client, past_session, configured
):
    from django.urls import reverse

    attended(past_session, "Anna de Vries", "01234567890")
    attended(past_session, "Bram Bakker", "09876543210")

    with StandIn(["summary_one_rejected.xml"]) as stand_in:
        configured(stand_in.url)
        page = coordinator_client.get(reverse("accreditation:presence", args=[past_session.pk]))
        response = coordinator_client.post(
            reverse("accreditation:send", args=[past_session.pk]), {"registry": "big"}, follow=True
        )

    assert "Versturen naar PE-online" in page.content.decode()
    assert "1 geaccepteerd, 1 geweigerd" in response.content.decode()
