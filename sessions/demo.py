"""Demo kenniscafés for ros-amsterdam: upcoming ones, a monthly series and some past ones.
Idempotent: matched on workspace and title (series on title)."""

import datetime as dt

from django.utils import timezone

from activities.models import Activity
from core.models import Workspace
from network.models import Neighbourhood, Partner, Theme
from sessions import services
from sessions.models import KnowledgeSession, SessionSeries

SINGLE = [
    # (title, days from today, hour, theme slug, capacity, online, speakers); accreditation
    # points are seeded by accreditation.demo
    (
        "Kenniscafé Geldzorgen herkennen in de spreekkamer",
        12,
        16,
        "geldzorgen-schulden",
        30,
        False,
        "Ingrid Kok (schuldhulpverlening Madi) en huisarts Tom Verbeek",
    ),
    (
        "Kenniscafé Eenzaamheid onder ouderen",
        26,
        15,
        "eenzaamheid",
        25,
        True,
        "Fleur Hendriks, ouderenadviseur",
    ),
    (
        "Kenniscafé Mentale gezondheid jongeren",
        40,
        19,
        "mentale-gezondheid",
        20,
        True,
        "Samira Ouali (POH-GGZ) en jongerenwerker Dennis Mol",
    ),
    ("Kenniscafé Mantelzorg en werk", -30, 16, "mantelzorg", 25, False, "Petra de Wit"),
    (
        "Kenniscafé Dementievriendelijke wijk",
        -75,
        15,
        "dementie",
        30,
        False,
        "Alzheimer Nederland",
    ),
    (
        "Kenniscafé Taal en gezondheid",
        -120,
        16,
        "taal",
        20,
        False,
        "Stichting Lezen & Schrijven",
    ),
]
SERIES_TITLE = "Kenniscafé Positieve Gezondheid"


def _second_tuesday_next_month() -> dt.datetime:
    today = timezone.localdate()
    first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    offset = (1 - first.weekday()) % 7
    day = first + dt.timedelta(days=offset + 7)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(15, 30)))


def seed(*, stdout) -> None:
    workspace = Workspace.objects.filter(slug="ros-amsterdam").first()
    if workspace is None:
        stdout.write("Kenniscafés: workspace ros-amsterdam absent, skipped.")
        return
    neighbourhood = Neighbourhood.objects.filter(workspace=workspace).order_by("pk").first()
    partners = list(Partner.objects.filter(workspace=workspace, is_active=True).order_by("pk")[:6])
    today = timezone.localdate()
    created = 0
    for index, (title, days, hour, theme_slug, capacity, online, speakers) in enumerate(SINGLE):
        if KnowledgeSession.objects.filter(workspace=workspace, title=title).exists():
            continue
        starts_at = timezone.make_aware(
            dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour, 0))
        )
        partner = partners[index % len(partners)] if partners else None
        data = {
            "title": title,
            "description": (
                "Een kenniscafé voor huisartsen, wijkverpleging, sociaal werk en welzijn: "
                "korte inleiding, casussen uit de wijk en tijd om elkaar te leren kennen."
            ),
            "neighbourhood": neighbourhood,
            "starts_at": starts_at,
            "ends_at": starts_at + dt.timedelta(hours=2),
            "registration_deadline": starts_at - dt.timedelta(days=1),
            "venue_partner": partner,
            "venue_name": partner.name if partner else "Buurthuis De Meeuw",
            "venue_address": (
                f"{partner.address}, {partner.city}" if partner else "Javaplein 21, Amsterdam"
            ),
            "latitude": partner.latitude if partner else 52.3631,
            "longitude": partner.longitude if partner else 4.9430,
            "capacity": capacity,
            "online_url": "https://meet.example.org/wijktour-kenniscafe" if online else "",
            "speakers": speakers,
            "programme": "Inloop met koffie\nInleiding\nCasussen in kleine groepen\nAfsluiting",
            "status": Activity.Status.PUBLISHED,
            "domain_caps": {"medisch": 60} if index == 0 else {},
        }
        services.create_session(
            workspace=workspace, data=data, themes=Theme.objects.filter(slug=theme_slug)
        )
        created += 1
    if not SessionSeries.objects.filter(workspace=workspace, title=SERIES_TITLE).exists():
        first = _second_tuesday_next_month()
        series = services.create_series(
            workspace=workspace,
            data={
                "title": SERIES_TITLE,
                "description": "Elke tweede dinsdag van de maand: één dimensie van Positieve "
                "Gezondheid, één partner uit de wijk die erover vertelt.",
                "neighbourhood": neighbourhood,
                "starts_at": first,
                "ends_at": first + dt.timedelta(hours=1, minutes=30),
                "registration_deadline": first - dt.timedelta(days=2),
                "venue_name": "Bibliotheek Oost",
                "venue_address": "Linnaeusstraat 44, Amsterdam",
                "latitude": 52.3590,
                "longitude": 4.9270,
                "capacity": 24,
                "online_url": "https://meet.example.org/positieve-gezondheid",
                "speakers": "Wisselende gastsprekers uit de wijk",
                "programme": "Inleiding op de dimensie van de maand\nGesprek\nNetwerken",
            },
            frequency=SessionSeries.Frequency.MONTHLY,
            count=6,
            themes=Theme.objects.filter(slug="zingeving"),
        )
        for session in series.sessions.order_by("starts_at")[:4]:
            services.publish_session(session=session)
        created += 6
    stdout.write(f"Kenniscafés: {created} created.")
