import io
import itertools

import pytest
from django.core.management import call_command

from core.vocab import Domain
from network.demo import NEIGHBOURHOODS
from network.models import Contact, Neighbourhood, Partner, VisitingWindow


def seed() -> None:
    call_command("seed_demo", stdout=io.StringIO())


def inside(polygon: dict, lat: float, lon: float) -> bool:
    """Ray casting on the outer ring."""
    ring = polygon["coordinates"][0]
    result = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            result = not result
    return result


@pytest.mark.django_db
def test_demo_amsterdam_neighbourhoods_have_20_plus_partners_in_every_domain():
    seed()

    for slug, postcodes in (("indische-buurt", ("1094",)), ("bos-en-lommer", ("1055", "1056"))):
        hood = Neighbourhood.objects.get(slug=slug)
        partners = list(hood.partners.all())
        assert hood.workspace.slug == "ros-amsterdam"
        assert len(partners) >= 20
        assert {p.domain for p in partners} == set(Domain.values)
        assert all(p.postcode.startswith(postcodes) for p in partners)
        assert all(inside(hood.boundary, p.latitude, p.longitude) for p in partners)
        assert all(p.themes.exists() and p.visiting_windows.exists() for p in partners)
        assert all(p.contacts.exists() and p.referral_info for p in partners)


@pytest.mark.django_db
def test_demo_has_rotterdam_neighbourhood_and_partner_editor():
    seed()

    rotterdam = Neighbourhood.objects.get(slug="oude-noorden")
    assert rotterdam.workspace.slug == "ros-rotterdam"
    assert rotterdam.partners.count() == 5
    assert sorted(
        Partner.objects.filter(editors__username="partner-editor").values_list("slug", flat=True)
    ) == ["ib-buurthuis-meevaart", "ib-buurtkamer"]


@pytest.mark.django_db
def test_demo_rows_pass_validation():
    seed()

    for partner in Partner.objects.all():
        partner.full_clean()
    for contact in Contact.objects.all():
        contact.full_clean()


@pytest.mark.django_db
def test_demo_seed_twice_changes_nothing():
    seed()
    before = (
        list(Partner.objects.values_list("slug", "updated_at").order_by("slug")),
        list(VisitingWindow.objects.values_list("pk", flat=True).order_by("pk")),
        list(Contact.objects.values_list("pk", "phone").order_by("pk")),
        Neighbourhood.objects.count(),
    )

    seed()

    after = (
        list(Partner.objects.values_list("slug", "updated_at").order_by("slug")),
        list(VisitingWindow.objects.values_list("pk", flat=True).order_by("pk")),
        list(Contact.objects.values_list("pk", "phone").order_by("pk")),
        Neighbourhood.objects.count(),
    )
    assert after == before
    assert before[3] == len(NEIGHBOURHOODS) + 1  # and tours.demo_centrum's Nieuwmarkt
