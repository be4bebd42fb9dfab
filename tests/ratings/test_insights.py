import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.models import Registration
from ratings.models import StopRating
from tests.factories import (
    CoordinatorFactory,
    KnowledgeSessionFactory,
    LinkRatingFactory,
    NeighbourhoodFactory,
    PartnerFactory,
    PastTourFactory,
    RatingFactory,
    RegistrationFactory,
    StopFactory,
    StopRatingFactory,
    UserFactory,
    WorkspaceFactory,
    past_datetime,
)


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def workspace(coordinator):
    return coordinator.memberships.get().workspace


def rated_tour(workspace, grades, **fields):
    tour = PastTourFactory(workspace=workspace, **fields)
    for grade in grades:
        LinkRatingFactory(activity=tour, grade=grade)
    return tour


@pytest.mark.django_db
def test_dashboard_headline_with_dutch_decimal_comma(client, coordinator, workspace):
    rated_tour(workspace, [7, 8, 8, 9, 10])
    client.force_login(coordinator)

    response = client.get("/manage/insights/")

    assert response.status_code == 200
    assert "1 wijktour," in response.text
    assert "5 professionals," in response.text
    assert "gemiddeld 8,4" in response.text
    assert '<dd id="figure-median">8</dd>' in response.text
    assert '<svg class="chart" id="chart-distribution" role="img"' in response.text


@pytest.mark.django_db
def test_dashboard_in_english_uses_decimal_point(client, coordinator, workspace):
    rated_tour(workspace, [7, 8, 8, 9, 10])
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"

    response = client.get("/manage/insights/")

    assert "average 8.4" in response.text


@pytest.mark.django_db
def test_dashboard_withholds_small_groups(client, coordinator, workspace):
    rated_tour(workspace, [9, 9, 9])
    client.force_login(coordinator)

    response = client.get("/manage/insights/")

    insights = response.context["insights"]
    assert insights.overall.withheld is True
    assert '<dd id="figure-mean">te weinig beoordelingen</dd>' in response.text
    assert "gemiddeld" not in response.text


@pytest.mark.django_db
def test_dashboard_counts_registrations_attendees_professionals_and_response(
    client, coordinator, workspace
):
    tour = rated_tour(workspace, [8] * 5)
    # The same professional at a second tour counts once among professionals.
    second = PastTourFactory(workspace=workspace)
    RegistrationFactory(activity=second, email=tour.registrations.first().email.upper())
    RegistrationFactory(activity=second, status=Registration.Status.CANCELLED)
    RatingFactory(activity=second, grade=6)  # a device rating
    PastTourFactory(workspace=workspace, status="cancelled")
    client.force_login(coordinator)

    insights = client.get("/manage/insights/").context["insights"]

    assert (insights.activities, insights.registrations, insights.attendees) == (2, 6, 6)
    assert insights.professionals == 5
    assert (insights.responses, insights.device_ratings, insights.invited) == (5, 1, 0)
    assert insights.overall.count == 6
    assert insights.overall.mean == (8 * 5 + 6) / 6


@pytest.mark.django_db
def test_dashboard_is_workspace_scoped(client, coordinator, workspace):
    rated_tour(workspace, [8] * 5, title="Eigen tour")
    rated_tour(WorkspaceFactory(), [2] * 5, title="Andermans tour")
    client.force_login(coordinator)

    response = client.get("/manage/insights/")

    assert [row.title for row in response.context["insights"].by_activity] == ["Eigen tour"]
    assert "Andermans tour" not in response.text


@pytest.mark.django_db
def test_dashboard_filters_by_neighbourhood_and_period(client, coordinator, workspace):
    north = NeighbourhoodFactory(workspace=workspace, name="Noord")
    rated_tour(workspace, [9] * 5, neighbourhood=north, starts_at=past_datetime(10))
    rated_tour(workspace, [6] * 5, starts_at=past_datetime(40))
    client.force_login(coordinator)

    by_area = client.get("/manage/insights/", {"neighbourhood": north.slug}).context["insights"]
    by_period = client.get(
        "/manage/insights/",
        {"date_from": past_datetime(50).date(), "date_to": past_datetime(30).date()},
    ).context["insights"]

    assert (by_area.overall.count, by_area.overall.mean) == (5, 9.0)
    assert (by_period.overall.count, by_period.overall.mean) == (5, 6.0)


