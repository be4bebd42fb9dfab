import datetime as dt
import io
import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from accreditation import documents, services
from accreditation.models import Certificate
from activities.models import Registration
from privacy.services import erase_person
from tests.factories import RegistrationFactory, RegistryNumberFactory


def attendees(session):
    """Full, left early at 17:30 (60 of 105 minutes), no-show; all with BIG numbers."""
    start = session.starts_at
    rows = []
    for name, number, status in [
        ("Anna de Vries", "01234567890", Registration.Status.ATTENDED),
        ("Bram Bakker", "09876543210", Registration.Status.ATTENDED),
        ("Carla Smit", "11111111111", Registration.Status.CONFIRMED),
    ]:
        registration = RegistrationFactory(
            activity=session, name=name, status=status, checked_in_at=start
        )
        RegistryNumberFactory(registration=registration, registry="big", number=number)
        rows.append(registration)
    services.record_departure(
        registration_id=rows[1].pk, left_at=start + dt.timedelta(hours=1, minutes=30)
    )
    return rows


@pytest.mark.django_db
def test_presence_paste_list_has_only_full_attendance(past_session):
    attendees(past_session)

    data = services.presence(activity=past_session)

    assert [(r.surname, r.minutes, r.full["big"]) for r in data.rows] == [
        ("de Vries", 105, True),
        ("Bakker", 75, False),
        ("Smit", 0, False),
    ]
    assert documents.paste_list(data=data, registry="big") == "01234567890\n"


@pytest.mark.django_db
def test_presence_xlsx_read_back_equals_database(past_session):
    attendees(past_session)
    data = services.presence(activity=past_session)

    workbook = load_workbook(io.BytesIO(documents.presence_xlsx(data=data)))
    sheet = workbook["BIG-register"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index(tuple(documents.XLSX_HEADERS))
    body = rows[header + 1 :]

    assert workbook.sheetnames == ["BIG-register"]
    assert rows[3][:2] == ("Accreditatienummer", "455120")
    assert [(r[0], r[1], r[3], r[5], r[7]) for r in body] == [
        (
            row.surname,
            row.initials,
            row.numbers["big"],
            row.numbers["big"],
            "ja" if row.full["big"] else "nee",
        )
        for row in data.rows
    ]
    assert sheet.cell(row=header + 2, column=4).data_type == "s"


@pytest.mark.django_db
def test_presence_pdf_is_a4_text_with_registry_fields(coordinator_client, past_session):
    attendees(past_session)

    response = coordinator_client.get(reverse("accreditation:presence_pdf", args=[past_session.pk]))
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()

    assert response["Content-Type"] == "application/pdf"
    assert "Presentielijst" in text and "455120" in text and "Handtekening" in text
    assert "01234567890" in text and "de Vries" in text


@pytest.mark.django_db
def test_close_attendance_issues_certificates_and_mails_them(
    coordinator_client, past_session, smtp_server, django_capture_on_commit_callbacks
):
    anna, bram, carla = attendees(past_session)

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(reverse("accreditation:close", args=[past_session.pk]))

    certificates = Certificate.objects.order_by("registration__name")
    carla.refresh_from_db()
    assert response.status_code == 302
    assert carla.status == Registration.Status.NO_SHOW
    assert [(c.registration.name, c.attended_minutes) for c in certificates] == [
        ("Anna de Vries", 105),
        ("Bram Bakker", 75),
    ]
    assert certificates[1].lines[0]["points"] == "1.4"
    assert sorted(m["To"] for m in smtp_server.messages) == sorted([anna.email, bram.email])
    pdf = next(
        part.get_content()
        for part in smtp_server.messages[0].iter_attachments()
        if part.get_content_type() == "application/pdf"
    )
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout.decode()
    assert "455120" in text


@pytest.mark.django_db
def test_close_attendance_twice_issues_and_mails_nothing_new(
    coordinator_client, past_session, smtp_server, django_capture_on_commit_callbacks
):
    attendees(past_session)
    url = reverse("accreditation:close", args=[past_session.pk])

    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(url)
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(url)

    assert Certificate.objects.count() == 2
    assert len(smtp_server.messages) == 2


@pytest.mark.django_db
def test_verification_page_shows_only_name_activity_date_points(client, past_session):
    anna, *_ = attendees(past_session)
    services.close_attendance(activity_id=past_session.pk)
    certificate = Certificate.objects.get(registration=anna)

    client.cookies["django_language"] = "en"
    html = client.get(reverse("accreditation:verify", args=[certificate.code])).content.decode()

    assert "Anna de Vries" in html and "Kenniscafé Dementie" in html and "2.0" in html
    assert anna.email not in html and "01234567890" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["WRONGCODE234", "x", "A" * 200])
