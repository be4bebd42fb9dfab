# ruff: noqa: E501
"""Demo on real streets: Amsterdam Centrum around Nieuwmarkt and Waterlooplein, inside the box of
the shipped OpenStreetMap extract (routing/data/osm), with upcoming tours that Valhalla routes
along the streets with a Dutch cue sheet.

Builds the street tiles from the shipped extracts when ROUTING_TILES_DIR holds none yet (a
second or two). Organisations and people are fictional; addresses and coordinates are real
streets. Idempotent like the other demo modules.
"""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.models import Workspace
from network.demo import HOURS, _international, _upsert
from network.models import Contact, Neighbourhood, Partner, Theme, VisitingWindow
from routing import valhalla
from tours import services
from tours.models import Tour

EXTRACTS = Path(__file__).resolve().parent.parent / "routing" / "data" / "osm"
SLUG = "nieuwmarkt-waterlooplein"
NEIGHBOURHOOD = {
    "name": "Nieuwmarkt en Waterlooplein",
    "municipality": "Amsterdam",
    "latitude": 52.37265,
    "longitude": 4.90030,
    "description": "Oudste deel van Amsterdam-Centrum, van de Waag op de Nieuwmarkt tot het Waterlooplein en de Amstel.",
    "boundary": {
        "type": "Polygon",
        "coordinates": [
            [
                [4.8935, 52.3735],
                [4.9035, 52.3735],
                [4.9035, 52.3660],
                [4.8935, 52.3660],
                [4.8935, 52.3735],
            ]
        ],
    },
}
MEETING_POINT = ("De Waag, Nieuwmarkt", "Nieuwmarkt 4, 1012 CR Amsterdam")
# (slug, name, domain, address, postcode, lat, lon, themes, short description, referral,
#  target groups, hours, max group size, contact (name, role, phone))
PARTNERS = [
    (
        "nw-buurtteam-nieuwmarkt",
        "Buurtteam Nieuwmarkt",
        "sociaal",
        "Nieuwmarkt 20",
        "1012 CR",
        52.37225,
        4.90135,
        ["geldzorgen-schulden", "wonen"],
        "Buurtteam voor vragen over geld, wonen, zorg en opvoeden.",
        "Bewoners lopen binnen op het spreekuur; professionals melden aan via het buurtteam-formulier met toestemming van de bewoner.",
        "Bewoners van Centrum-Oost",
        "office",
        20,
        ("Samira el Idrissi", "Buurtteammedewerker", "020 620 2101"),
    ),
    (
        "nw-huisartsen-antoniesbreestraat",
        "Huisartsenpraktijk Sint Antonies",
        "medisch",
        "Sint Antoniesbreestraat 32",
        "1011 HB",
        52.37060,
        4.90075,
        ["mentale-gezondheid", "gezonde-leefstijl-voeding"],
        "Huisartsenpraktijk met POH-GGZ en een leefstijlcoach.",
        "Patiënten maken een afspraak via de assistente; de POH-GGZ neemt verwijzingen van het buurtteam aan na overleg.",
        "Ingeschreven patiënten",
        "office16",
        12,
        ("Dr. Joost Hermans", "Huisarts", "020 620 2102"),
    ),
    (
        "nw-mantelzorgpunt-jodenbreestraat",
        "Mantelzorgpunt Jodenbreestraat",
        "welzijn",
        "Jodenbreestraat 24",
        "1011 NK",
        52.36935,
        4.90170,
        ["mantelzorg", "dementie"],
        "Steunpunt voor mantelzorgers: gesprek, respijtzorg en lotgenotengroepen.",
        "Mantelzorgers melden zich zelf of via een professional; een consulent belt binnen een week.",
        "Mantelzorgers",
        "late",
        20,
        ("Inge de Bruin", "Mantelzorgconsulent", "020 620 2103"),
    ),
    (
        "nw-buurthuis-waterlooplein",
        "Buurthuis Waterlooplein",
        "welzijn",
        "Waterlooplein 211",
        "1011 PG",
        52.36850,
        4.90270,
        ["eenzaamheid", "bewegen"],
        "Buurthuis met koffieochtenden, beweeggroepen en een maaltijd op donderdag.",
        "Iedereen is welkom; voor de maaltijd aanmelden bij de balie.",
        "Buurtbewoners",
        "community",
        25,
        ("Kees Blom", "Opbouwwerker", "020 620 2104"),
    ),
    (
        "nw-taalhuis-groenburgwal",
        "Taalhuis Groenburgwal",
        "onderwijs",
        "Groenburgwal 44",
        "1011 HW",
        52.36960,
        4.89880,
        ["taal", "digitale-vaardigheden"],
        "Taalcafé en digitale hulp door vrijwilligers van de bibliotheek.",
        "Aanmelden bij het Taalhuis of via het buurtteam; een intake duurt een half uur.",
        "Volwassenen die beter Nederlands willen leren",
        "midweek",
        15,
        ("Fatma Yildiz", "Coördinator Taalhuis", "020 620 2105"),
    ),
    (
        "nw-jongerenpunt-zwanenburgwal",
        "Jongerenpunt Zwanenburgwal",
        "sociaal",
        "Zwanenburgwal 15",
        "1011 JT",
        52.36805,
        4.89960,
        ["jeugd-opvoeden", "werk-participatie"],
        "Jongerenwerk: inloop, huiswerkhulp en hulp bij werk of opleiding.",
        "Jongeren lopen binnen; professionals bellen de jongerenwerker voor een warme overdracht.",
        "Jongeren van 12 tot 23",
        "afternoons",
        15,
        ("Rachid Amrani", "Jongerenwerker", "06 4128 2106"),
    ),
]
# Upcoming tours: (weekday, weeks ahead, hour, partner slugs in a sensible first order).
TOURS = [
    (
        1,
        2,
        10,
        [
            "nw-buurtteam-nieuwmarkt",
            "nw-huisartsen-antoniesbreestraat",
            "nw-mantelzorgpunt-jodenbreestraat",
            "nw-buurthuis-waterlooplein",
            "nw-taalhuis-groenburgwal",
        ],
    ),
    (
        3,
        4,
        13,
        [
            "nw-buurtteam-nieuwmarkt",
            "nw-jongerenpunt-zwanenburgwal",
            "nw-buurthuis-waterlooplein",
            "nw-mantelzorgpunt-jodenbreestraat",
            "nw-huisartsen-antoniesbreestraat",
        ],
    ),
]
MONTHS_NL = [
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
]  # fmt: skip