@pytest.mark.django_db
def test_dashboard_breakdowns_by_kind_partner_and_domain(client, coordinator, workspace):
    tour = rated_tour(workspace, [8] * 5)
    partner = PartnerFactory(workspace=workspace, name="Buurtkamer")
    stop = StopFactory(tour=tour, partner=partner)
    for rating, answer in zip(
        tour.ratings.all(), ["yes", "yes", "yes", "maybe", "no"], strict=True
    ):
        StopRatingFactory(rating=rating, stop=stop, grade=7, would_refer=answer)
    session = KnowledgeSessionFactory(workspace=workspace, starts_at=past_datetime(3))
    for _ in range(5):
        LinkRatingFactory(activity=session, grade=10)
    client.force_login(coordinator)

    response = client.get("/manage/insights/")

    insights = response.context["insights"]
    text = " ".join(response.text.split())
    assert (
        '<p class="headline" id="headline"> 1 wijktour, 5 professionals, gemiddeld 8,0 </p>' in text
    )
    assert "1 kenniscafé, 5 professionals, gemiddeld 10,0 </p>" in text
    assert [(b.label, b.summary.mean) for b in insights.by_kind] == [
        ("Kenniscafé", 10.0),
        ("Wijktour", 8.0),
    ]
    assert [(b.key, b.summary.count) for b in insights.by_domain] == [("medisch", 10)]
    (row,) = insights.by_partner
    assert (row.name, row.figures.grades.mean) == ("Buurtkamer", 7.0)
    assert row.figures.refer == {"yes": 0.6, "maybe": 0.2, "no": 0.2}


@pytest.mark.django_db
def test_dashboard_refuses_non_coordinators(client):
    assert client.get("/manage/insights/").status_code == 302
    client.force_login(UserFactory())
    assert client.get("/manage/insights/").status_code == 403


def _ratings(workspace, count: int) -> None:
    tours = [PastTourFactory(workspace=workspace) for _ in range(min(count, 3))]
    stops = [StopFactory(tour=tour) for tour in tours]
    for index in range(count):
        rating = LinkRatingFactory(activity=tours[index % len(tours)], grade=5 + index % 6)
        StopRatingFactory(rating=rating, stop=stops[index % len(tours)])


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/manage/insights/", "/api/insights/"])
def test_insights_query_count_does_not_grow_with_ratings(client, coordinator, workspace, url):
    client.force_login(coordinator)
    _ratings(workspace, 1)
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    counts = []
    for more in (2, 47):  # 3 and 50 ratings
        _ratings(workspace, more)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))

    assert counts == [len(first), len(first)]


@pytest.mark.django_db
def test_dashboard_query_count_is_fixed(client, coordinator, workspace, django_assert_num_queries):
    client.force_login(coordinator)
    _ratings(workspace, 50)

    # session, user, coordinator check (nav), coordinator check, workspaces, activities,
    # statuses, professionals, invitations, ratings, partners, stop ratings, neighbourhoods
    with django_assert_num_queries(13):
        client.get("/manage/insights/")


@pytest.mark.django_db
def test_api_returns_aggregates(client, coordinator, workspace):
    rated_tour(workspace, [7, 8, 8, 9, 10], title="Tour A")
    client.force_login(coordinator)

    data = client.get("/api/insights/").json()

    assert data["overall"] == {
        "count": 5,
        "mean": 8.4,
        "median": 8.0,
        "distribution": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0, "6": 0, "7": 1, "8": 2, "9": 1,
                         "10": 1},
        "withheld": False,
    }  # fmt: skip
    assert [row["title"] for row in data["by_activity"]] == ["Tour A"]
    assert "email" not in str(data)


@pytest.mark.django_db
def test_api_bad_filters_get_400_per_field(client, coordinator):
    other = NeighbourhoodFactory()
    client.force_login(coordinator)

    response = client.get("/api/insights/", {"date_from": "gisteren", "neighbourhood": other.slug})

    assert response.status_code == 400
    assert sorted(response.json()) == ["date_from"]
    response = client.get("/api/insights/", {"neighbourhood": other.slug})
    assert response.json() == {"neighbourhood": ["Onbekende wijk."]}


@pytest.mark.django_db
def test_api_refuses_non_coordinators(client):
    assert client.get("/api/insights/").status_code == 403
    client.force_login(UserFactory())
    assert client.get("/api/insights/").status_code == 403


def _partner_with_ratings(workspace):
    partner = PartnerFactory(workspace=workspace, name="Voedselbank Oost", slug="voedselbank-oost")
    tour = PastTourFactory(workspace=workspace, title="Tour Oost")
    stop = StopFactory(tour=tour, partner=partner)
    for index in range(5):
        rating = LinkRatingFactory(
            activity=tour,
            grade=8,
            comment=f"Opmerking {index}",
            consent_to_share=index < 2,
            registration__name=f"Geheime Naam {index}",
        )
        StopRatingFactory(rating=rating, stop=stop, grade=6 + index, would_refer="yes")
    return partner


@pytest.mark.django_db
def test_partner_editor_sees_grades_and_consented_comments_only(client, workspace):
    partner = _partner_with_ratings(workspace)
    editor = UserFactory()
    partner.editors.add(editor)
    client.force_login(editor)

    response = client.get("/manage/insights/partner/voedselbank-oost/")

    assert response.status_code == 200
    assert '<dd id="partner-mean">8,0</dd>' in response.text
    assert '<dd id="partner-refer-yes">100 %</dd>' in response.text
    assert [c["comment"] for c in response.context["insights"].comments] == [
        "Opmerking 0",
        "Opmerking 1",
    ]
    assert "Opmerking 2" not in response.text
    assert "Geheime Naam" not in response.text
    assert "@" not in response.text.split("<main")[1]


