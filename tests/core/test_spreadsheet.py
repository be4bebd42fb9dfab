import csv
import datetime as dt
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core import spreadsheet
from tests.factories import CoordinatorFactory, RegistrationFactory, TourFactory, WorkspaceFactory


def test_format_decimal_uses_comma_in_dutch_and_point_in_english():
    assert spreadsheet.format_decimal(8.4, language="nl") == "8,40"
    assert spreadsheet.format_decimal(8.4, language="en") == "8.40"
    assert spreadsheet.format_number(7.5, language="nl") == "7,5"
    assert spreadsheet.format_decimal(None, language="nl") == ""


def test_delimiter_follows_the_spreadsheet_convention_of_the_language():
    assert (spreadsheet.delimiter(language="nl"), spreadsheet.delimiter(language="en")) == (
        ";",
        ",",
    )


def test_safe_cell_defuses_formulas():
    assert [spreadsheet.safe_cell(t) for t in ("=1+1", "+31", "@x", "Anna", None)] == [
        "'=1+1",
        "'+31",
        "'@x",
        "Anna",
        "",
    ]


def _attendee_rows(client, tour, language: str) -> list[list[str]]:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("activities:attendees_csv", args=[tour.pk]))
    body = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body), delimiter=spreadsheet.delimiter(language=language)))


@pytest.mark.django_db
def test_attendee_csv_has_dutch_headers_and_labels(client):
    workspace = WorkspaceFactory()
    client.force_login(CoordinatorFactory(workspace=workspace))
    tour = TourFactory(workspace=workspace)
    RegistrationFactory(
        activity=tour,
        name="Anna",
        profession="huisarts",
        bike_need="own",
        status="confirmed",
        created_at=timezone.make_aware(dt.datetime(2026, 3, 2, 9, 5)),
    )

    rows = _attendee_rows(client, tour, "nl")

    header, row = rows[0], rows[1]
    assert header[:5] == ["Naam", "E-mail", "Organisatie", "Beroep", "Domein"]
    values = dict(zip(header, row, strict=True))
    assert (values["Beroep"], values["Fiets"], values["Status"]) == (
        "Huisarts",
        "Eigen fiets",
        "Bevestigd",
    )
    assert "huisarts" not in row and "confirmed" not in row and "own" not in row


@pytest.mark.django_db
def test_attendee_csv_in_english_has_english_headers_and_labels(client):
    workspace = WorkspaceFactory()
    client.force_login(CoordinatorFactory(workspace=workspace))
    tour = TourFactory(workspace=workspace)
    RegistrationFactory(activity=tour, profession="sociaal_werker", status="confirmed")

    rows = _attendee_rows(client, tour, "en")

    values = dict(zip(rows[0], rows[1], strict=True))
    assert (values["Profession"], values["Status"]) == ("Social worker", "Confirmed")
