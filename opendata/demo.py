"""Demo open data: CBS codes on the demo neighbourhoods, KvK numbers, "last checked" dates
and public front-desk contacts. Idempotent: only fields that differ are saved.

The CBS codes and KvK numbers are illustrative (the organisations are fictional).
"""

import datetime as dt

from network.models import Contact, Neighbourhood, Partner

CBS_CODES = {"indische-buurt": "WK0363MA", "bos-en-lommer": "WK0363EB", "oude-noorden": "WK059912"}


def seed(*, stdout) -> None:
    for slug, code in CBS_CODES.items():
        Neighbourhood.objects.filter(slug=slug).exclude(cbs_code=code).update(cbs_code=code)
    partners = list(Partner.objects.filter(workspace__slug__in=["ros-amsterdam", "ros-rotterdam"]))
    today = dt.date(2026, 9, 1)
    for index, partner in enumerate(sorted(partners, key=lambda p: p.slug)):
        kvk = f"{60000000 + index * 7919:08d}"
        # Most entries were checked in the last months; every fifth is overdue.
        assured = today - dt.timedelta(days=30 * (8 if index % 5 == 0 else index % 4))
        if partner.kvk_number != kvk or partner.assured_date != assured:
            Partner.objects.filter(pk=partner.pk).update(kvk_number=kvk, assured_date=assured)
    # Each partner's first contact is the one who receives the review mails.
    first_contacts = {}
    for contact in Contact.objects.filter(partner__in=partners).order_by("partner_id", "name"):
        first_contacts.setdefault(contact.partner_id, contact.pk)
    Contact.objects.filter(pk__in=first_contacts.values(), receives_review_requests=False).update(
        receives_review_requests=True
    )
    stdout.write(f"Open data: {len(partners)} partners with KvK number and last-checked date.")
