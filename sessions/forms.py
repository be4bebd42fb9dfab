from django import forms
from django.utils.translation import gettext_lazy as _

from activities.domain_mix import DomainNumbersField
from network.models import Neighbourhood, Partner, Theme
from sessions.models import KnowledgeSession, SessionSeries

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class KnowledgeSessionForm(forms.ModelForm):
    domain_caps = DomainNumbersField(
        label=_("Maximum share per domain (%)"),
        maximum=100,
        unit="%",
        help_text=_("Leave a domain empty for no maximum. 60 means: at most 60% of the seats."),
    )
    domain_reserved = DomainNumbersField(
        label=_("Seats reserved per domain"),
        help_text=_("Seats kept free for a domain until its people register."),
    )

    class Meta:
        model = KnowledgeSession
        fields = [
            "title",
            "description",
            "themes",
            "neighbourhood",
            "venue_partner",
            "venue_name",
            "venue_address",
            "latitude",
            "longitude",
            "online_url",
            "starts_at",
            "ends_at",
            "registration_deadline",
            "capacity",
            "waitlist_enabled",
            "domain_caps",
            "domain_reserved",
            "speakers",
            "programme",
        ]
        labels = {"themes": _("Themes")}
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "registration_deadline": DATETIME_WIDGET,
            "themes": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
            "speakers": forms.Textarea(attrs={"rows": 3}),
            "programme": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(workspace=workspace)
        self.fields["venue_partner"].queryset = Partner.objects.filter(
            workspace=workspace, is_active=True
        )
        self.fields["themes"].queryset = Theme.objects.all()
        self.fields["neighbourhood"].empty_label = _("No particular neighbourhood")
        self.fields["venue_partner"].empty_label = _("No partner: give the venue below")
        for name in ("starts_at", "ends_at", "registration_deadline"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        deadline = cleaned.get("registration_deadline")
        if deadline and starts and deadline > starts:
            self.add_error("registration_deadline", _("The deadline must be before the start."))
        reserved = cleaned.get("domain_reserved") or {}
        capacity = cleaned.get("capacity")
        if capacity is not None and sum(reserved.values()) > capacity:
            self.add_error("domain_reserved", _("More seats reserved than the capacity."))
        has_place = cleaned.get("venue_partner") or cleaned.get("venue_address")
        if not has_place and not cleaned.get("online_url"):
            self.add_error(
                "venue_address", _("Give a venue (partner or address) or an online link.")
            )
        partner = cleaned.get("venue_partner")
        if partner and cleaned.get("latitude") is None:
            cleaned["latitude"], cleaned["longitude"] = partner.latitude, partner.longitude
            cleaned["venue_name"] = cleaned.get("venue_name") or partner.name
            cleaned["venue_address"] = cleaned.get("venue_address") or partner.address
        return cleaned

    def session_data(self) -> dict:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("themes", "scope", "frequency", "count")
        }


class SessionEditForm(KnowledgeSessionForm):
    scope = forms.ChoiceField(
        label=_("Apply to"),
        choices=[("one", _("This date only")), ("future", _("This and all later dates"))],
        initial="one",
        widget=forms.RadioSelect,
        required=False,
    )


class SeriesForm(KnowledgeSessionForm):
    frequency = forms.ChoiceField(label=_("Repeats"), choices=SessionSeries.Frequency.choices)
    count = forms.IntegerField(label=_("Number of dates"), min_value=2, max_value=52, initial=6)
