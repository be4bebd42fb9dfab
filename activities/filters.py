"""The agenda's filters, shared by the page and the API."""

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from activities.models import Activity
from network.models import Neighbourhood, Theme


class ActivityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(
        choices=Activity.Kind.choices, label=_("Kind"), empty_label=_("Tours and kenniscafés")
    )
    neighbourhood = django_filters.ModelChoiceFilter(
        queryset=Neighbourhood.objects.all(),
        to_field_name="slug",
        label=_("Neighbourhood"),
        empty_label=_("All neighbourhoods"),
    )
    theme = django_filters.ModelChoiceFilter(
        field_name="themes",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        label=_("Theme"),
        empty_label=_("All themes"),
        distinct=False,
    )
    date_from = django_filters.DateFilter(
        field_name="starts_at",
        lookup_expr="date__gte",
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="starts_at",
        lookup_expr="date__lte",
        label=_("Until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    has_seats = django_filters.BooleanFilter(
        method="filter_has_seats",
        label=_("Seats left"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Only with seats left"))]),
    )

    class Meta:
        model = Activity
        fields = ["q", "kind", "neighbourhood", "theme", "date_from", "date_to", "has_seats"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(venue_name__icontains=value)
            | Q(neighbourhood__name__icontains=value)
        )

    def filter_has_seats(self, queryset, name, value):
        # `seats_taken` is annotated by activities.services.with_seats.
        if value is None:
            return queryset
        if value:
            return queryset.filter(seats_taken__lt=F("capacity"))
        return queryset.filter(seats_taken__gte=F("capacity"))
