"""Demo registrations: last year's 11 tours with about 187 professionals (attended, no-show,
cancelled), past kenniscafés, and upcoming activities with seats taken and waiting lists.

Idempotent: registrations are matched on activity and e-mail. Registrations are written
directly (no mails); the counts respect each activity's capacity.
"""

import datetime as dt
import random
import unicodedata

from django.utils import timezone

from activities.models import Activity, Registration
from core.vocab import PROFESSION_DOMAIN, Profession

FIRST_NAMES = [
    "Anna",
    "Sanne",
    "Fatima",
    "Lotte",
    "Emma",
    "Noor",
    "Sophie",
    "Femke",
    "Inge",
    "Marieke",
    "Yasmina",
    "Esra",
    "Priya",
    "Joyce",
    "Hanneke",
    "Ilse",
    "Mirjam",
    "Nadia",
    "Karin",
    "Petra",
    "Saskia",
    "Wendy",
    "Linda",
    "Kim",
    "Bram",
    "Jeroen",
    "Mohamed",
    "Karim",
    "Daan",
    "Ruben",
    "Thijs",
    "Pieter",
    "Sander",
    "Youssef",
    "Mehmet",
    "Bas",
    "Joost",
    "Martijn",
    "Rik",
    "Niels",
    "Erik",
    "Hans",
    "Dennis",
    "Kevin",
    "Rachid",
    "Stefan",
    "Wouter",
    "Jasper",
    "Olga",
    "Naima",
]
SURNAMES = [
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "El Amrani",
    "Bouali",
    "Yilmaz",
    "Kaya",
    "Ouali",
    "Haddou",
    "Pinas",
    "Tjon",
    "Kartosen",
    "Sedney",
    "Koster",
    "Prins",
    "Huisman",
    "Verbeek",
    "Willems",
    "van Dijk",
    "Kok",
    "Jacobs",
    "Schouten",
]
ORGANISATIONS = {
    "medisch": [
        ("Huisartsenpraktijk Dapperbuurt", "hadapper.nl"),
        ("Gezondheidscentrum Oost", "gcoost.nl"),
        ("Buurtzorg Indische Buurt", "buurtzorg.example.nl"),
        ("Cordaan Thuiszorg", "cordaan.example.nl"),
        ("Fysiotherapie Javaplein", "fysiojava.nl"),
        ("Apotheek Linnaeus", "apotheeklinnaeus.nl"),
        ("GGD Amsterdam", "ggd.example.nl"),
    ],
    "sociaal": [
        ("Buurtteam Oost", "buurtteam.example.nl"),
        ("Gemeente Amsterdam Wmo-loket", "amsterdam.example.nl"),
        ("Madi Schuldhulpverlening", "madi.example.nl"),
        ("Dynamo Jongerenwerk", "dynamo.example.nl"),
        ("Cliëntondersteuning Amsterdam", "clientondersteuning.example.nl"),
    ],
    "welzijn": [
        ("Civic Amsterdam", "civic.example.nl"),
        ("Markant Mantelzorg", "markant.example.nl"),
        ("Welzijn Oost", "welzijnoost.example.nl"),
    ],
    "informeel": [
        ("Vrijwilligerscentrale Amsterdam", "vca.example.nl"),
        ("Bewonersinitiatief De Meeuw", "demeeuw.example.nl"),
    ],
}
# Weighted towards the people wijktours bring together: medical and social domain.
PROFESSION_WEIGHTS = {
    Profession.GP: 9,
    Profession.POH_SOMATIC: 6,
    Profession.POH_MENTAL: 6,
    Profession.DOCTORS_ASSISTANT: 3,
    Profession.DISTRICT_NURSE: 10,
    Profession.PHYSIOTHERAPIST: 4,
    Profession.OCCUPATIONAL_THERAPIST: 2,
    Profession.DIETITIAN: 2,
    Profession.PHARMACIST: 2,
    Profession.MIDWIFE: 1,
    Profession.YOUTH_NURSE: 2,
    Profession.WMO_CONSULTANT: 8,
    Profession.SOCIAL_WORKER: 10,
    Profession.NEIGHBOURHOOD_TEAM: 8,
    Profession.ELDERLY_ADVISER: 5,
    Profession.DEBT_COUNSELLOR: 4,
    Profession.YOUTH_WORKER: 3,
    Profession.CARER_CONSULTANT: 4,
    Profession.SOCIAL_BROKER: 3,
    Profession.CLIENT_SUPPORT: 2,
    Profession.POLICY_OFFICER: 2,
    Profession.VOLUNTEER: 3,
}
PAST_TOUR_PROFESSIONALS = 187


