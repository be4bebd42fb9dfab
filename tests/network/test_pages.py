import json
import re

import pytest
from django.urls import reverse

from tests.factories import (
    ContactFactory,
    CoordinatorFactory,
    NeighbourhoodFactory,
    PartnerFactory,
    ThemeFactory,
    UserFactory,
    VisitingWindowFactory,
)

EXTERNAL_ASSET = re.compile(
    r"""<(?:script|link)[^>]+(?:src|href)=["'](?:https?:)?//""", re.IGNORECASE
)


def points_json_of(script: str) -> str:
    return script.split("(function (map) {")[1].split(".forEach(")[0]


def make_partners(count: int, neighbourhood, **kwargs) -> list:
    themes = [ThemeFactory(slug="taal"), ThemeFactory(slug="bewegen")]
    return [
        PartnerFactory(
            workspace=neighbourhood.workspace,
            neighbourhoods=[neighbourhood],
            themes=themes,
            **kwargs,
        )
        for _ in range(count)
    ]


@pytest.mark.django_db
def test_social_map_shows_a_marker_and_list_item_per_active_partner(client):
    neighbourhood = NeighbourhoodFactory(slug="indische-buurt", name="Indische Buurt")
    make_partners(3, neighbourhood)
    PartnerFactory(
        workspace=neighbourhood.workspace, neighbourhoods=[neighbourhood], is_active=False
    )

    response = client.get("/neighbourhoods/indische-buurt/")

    assert response.status_code == 200
    assert response.text.count("marker-pin") == 3
    assert response.text.count('class="card partner-card"') == 3
    assert "Sociale kaart Indische Buurt" in response.text


@pytest.mark.django_db
def test_social_map_filters_list_and_map_by_theme_domain_and_text(client):
    neighbourhood = NeighbourhoodFactory(slug="wijk")
    ws = neighbourhood.workspace
    taal, bewegen = ThemeFactory(slug="taal"), ThemeFactory(slug="bewegen")
    PartnerFactory(workspace=ws, neighbourhoods=[neighbourhood], themes=[taal], name="Taalhuis")
    PartnerFactory(
        workspace=ws, neighbourhoods=[neighbourhood], themes=[bewegen], name="Sportclub",
        domain="sport",
    )  # fmt: skip
    PartnerFactory(
        workspace=ws, neighbourhoods=[neighbourhood], themes=[taal, bewegen], name="Buurthuis",
    )  # fmt: skip

    by_theme = client.get("/neighbourhoods/wijk/", {"theme": "taal"}).text
    by_domain = client.get("/neighbourhoods/wijk/", {"domain": "sport"}).text
    by_text = client.get("/neighbourhoods/wijk/", {"q": "taal"}).text

    assert by_theme.count("marker-pin") == 2
    assert by_theme.count('class="card partner-card"') == 2
    assert by_domain.count("marker-pin") == 1
    assert by_text.count('class="card partner-card"') == 1


@pytest.mark.django_db
def test_social_map_ignores_unknown_filter_values(client):
    neighbourhood = NeighbourhoodFactory(slug="wijk")
    make_partners(2, neighbourhood)

    response = client.get("/neighbourhoods/wijk/", {"theme": "bestaat-niet", "domain": "x"})

    assert response.status_code == 200
    assert response.text.count("marker-pin") == 2
    assert "Een filterwaarde werd niet herkend" in response.text


@pytest.mark.django_db
def test_social_map_unknown_neighbourhood_is_404(client):
    assert client.get("/neighbourhoods/nergens/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3, 50])
def test_social_map_query_count_is_constant(client, django_assert_num_queries, count):
    neighbourhood = NeighbourhoodFactory(slug="wijk")
    make_partners(count, neighbourhood)

    with django_assert_num_queries(5):
        response = client.get("/neighbourhoods/wijk/", {"theme": "taal"})

    assert response.text.count("marker-pin") == count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3, 50])