def ensure_street_tiles(*, stdout) -> None:
    """Build tiles from the shipped extracts when the configured provider would use them and
    there are none yet."""
    if settings.ROUTING_PROVIDER not in ("auto", "valhalla") or settings.ROUTING_VALHALLA_URL:
        return
    if valhalla.resolve_tiles(settings.ROUTING_TILES_DIR) is not None:
        return
    result = valhalla.build_tiles(
        sources=sorted(EXTRACTS.glob("*.osm.pbf")), tiles_dir=settings.ROUTING_TILES_DIR
    )
    stdout.write(
        f"Street tiles: {result.nodes} nodes, {result.edges} edges from the shipped "
        f"OpenStreetMap extracts in {result.seconds:.1f} s."
    )


def _partners(workspace: Workspace, neighbourhood: Neighbourhood) -> None:
    themes = {t.slug: t for t in Theme.objects.all()}
    for row in PARTNERS:
        (slug, name, domain, address, postcode, lat, lon, theme_slugs, short, referral,
         target, hours, group_size, contact) = row  # fmt: skip
        partner = _upsert(
            Partner,
            {"slug": slug},
            {
                "workspace": workspace,
                "name": name,
                "domain": domain,
                "address": address,
                "postcode": postcode,
                "city": "Amsterdam",
                "latitude": lat,
                "longitude": lon,
                "short_description": short,
                "description": f"{short} {name} werkt samen met het buurtteam en de huisartsen rond de Nieuwmarkt.",
                "referral_info": referral,
                "target_groups": target,
                "max_group_size": group_size,
                "accessibility": "Rolstoeltoegankelijk; fietsen parkeren in het rek op de hoek.",
                "email": f"info@{slug.split('-', 1)[1]}.example.org",
                "website": f"https://{slug.split('-', 1)[1]}.example.org",
                "phone": "" if contact[2].startswith("06") else _international(contact[2]),
                "is_active": True,
            },
        )
        wanted = {themes[s].pk for s in theme_slugs if s in themes}
        if set(partner.themes.values_list("pk", flat=True)) != wanted:
            partner.themes.set(wanted)
        if not partner.neighbourhoods.filter(pk=neighbourhood.pk).exists():
            partner.neighbourhoods.add(neighbourhood)
        windows = sorted(HOURS[hours])
        current = sorted(partner.visiting_windows.values_list("weekday", "opens_at", "closes_at"))
        if current != windows:
            partner.visiting_windows.all().delete()
            VisitingWindow.objects.bulk_create(
                VisitingWindow(partner=partner, weekday=d, opens_at=o, closes_at=c)
                for d, o, c in windows
            )
        contact_name, role, phone = contact
        _upsert(
            Contact,
            {"partner": partner, "name": contact_name},
            {
                "role": role,
                "phone": _international(phone),
                "email": f"{contact_name.removeprefix('Dr. ').split()[0].lower()}@{slug.split('-', 1)[1]}.example.org",
            },
        )


