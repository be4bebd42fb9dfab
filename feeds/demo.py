"""Demo data for the feeds: one partner's own agenda, as if imported from their calendar.

No network is needed: the events are stored as an import would store them. Idempotent, and
a no-op when the network demo made no partners.
"""

import datetime as dt

from django.utils import timezone

from feeds.ical import AMSTERDAM
from feeds.models import ImportedEvent, PartnerFeed
from network.models import Partner


def seed(*, stdout) -> None:
    partner = Partner.objects.filter(is_active=True).order_by("pk").first()
    if partner is None:
        stdout.write("Feeds: no partners, no partner agenda.")
        return
    now = timezone.now()
    feed, _ = PartnerFeed.objects.update_or_create(
        partner=partner,
        defaults={
            "url": f"https://agenda.example.org/{partner.slug}.ics",
            "enabled": True,
            "last_attempt_at": now,
            "last_success_at": now,
            "last_error": "",
        },
    )
    today = timezone.localdate()
    next_tuesday = today + dt.timedelta(days=(1 - today.weekday()) % 7 or 7)
    uid = f"wandelgroep-{partner.slug}@agenda.example.org"
    for week in range(6):
        day = next_tuesday + dt.timedelta(weeks=week)
        starts_at = dt.datetime.combine(day, dt.time(10, 0), tzinfo=AMSTERDAM)
        ImportedEvent.objects.update_or_create(
            feed=feed,
            uid=uid,
            recurrence_id=starts_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ"),
            defaults={
                "workspace_id": feed.workspace_id,
                "summary": "Wandelgroep: samen een rondje door de wijk",
                "description": "Iedereen is welkom; we vertrekken bij de voordeur.",
                "location": f"{partner.name}, {partner.address}",
                "starts_at": starts_at,
                "ends_at": starts_at + dt.timedelta(hours=1, minutes=30),
                "url": partner.website,
            },
        )
    feed.event_count = feed.events.count()
    feed.save(update_fields=["event_count"])
    stdout.write(f"Feeds: partner agenda of {partner.name} ({feed.event_count} events).")