def test_neighbourhood_list_query_count_is_constant(client, django_assert_num_queries, count):
    for _ in range(count):
        NeighbourhoodFactory()

    with django_assert_num_queries(1):
        response = client.get("/neighbourhoods/")

    assert response.text.count('<li class="card">') == count


@pytest.mark.django_db
def test_social_map_loads_no_third_party_script_or_stylesheet(client):
    neighbourhood = NeighbourhoodFactory(slug="wijk")
    make_partners(2, neighbourhood)

    html = client.get("/neighbourhoods/wijk/").text

    assert EXTERNAL_ASSET.findall(html) == []
    assert "cdn" not in html.lower()
    # leaflet, jquery, our filter script and the site-wide ui.js (menu, error summary)
    assert html.count('<script src="/static/') == 4


@pytest.mark.django_db
def test_social_map_popup_escapes_partner_text(client):
    neighbourhood = NeighbourhoodFactory(slug="wijk")
    PartnerFactory(
        workspace=neighbourhood.workspace,
        neighbourhoods=[neighbourhood],
        name="<script>alert(1)</script> `${alert(2)}`",
        referral_info="Bel \\u0041 of `kom` langs",
    )

    html = client.get("/neighbourhoods/wijk/").text
    script = html.split("<script nonce=")[1].split("</script>")[0]
    points = json.loads(script.split("(function (map) {")[1].split(".forEach(")[0])

    assert "<script>alert(1)</script>" not in html
    assert points[0]["title"] == "<script>alert(1)</script> `${alert(2)}`"  # a JSON string
    assert points[0]["tooltip"] == "&lt;script&gt;alert(1)&lt;/script&gt; `${alert(2)}`"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in points[0]["popup"]
    assert "`" not in script.replace(points_json_of(script), "")


@pytest.mark.django_db
def test_social_map_switches_to_english(client):
    NeighbourhoodFactory(slug="wijk", name="Wijk")

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/neighbourhoods/wijk/")

    assert response.headers["Content-Language"] == "en"
    assert "Partners" in response.text
    assert "0 partners shown" in response.text


@pytest.mark.django_db
def test_partner_detail_shows_referral_hours_and_map_but_no_contacts_to_public(client):
    partner = PartnerFactory(referral_info="Bel de balie.")
    VisitingWindowFactory(partner=partner)
    ContactFactory(partner=partner, name="Fatima Ouali", phone="+31 6 12345678")

    response = client.get(reverse("network:partner", kwargs={"slug": partner.slug}))

    assert response.status_code == 200
    assert "Bel de balie." in response.text
    assert "Dinsdag 09:00–17:00" in response.text
    assert response.text.count("marker-pin") == 1
    assert "Fatima Ouali" not in response.text
    assert "12345678" not in response.text


@pytest.mark.django_db
def test_partner_detail_shows_contacts_to_workspace_coordinator(client):
    partner = PartnerFactory()
    ContactFactory(partner=partner, name="Fatima Ouali")
    client.force_login(CoordinatorFactory(workspace=partner.workspace))

    response = client.get(partner.get_absolute_url())

    assert "Fatima Ouali" in response.text


@pytest.mark.django_db
def test_partner_detail_hides_contacts_from_other_workspace_coordinator(client):
    partner = PartnerFactory()
    ContactFactory(partner=partner, name="Fatima Ouali")
    client.force_login(CoordinatorFactory())

    response = client.get(partner.get_absolute_url())

    assert "Fatima Ouali" not in response.text


@pytest.mark.django_db
def test_partner_detail_shows_contacts_to_partner_editor(client):
    partner = PartnerFactory()
    ContactFactory(partner=partner, name="Fatima Ouali")
    editor = UserFactory()
    partner.editors.add(editor)
    client.force_login(editor)

    response = client.get(partner.get_absolute_url())

    assert "Fatima Ouali" in response.text


@pytest.mark.django_db
def test_partner_detail_of_inactive_partner_is_404_for_public(client):
    partner = PartnerFactory(is_active=False)

    assert client.get(partner.get_absolute_url()).status_code == 404