def professionals(count: int) -> list[dict]:
    """`count` distinct, stable demo professionals."""
    rng = random.Random(187)
    professions = list(PROFESSION_WEIGHTS)
    weights = list(PROFESSION_WEIGHTS.values())
    people, emails = [], set()
    while len(people) < count:
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        profession = rng.choices(professions, weights)[0]
        domain = PROFESSION_DOMAIN[profession]
        organisation, host = rng.choice(ORGANISATIONS[domain])
        local = _ascii(f"{first}.{last}").lower().replace(" ", "")
        email = f"{local}@{host}"
        if email in emails:
            continue
        emails.add(email)
        people.append(
            {
                "name": f"{first} {last}",
                "email": email,
                "organisation": organisation,
                "profession": profession,
                "domain": domain,
                "phone": f"06 {rng.randint(10000000, 99999999)}" if rng.random() < 0.4 else "",
            }
        )
    return people


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _add(activity: Activity, person: dict, status: str, when: dt.datetime, **extra) -> bool:
    _registration, created = Registration.objects.get_or_create(
        activity=activity,
        email=person["email"],
        defaults={
            **{k: v for k, v in person.items() if k != "email"},
            "status": status,
            "bike_need": (
                extra.pop("bike_need", "own") if activity.kind == Activity.Kind.TOUR else ""
            ),
            "consent_at": when,
            **extra,
        },
    )
    return created


def seed(*, stdout) -> None:
    now = timezone.now()
    rng = random.Random(2025)
    people = professionals(PAST_TOUR_PROFESSIONALS + 40)
    past_tours = list(
        Activity.objects.filter(
            workspace__slug="ros-amsterdam",
            kind=Activity.Kind.TOUR,
            status=Activity.Status.PUBLISHED,
            starts_at__lt=now,
        ).order_by("starts_at")[:11]
    )
    created = 0
    if past_tours:
        pool = people[:PAST_TOUR_PROFESSIONALS]
        chunk = -(-len(pool) // len(past_tours))
        for index, tour in enumerate(past_tours):
            first_timers = pool[index * chunk : (index + 1) * chunk]
            # A few came back for another neighbourhood; some of them did not show up, so the
            # year still counts exactly PAST_TOUR_PROFESSIONALS different attendees.
            returning = rng.sample(pool[: index * chunk], k=min(2, index * chunk))
            group = (first_timers + returning)[: tour.capacity]
            for position, person in enumerate(group):
                status = (
                    Registration.Status.NO_SHOW
                    if position >= len(first_timers) and position % 2 == 0
                    else Registration.Status.ATTENDED
                )
                created += _add(
                    tour,
                    person,
                    status,
                    tour.starts_at - dt.timedelta(days=14),
                    checked_in_at=tour.starts_at if status == "attended" else None,
                    bike_need=rng.choice(["own", "own", "own", "rental", "ebike"]),
                )
            created += _add(
                tour,
                people[-1 - index],
                Registration.Status.CANCELLED,
                tour.starts_at - dt.timedelta(days=10),
            )
        stdout.write(f"Registrations: {len(pool)} professionals over {len(past_tours)} past tours.")
    else:
        stdout.write("Registrations: no past tours of ros-amsterdam found, skipped those.")

    past_sessions = Activity.objects.filter(
        workspace__slug="ros-amsterdam",
        kind=Activity.Kind.SESSION,
        status=Activity.Status.PUBLISHED,
        starts_at__lt=now,
    ).order_by("starts_at")
    for session in past_sessions:
        for person in rng.sample(people, k=min(session.capacity - 3, 18)):
            created += _add(
                session,
                person,
                rng.choice(["attended"] * 9 + ["no_show"]),
                session.starts_at - dt.timedelta(days=7),
                checked_in_at=session.starts_at,
            )

    upcoming = Activity.objects.filter(
        workspace__slug="ros-amsterdam", status=Activity.Status.PUBLISHED, starts_at__gte=now
    ).order_by("starts_at")
    for index, activity in enumerate(upcoming):
        if activity.registrations.exists():
            continue
        # The first upcoming activity is popular: full, with a waiting list.
        seated = (
            activity.capacity if index == 0 else int(activity.capacity * (0.3 + 0.1 * (index % 5)))
        )
        waiting = 4 if index == 0 and activity.waitlist_enabled else 0
        sample = rng.sample(people, k=min(len(people), seated + waiting))
        for position, person in enumerate(sample):
            status = (
                Registration.Status.CONFIRMED
                if position < seated
                else Registration.Status.WAITLISTED
            )
            created += _add(
                activity,
                person,
                status,
                now - dt.timedelta(days=rng.randint(1, 20)),
                waitlist_reason="Alle plekken zijn bezet" if status == "waitlisted" else "",
            )
    stdout.write(f"Registrations: {created} created.")
