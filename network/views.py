"""Public pages of the sociale kaart: neighbourhoods, the map per neighbourhood, partners."""

from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from network.access import can_edit_partner
from network.forms import MapFilterForm
from network.maps import domain_labels, domain_legend, partners_map
from network.models import Neighbourhood, Partner, Theme


def neighbourhood_list(request: HttpRequest) -> HttpResponse:
    neighbourhoods = Neighbourhood.objects.annotate(
        partner_count=Count("partners", filter=Q(partners__is_active=True))
    ).order_by("municipality", "name")
    return render(request, "network/neighbourhood_list.html", {"neighbourhoods": neighbourhoods})


def filter_partners(partners, *, q: str = "", theme: str = "", domain: str = ""):
    """The sociale kaart's search: text in name, descriptions, target groups or referral."""
    if theme:
        partners = partners.filter(themes__slug=theme)
    if domain:
        partners = partners.filter(domain=domain)
    if q:
        partners = partners.filter(
            Q(name__icontains=q)
            | Q(short_description__icontains=q)
            | Q(description__icontains=q)
            | Q(target_groups__icontains=q)
            | Q(referral_info__icontains=q)
        )
    return partners


def social_map(request: HttpRequest, slug: str) -> HttpResponse:
    neighbourhood = get_object_or_404(Neighbourhood, slug=slug)
    themes = list(
        Theme.objects.filter(partners__neighbourhoods=neighbourhood, partners__is_active=True)
        .distinct()
        .order_by("name")
    )
    form = MapFilterForm(request.GET or None, themes=themes)
    partners = neighbourhood.partners.filter(is_active=True)
    filters = form.cleaned_data if form.is_valid() else {}
    partners = filter_partners(
        partners,
        q=filters.get("q", ""),
        theme=filters.get("theme", ""),
        domain=filters.get("domain", ""),
    )
    partners = list(
        partners.distinct()
        .order_by("name")
        .prefetch_related(Prefetch("themes", Theme.objects.order_by("name")))
    )
    # Resolved once for all partners: reverse() and choice labels cost per call.
    labels = domain_labels()
    url_template = reverse("network:partner", kwargs={"slug": "__slug__"})
    for partner in partners:
        partner.domain_label = labels[partner.domain]
        partner.detail_url = url_template.replace("__slug__", partner.slug)
    # One partner gives no bounds to fit: centre on it rather than on the neighbourhood.
    centre = (
        (partners[0].latitude, partners[0].longitude)
        if len(partners) == 1
        else (neighbourhood.latitude, neighbourhood.longitude)
    )
    map_parts = partners_map(partners=partners, centre=centre)
    return render(
        request,
        "network/social_map.html",
        {
            "neighbourhood": neighbourhood,
            "partners": partners,
            "form": form,
            "filtered": bool(filters and any(filters.values())),
            "map": map_parts,
            "legend": domain_legend({p.domain for p in partners}),
        },
    )


def partner_detail(request: HttpRequest, slug: str) -> HttpResponse:
    partner = get_object_or_404(
        Partner.objects.select_related("workspace").prefetch_related(
            "themes", "neighbourhoods", "visiting_windows"
        ),
        slug=slug,
    )
    may_edit = can_edit_partner(user=request.user, partner=partner)
    if not partner.is_active and not may_edit:
        # Deactivated partners leave the public map; their editors can still see them.
        raise Http404
    centre = (partner.latitude, partner.longitude)
    return render(
        request,
        "network/partner_detail.html",
        {
            "partner": partner,
            "may_edit": may_edit,
            "contacts": list(partner.contacts.all()) if may_edit else None,
            "map": partners_map(partners=[partner], centre=centre, zoom=16, popups=False),
        },
    )