def test_verification_page_wrong_code_is_404(client, past_session, code):
    response = client.get(reverse("accreditation:verify", args=[code]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_erasure_revokes_certificate_and_deletes_numbers(client, past_session):
    anna, *_ = attendees(past_session)
    services.close_attendance(activity_id=past_session.pk)
    code = Certificate.objects.get(registration=anna).code

    erase_person(email=anna.email, actor=None)

    assert client.get(reverse("accreditation:verify", args=[code])).status_code == 404
    assert not anna.registry_numbers.exists()


@pytest.mark.django_db
def test_registrant_downloads_certificate_from_personal_page(client, past_session):
    from activities.services import issue_cancel_token

    anna, _bram, carla = attendees(past_session)
    services.close_attendance(activity_id=past_session.pk)
    token = issue_cancel_token(registration=anna)
    other = issue_cancel_token(registration=carla)

    page = client.get(reverse("activities:registration", args=[token])).content.decode()
    pdf = client.get(reverse("accreditation:registrant_certificate", args=[token]))
    refused = client.get(reverse("accreditation:registrant_certificate", args=[other]))

    assert reverse("accreditation:registrant_certificate", args=[token]) in page
    assert pdf["Content-Type"] == "application/pdf"
    assert refused.status_code == 404


@pytest.mark.django_db
def test_periodic_job_closes_yesterdays_activity(
    past_session, smtp_server, django_capture_on_commit_callbacks
):
    attendees(past_session)
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_periodic_jobs", "--job", "issue_certificates", stdout=out)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_periodic_jobs", "--job", "issue_certificates", stdout=out)

    assert "attendance closed for 1 activity" in out.getvalue()
    assert "attendance closed for 0 activities" in out.getvalue()
    assert Certificate.objects.count() == 2
    assert len(smtp_server.messages) == 2


@pytest.mark.django_db
def test_api_presence_lists_for_coordinator_only(client, coordinator, past_session):
    attendees(past_session)
    url = f"/api/activities/{past_session.pk}/presence/"

    anonymous = client.get(url)
    client.force_login(coordinator)
    body = client.get(url).json()

    assert anonymous.status_code == 404
    assert body["lists"] == {"big": ["01234567890"]}
    assert [row["minutes"] for row in body["rows"]] == [105, 75, 0]


@pytest.mark.django_db
def test_presence_xlsx_name_that_looks_like_a_formula_stays_text(past_session):
    RegistrationFactory(activity=past_session, name='Eva =HYPERLINK("http://x")', status="attended")

    content = documents.presence_xlsx(data=services.presence(activity=past_session))
    sheet = load_workbook(io.BytesIO(content))["BIG-register"]
    surname = next(
        cell for row in sheet.iter_rows() for cell in row if str(cell.value).startswith("=")
    )

    assert surname.data_type == "s"


@pytest.mark.django_db
def test_certificate_mail_task_twice_sends_once(past_session, smtp_server):
    from accreditation import tasks

    anna, *_ = attendees(past_session)
    services.close_attendance(activity_id=past_session.pk)
    certificate = Certificate.objects.get(registration=anna)

    first = tasks.send_certificate_mail.call(certificate_id=certificate.pk)
    second = tasks.send_certificate_mail.call(certificate_id=certificate.pk)

    assert (first, second) == ("sent", "skipped")
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_api_close_attendance_for_coordinator(client, coordinator, past_session):
    attendees(past_session)
    client.force_login(coordinator)

    response = client.post(f"/api/activities/{past_session.pk}/attendance/close/")

    assert response.status_code == 200
    assert response.json()["certificates_issued"] == 2