def _day(weekday: int, weeks_ahead: int) -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


def seed(*, stdout) -> None:
    workspace = Workspace.objects.filter(slug="ros-amsterdam").first()
    if workspace is None:
        stdout.write("Centrum demo skipped: the core demo workspace is missing.")
        return
    ensure_street_tiles(stdout=stdout)
    neighbourhood = _upsert(
        Neighbourhood, {"slug": SLUG}, {"workspace": workspace, **NEIGHBOURHOOD}
    )
    _partners(workspace, neighbourhood)
    upcoming = Tour.objects.filter(neighbourhood=neighbourhood, starts_at__gte=timezone.now())
    coordinator = get_user_model().objects.filter(username="coordinator").first()
    partners = {p.slug: p for p in Partner.objects.filter(slug__in=[r[0] for r in PARTNERS])}
    for index, (weekday, weeks, hour, slugs) in enumerate(TOURS):
        if upcoming.count() > index:
            continue  # already made on an earlier run (titles move with the date)
        day = _day(weekday, weeks)
        name, address = MEETING_POINT
        tour = services.create_tour(
            workspace=workspace,
            coordinator=coordinator,
            title=f"Wijktour {neighbourhood.name} – {day.day} {MONTHS_NL[day.month - 1]} {day.year}",
            starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(hour))),
            neighbourhood=neighbourhood,
            themes=list(Theme.objects.filter(slug__in=["mantelzorg", "eenzaamheid"])),
            description=(
                "Op de fiets door de oude binnenstad, van de Waag langs het Waterlooplein: "
                "kennismaken met het buurtteam, de huisarts, het mantelzorgpunt en het buurthuis."
            ),
            venue_name=name,
            venue_address=address,
            latitude=NEIGHBOURHOOD["latitude"],
            longitude=NEIGHBOURHOOD["longitude"],
            capacity=20,
            rental_bikes_available=True,
            what_to_bring="Een fiets (of reserveer een huurfiets); in de binnenstad rijden we rustig achter elkaar.",
            bad_weather_rule="Bij code oranje gaat de tour niet door; je hoort het de dag ervoor.",
        )
        stops = services.set_stops(tour=tour, partner_ids=[partners[s].pk for s in slugs])
        for stop in stops:
            host = stop.partner.contacts.order_by("name").first()
            if host is not None:
                stop.host = host
                stop.save(update_fields=["host"])
        tour.refresh_from_db()
        if tour.route_problems:
            stdout.write(f"Centrum demo: {tour.title} has route problems; left as a draft.")
            continue
        services.publish_tour(tour=tour)
    routed = [t for t in upcoming.all() if not t.route_estimated]
    stdout.write(
        f"Centrum demo: {len(PARTNERS)} partners around Nieuwmarkt and Waterlooplein, "
        f"{upcoming.count()} upcoming tours ({len(routed)} along the streets)."
    )
