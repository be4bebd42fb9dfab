from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.models import Workspace
from network.models import Contact, Neighbourhood, Partner, Theme
from tours.models import Stop, Tour

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs) -> None:
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class TourForm(forms.ModelForm):
    """A tour's details. Meeting and end point: a partner, or a name, address and coordinates."""

    class Meta:
        model = Tour
        fields = [
            "title",
            "neighbourhood",
            "themes",
            "starts_at",
            "description",
            "capacity",
            "registration_deadline",
            "venue_partner",
            "venue_name",
            "venue_address",
            "latitude",
            "longitude",
            "end_partner",
            "end_name",
            "end_address",
            "end_latitude",
            "end_longitude",
            "leg_buffer_minutes",
            "rental_bikes_available",
            "ebikes_available",
            "what_to_bring",
            "bad_weather_rule",
        ]
        widgets = {
            "starts_at": LocalDateTimeInput(),
            "registration_deadline": LocalDateTimeInput(),
            "themes": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
            "what_to_bring": forms.Textarea(attrs={"rows": 2}),
            "bad_weather_rule": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "themes": _("Themes"),
            "starts_at": _("Date and start time"),
            "venue_partner": _("Meeting point (partner)"),
            "venue_name": _("Meeting point name"),
            "venue_address": _("Meeting point address"),
            "latitude": _("Meeting point latitude"),
            "longitude": _("Meeting point longitude"),
        }
        help_texts = {
            "venue_partner": _("Or give a name, address and coordinates below."),
            "end_partner": _("Leave empty to end where the tour starts."),
        }

    def __init__(self, *args, workspaces: QuerySet[Workspace], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].required = True
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(
            workspace__in=workspaces
        )
        partners = Partner.objects.filter(workspace__in=workspaces, is_active=True)
        self.fields["venue_partner"].queryset = partners
        self.fields["end_partner"].queryset = partners
        self.fields["themes"].queryset = Theme.objects.all()
        self.fields["neighbourhood"].empty_label = _("Choose a neighbourhood")
        self.fields["venue_partner"].empty_label = _("No partner: give the meeting point below")
        self.fields["end_partner"].empty_label = _("Back to the meeting point")

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("venue_partner") and (
            data.get("latitude") is None or data.get("longitude") is None
        ):
            self.add_error(
                "venue_partner", _("Choose a partner as meeting point or give its coordinates.")
            )
        return data

    def details(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("themes", None)
        return data


class StopPickForm(forms.Form):
    """Which of the neighbourhood's partners the tour visits."""

    partners = forms.ModelMultipleChoiceField(
        queryset=Partner.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Partners to visit"),
        required=False,
    )
    visit_minutes = forms.IntegerField(
        label=_("Visit length for new stops (minutes)"), min_value=5, max_value=240, initial=30
    )

    def __init__(self, *args, partners: QuerySet[Partner], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = partners


class StopForm(forms.ModelForm):
    class Meta:
        model = Stop
        fields = ["visit_minutes", "host", "programme"]
        widgets = {"programme": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = Contact.objects.filter(partner=self.instance.partner)
        self.fields["host"].empty_label = _("No host chosen yet")


class DuplicateForm(forms.Form):
    starts_on = forms.DateField(label=_("New date"), widget=forms.DateInput(attrs={"type": "date"}))


class SuggestForm(forms.Form):
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Themes to cover"),
    )
    budget_minutes = forms.IntegerField(
        label=_("Time budget (minutes)"), min_value=30, max_value=600, initial=210
    )
    min_stops = forms.IntegerField(label=_("Minimum stops"), min_value=1, max_value=12, initial=4)
    max_stops = forms.IntegerField(label=_("Maximum stops"), min_value=1, max_value=12, initial=6)
    visit_minutes = forms.IntegerField(
        label=_("Visit length (minutes)"), min_value=5, max_value=240, initial=30
    )

    def clean(self) -> dict:
        data = super().clean()
        if (data.get("min_stops") or 0) > (data.get("max_stops") or 0):
            self.add_error("min_stops", _("The minimum cannot exceed the maximum."))
        return data
