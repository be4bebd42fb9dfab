"""Demo wijktours in Indische Buurt and Bos en Lommer: upcoming published tours and the 11 tours
of last year, composed with the real services. Idempotent: tours are matched on their title.

Partners come from network/demo.py; without them (or without the neighbourhoods) nothing is
created.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from activities.models import Activity
from network.models import Neighbourhood, Theme
from tours import services
from tours.models import Tour

MEETING_POINTS = {
    "indische-buurt": ("Buurtplein Javaplein", "Javaplein, 1094 HW Amsterdam"),
    "bos-en-lommer": ("Bos en Lommerplein", "Bos en Lommerplein, 1055 EK Amsterdam"),
}
# Themes each tour wants covered, rotated so the tours of a year differ.
THEME_ROTATION = [
    ("geldzorgen-schulden", "eenzaamheid"),
    ("mantelzorg", "dementie"),
    ("mentale-gezondheid", "gezonde-leefstijl-voeding"),
    ("taal", "werk-participatie"),
    ("jeugd-opvoeden", "kansrijke-start"),
    ("langer-thuis-wonen", "bewegen"),
]
# The 11 tours of last year: (neighbourhood, date). Tuesdays and Thursdays, 13:00.
PAST_TOURS = [
    ("indische-buurt", dt.date(2025, 9, 16)),
    ("bos-en-lommer", dt.date(2025, 10, 9)),
    ("indische-buurt", dt.date(2025, 11, 4)),
    ("bos-en-lommer", dt.date(2025, 11, 27)),
    ("indische-buurt", dt.date(2026, 1, 20)),
    ("bos-en-lommer", dt.date(2026, 2, 12)),
    ("indische-buurt", dt.date(2026, 3, 10)),
    ("bos-en-lommer", dt.date(2026, 4, 9)),
    ("indische-buurt", dt.date(2026, 5, 19)),
    ("bos-en-lommer", dt.date(2026, 6, 11)),
    ("indische-buurt", dt.date(2026, 7, 7)),
]
MONTHS_NL = [
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
]  # fmt: skip


def _at(day: dt.date, hour: int = 13) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _next_weekday(weekday: int, weeks_ahead: int) -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


def _title(neighbourhood: Neighbourhood, day: dt.date) -> str:
    return f"Wijktour {neighbourhood.name} – {day.day} {MONTHS_NL[day.month - 1]} {day.year}"


def _compose_demo_tour(
    *, neighbourhood: Neighbourhood, day: dt.date, themes: tuple[str, str], coordinator, past: bool
) -> Tour | None:
    title = _title(neighbourhood, day)
    existing = Tour.objects.filter(workspace=neighbourhood.workspace, title=title).first()
    if existing is not None:
        return existing
    name, address = MEETING_POINTS[neighbourhood.slug]
    tour = services.create_tour(
        workspace=neighbourhood.workspace,
        coordinator=coordinator,
        title=title,
        starts_at=_at(day),
        neighbourhood=neighbourhood,
        themes=list(Theme.objects.filter(slug__in=themes)),
        description=(
            "Op de fiets langs organisaties in de wijk: kennismaken, korte rondleidingen en "
            "horen hoe je bewoners naar hen verwijst."
        ),
        venue_name=name,
        venue_address=address,
        latitude=neighbourhood.latitude,
        longitude=neighbourhood.longitude,
        capacity=20,
        rental_bikes_available=True,
        what_to_bring="Een fiets (of reserveer een huurfiets), regenkleding.",
        bad_weather_rule="Bij code oranje gaat de tour niet door; je hoort het de dag ervoor.",
    )
    suggestion = services.suggest_tour(
        neighbourhood=neighbourhood,
        theme_ids=list(Theme.objects.filter(slug__in=themes).values_list("pk", flat=True)),
        starts_at=tour.starts_at,
        budget_minutes=225,
        start=services.meeting_point(tour),
        min_stops=4,
        max_stops=6,
        visit_minutes=30,
        buffer_minutes=tour.leg_buffer_minutes,
    )
    if not suggestion.partners:
        tour.delete()
        return None
    stops = services.set_stops(tour=tour, partner_ids=[p.pk for p in suggestion.partners])
    for stop in stops:
        host = stop.partner.contacts.order_by("name").first()
        if host is not None:
            stop.host = host
            stop.save(update_fields=["host"])
    tour.refresh_from_db()
    if past:
        # publish_tour refuses dates in the past; last year's tours simply were published.
        tour.status = Activity.Status.PUBLISHED
        tour.save(update_fields=["status", "sequence", "updated_at"])
    else:
        services.publish_tour(tour=tour)
    return tour


def seed(*, stdout) -> None:
    neighbourhoods = {
        n.slug: n
        for n in Neighbourhood.objects.filter(slug__in=MEETING_POINTS).select_related("workspace")
    }
    usable = {slug: n for slug, n in neighbourhoods.items() if n.partners.exists()}
    if not usable:
        stdout.write("Tours: no demo neighbourhoods with partners; skipped.")
        return
    coordinator = get_user_model().objects.filter(username="coordinator").first()
    made: list[Tour | None] = []
    for index, (slug, day) in enumerate(PAST_TOURS):
        if slug in usable:
            made.append(
                _compose_demo_tour(
                    neighbourhood=usable[slug],
                    day=day,
                    themes=THEME_ROTATION[index % len(THEME_ROTATION)],
                    coordinator=coordinator,
                    past=True,
                )
            )
    upcoming = [
        ("indische-buurt", _next_weekday(1, 3), THEME_ROTATION[0]),
        ("bos-en-lommer", _next_weekday(3, 5), THEME_ROTATION[1]),
        ("indische-buurt", _next_weekday(3, 9), THEME_ROTATION[3]),
    ]
    for slug, day, themes in upcoming:
        neighbourhood = usable.get(slug)
        if neighbourhood is None:
            continue
        # Upcoming tours keep their first title across runs: look for one still to come.
        if Tour.objects.filter(
            neighbourhood=neighbourhood,
            starts_at__gte=timezone.now(),
            title__startswith=f"Wijktour {neighbourhood.name} –",
        ).count() >= (2 if slug == "indische-buurt" else 1):
            continue
        made.append(
            _compose_demo_tour(
                neighbourhood=neighbourhood,
                day=day,
                themes=themes,
                coordinator=coordinator,
                past=False,
            )
        )
    count = Tour.objects.filter(neighbourhood__in=usable.values()).count()
    stdout.write(f"Tours: {count} demo wijktours ready.")