@pytest.mark.django_db
def test_partner_view_refuses_other_users(client, workspace):
    _partner_with_ratings(workspace)
    client.force_login(UserFactory())

    assert client.get("/manage/insights/partner/voedselbank-oost/").status_code == 404


@pytest.mark.django_db
def test_partner_view_open_to_the_workspace_coordinator(client, coordinator, workspace):
    _partner_with_ratings(workspace)
    client.force_login(coordinator)

    assert client.get("/manage/insights/partner/voedselbank-oost/").status_code == 200


@pytest.mark.django_db
def test_csv_of_ratings_is_anonymised(client, coordinator, workspace):
    _partner_with_ratings(workspace)
    client.force_login(coordinator)

    response = client.get("/manage/insights/export/ratings.csv")

    body = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0] == ["Activiteit", "Soort", "Datum", "Wijk", "Bron", "Domein van de beoordelaar",
                       "Cijfer", "Waardevolst", "Opmerking (gedeeld)"]  # fmt: skip
    assert len(rows) == 6
    assert [row[8] for row in rows[1:]] == ["Opmerking 0", "Opmerking 1", "", "", ""]
    assert "Geheime Naam" not in body
    assert "@" not in body


@pytest.mark.django_db
def test_csv_of_aggregates_withholds_small_groups(client, coordinator, workspace):
    rated_tour(workspace, [8] * 5, title="Groot")
    rated_tour(workspace, [3, 4], title="Klein")
    client.force_login(coordinator)

    response = client.get("/manage/insights/export/aggregates.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    activity_rows = [row for row in rows if row[0] == "Activiteit"]
    assert sorted((row[1].split(" (")[0], row[2], row[3], row[5]) for row in activity_rows) == [
        ("Groot", "5", "8,00", "0"),
        ("Klein", "2", "", "1"),
    ]


@pytest.mark.django_db
def test_device_link_page_shows_url_and_qr_code(client, coordinator, workspace):
    tour = PastTourFactory(workspace=workspace)
    client.force_login(coordinator)

    response = client.get(f"/manage/insights/activity/{tour.pk}/device-link/")

    assert response.status_code == 200
    assert f"/ratings/activity/{tour.pk}/device/" in response.text
    assert '<svg role="img" aria-label="QR-code"' in response.text


@pytest.mark.django_db
def test_device_link_page_refuses_other_workspaces(client, coordinator):
    tour = PastTourFactory()
    client.force_login(coordinator)

    assert client.get(f"/manage/insights/activity/{tour.pk}/device-link/").status_code == 404


def test_stop_rating_refer_choices_match_statistics():
    assert tuple(StopRating.Refer.values) == ("yes", "maybe", "no")


def test_device_link_format_matches_url_conf():
    from django.urls import reverse

    from ratings.insights import DEVICE_LINK

    assert DEVICE_LINK.format(pk=42) == reverse("ratings:device_link", args=[42])


def _partner_ratings(partner, tour, stop, count: int) -> None:
    for index in range(count):
        rating = LinkRatingFactory(
            activity=tour, grade=7 + index % 3, comment=f"Tip {index}", consent_to_share=True
        )
        StopRatingFactory(rating=rating, stop=stop)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/manage/insights/partner/p-constant/",
        "/manage/insights/export/ratings.csv",
        "/manage/insights/export/aggregates.csv",
    ],
)
def test_partner_view_and_exports_query_count_does_not_grow(client, coordinator, workspace, url):
    partner = PartnerFactory(workspace=workspace, slug="p-constant")
    tour = PastTourFactory(workspace=workspace)
    stop = StopFactory(tour=tour, partner=partner)
    client.force_login(coordinator)
    counts = []
    for more in (1, 2, 47):  # 1, 3 and 50 ratings
        _partner_ratings(partner, tour, stop, more)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))

    assert counts == [counts[0]] * 3


@pytest.mark.django_db
def test_device_link_panel_for_check_in_pages_links_to_the_qr_page():
    from django.template.loader import render_to_string

    tour = PastTourFactory()

    html = render_to_string("ratings/_device_link_panel.html", {"activity": tour})

    assert f'href="/manage/insights/activity/{tour.pk}/device-link/"' in html


@pytest.mark.django_db
def test_csv_of_ratings_defuses_spreadsheet_formulas(client, coordinator, workspace):
    tour = PastTourFactory(workspace=workspace)
    LinkRatingFactory(activity=tour, comment="=HYPERLINK(1)", consent_to_share=True)
    client.force_login(coordinator)

    body = client.get("/manage/insights/export/ratings.csv").content.decode("utf-8-sig")

    assert body.splitlines()[1].endswith(";'=HYPERLINK(1)")
