"""Forms of the partner network pages: they validate input, the services write."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import name_blank_choice
from core.models import Workspace
from core.vocab import Domain, HealthDimension
from network.models import Contact, Neighbourhood, Partner, Theme, VisitingWindow
from network.services import PARTNER_FIELDS, Window


class MapFilterForm(forms.Form):
    """The sociale kaart's filters (GET): a wrong value is ignored with a message."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    domain = forms.ChoiceField(label=_("Domain"), required=False)

    def __init__(self, *args, themes: QuerySet[Theme] | list[Theme], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget = forms.TextInput(attrs={"type": "search"})
        self.fields["theme"].choices = [("", _("All themes"))] + [(t.slug, t.label) for t in themes]
        self.fields["domain"].choices = [("", _("All domains")), *Domain.choices]


class PartnerForm(forms.ModelForm):
    """A partner's profile. Coordinators also choose the workspace (when they have several)."""

    workspace = forms.ModelChoiceField(
        label=_("Workspace"), queryset=Workspace.objects.none(), empty_label=_("Choose a workspace")
    )

    class Meta:
        model = Partner
        fields = [f for f in PARTNER_FIELDS if f not in ("is_active", "latitude", "longitude")] + [
            "latitude",
            "longitude",
            "themes",
            "neighbourhoods",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "referral_info": forms.Textarea(attrs={"rows": 3}),
            "accessibility": forms.Textarea(attrs={"rows": 2}),
            "themes": forms.CheckboxSelectMultiple,
            "neighbourhoods": forms.CheckboxSelectMultiple,
            "latitude": forms.NumberInput(attrs={"step": "any", "data-map-lat": ""}),
            "longitude": forms.NumberInput(attrs={"step": "any", "data-map-lon": ""}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }
        labels = {"themes": _("Themes"), "neighbourhoods": _("Neighbourhoods")}
        help_texts = {
            "latitude": _("Click the map to place the partner; the coordinates follow."),
            "slug": _("Used in web addresses. Leave empty to make one from the name."),
        }

    def __init__(self, *args, workspaces: QuerySet[Workspace], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        name_blank_choice(self.fields["domain"], _("Choose a domain"))
        self.fields["workspace"].queryset = workspaces
        if self.instance.pk:
            # A partner never moves between workspaces: its tours stay where they are.
            del self.fields["workspace"]
            scope = [self.instance.workspace_id]
        else:
            if len(workspaces) == 1:
                self.fields["workspace"].initial = workspaces[0]
                self.fields["workspace"].widget = forms.HiddenInput()
            scope = [w.pk for w in workspaces]
        self.fields["neighbourhoods"].queryset = Neighbourhood.objects.filter(
            workspace_id__in=scope
        )
        self.fields["themes"].queryset = Theme.objects.all()

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or ""
        if slug and Partner.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another partner already uses this slug."))
        return slug

    def profile_fields(self) -> dict:
        return {
            f: self.cleaned_data[f]
            for f in PARTNER_FIELDS
            if f in self.cleaned_data and f != "is_active"
        }


class VisitingWindowForm(forms.ModelForm):
    class Meta:
        model = VisitingWindow
        fields = ["weekday", "opens_at", "closes_at"]
        widgets = {
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        name_blank_choice(self.fields["weekday"], _("Choose a day"))

    def clean(self) -> dict:
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The window must close after it opens."))
        return data


VisitingWindowFormSet = forms.inlineformset_factory(
    Partner, VisitingWindow, form=VisitingWindowForm, extra=2, can_delete=True
)


def windows_from_formset(formset) -> list[Window]:
    return [
        Window(f.cleaned_data["weekday"], f.cleaned_data["opens_at"], f.cleaned_data["closes_at"])
        for f in formset.forms
        if f.cleaned_data
        and not f.cleaned_data.get("DELETE")
        and f.cleaned_data.get("opens_at")
        and f.cleaned_data.get("closes_at")
    ]


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = [
            "name",
            "role",
            "phone",
            "email",
            "receives_tour_notices",
            "is_public",
            "receives_review_requests",
        ]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel"})}


class NeighbourhoodForm(forms.ModelForm):
    workspace = forms.ModelChoiceField(
        label=_("Workspace"), queryset=Workspace.objects.none(), empty_label=_("Choose a workspace")
    )
    # An exchange format, pasted from a map tool: the one place where raw JSON is the input.
    boundary = forms.JSONField(
        label=_("Boundary (GeoJSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "data-format": "geojson"}),
        help_text=_("Optional. Paste a GeoJSON polygon, for example drawn on geojson.io."),
    )

    class Meta:
        model = Neighbourhood
        fields = [
            "name",
            "slug",
            "municipality",
            "cbs_code",
            "latitude",
            "longitude",
            "description",
        ]
        widgets = {
            "latitude": forms.NumberInput(attrs={"step": "any", "data-map-lat": ""}),
            "longitude": forms.NumberInput(attrs={"step": "any", "data-map-lon": ""}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, workspaces: QuerySet[Workspace], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workspace"].queryset = workspaces
        if self.instance.pk:
            del self.fields["workspace"]
            self.fields["boundary"].initial = self.instance.boundary
        elif len(workspaces) == 1:
            self.fields["workspace"].initial = workspaces[0]
            self.fields["workspace"].widget = forms.HiddenInput()


class ThemeForm(forms.ModelForm):
    dimensions = forms.MultipleChoiceField(
        label=_("Positive Health dimensions"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Theme
        fields = ["name", "name_en", "slug"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dimensions"].choices = HealthDimension.choices
        if self.instance.pk:
            self.fields["dimensions"].initial = self.instance.dimensions


class ImportForm(forms.Form):
    workspace = forms.ModelChoiceField(
        label=_("Workspace"), queryset=Workspace.objects.none(), empty_label=_("Choose a workspace")
    )
    file = forms.FileField(label=_("CSV file"))

    def __init__(self, *args, workspaces: QuerySet[Workspace], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workspace"].queryset = workspaces
        if len(workspaces) == 1:
            self.fields["workspace"].initial = workspaces[0]
            self.fields["workspace"].widget = forms.HiddenInput()
