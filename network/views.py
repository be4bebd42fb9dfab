from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from network.models import Neighbourhood, Partner


def neighbourhood_list(request: HttpRequest) -> HttpResponse:
    neighbourhoods = Neighbourhood.objects.all()
    return render(request, "network/neighbourhood_list.html", {"neighbourhoods": neighbourhoods})


def social_map(request: HttpRequest, slug: str) -> HttpResponse:
    neighbourhood = get_object_or_404(Neighbourhood, slug=slug)
    partners = neighbourhood.partners.filter(is_active=True)
    return render(
        request, "network/social_map.html", {"neighbourhood": neighbourhood, "partners": partners}
    )


def partner_detail(request: HttpRequest, slug: str) -> HttpResponse:
    partner = get_object_or_404(Partner, slug=slug, is_active=True)
    return render(request, "network/partner_detail.html", {"partner": partner})
