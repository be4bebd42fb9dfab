import re

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.models import Workspace
from network.models import Partner, VisitingWindow
from network.services import parse_windows
from opendata.reviews import REVIEW_FIELDS, VISITING_HOURS


class HsdsImportForm(forms.Form):
    workspace = forms.ModelChoiceField(label=_("Workspace"), queryset=Workspace.objects.none())
    file = forms.FileField(label=_("HSDS JSON file"))
    dry_run = forms.BooleanField(
        label=_("Dry run: only show what would change"), required=False, initial=True
    )

    def __init__(self, *args, workspaces: QuerySet[Workspace], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workspace"].queryset = workspaces
        if len(workspaces) == 1:
            self.fields["workspace"].initial = workspaces[0]
            self.fields["workspace"].widget = forms.HiddenInput()


class ReviewForm(forms.Form):
    """The fields a partner may correct through its review link."""

    visiting_hours = forms.CharField(
        label=_("Visiting hours"),
        required=False,
        help_text=_("For example: mon 09:00-12:00; wed 13:00-16:00"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_fields = {f.name: f for f in Partner._meta.fields}
        for name in reversed(REVIEW_FIELDS):
            field = model_fields[name].formfield()
            field.required = name in {"address", "postcode", "city"}
            self.fields = {name: field, **self.fields}

    def clean_visiting_hours(self) -> str:
        value = self.cleaned_data[VISITING_HOURS]
        try:
            parse_windows(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return value


class ReferralSearchForm(forms.Form):
    """Search the sociale kaart for where to refer a resident."""

    WHEN_ANY, WHEN_NOW, WHEN_DAY = "", "now", "day"

    theme = forms.ChoiceField(label=_("Need (theme)"), required=False)
    place = forms.CharField(
        label=_("Postcode or neighbourhood"),
        required=False,
        max_length=80,
        help_text=_("For example 1094 or Indische Buurt: nearest first."),
    )
    when = forms.ChoiceField(
        label=_("Opening times"),
        required=False,
        choices=[(WHEN_ANY, _("any time")), (WHEN_NOW, _("open now")), (WHEN_DAY, _("open on…"))],
        widget=forms.RadioSelect,
    )
    day = forms.TypedChoiceField(
        label=_("Day"), required=False, coerce=int, empty_value=None, choices=[]
    )
    time = forms.TimeField(label=_("Time (optional)"), required=False)

    def __init__(self, *args, themes, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("All themes"))] + [(t.slug, t.name) for t in themes]
        self.fields["day"].choices = [("", "—"), *VisitingWindow.Weekday.choices]

    def clean(self):
        data = super().clean()
        if data.get("when") == self.WHEN_DAY and data.get("day") is None:
            self.add_error("day", _("Choose a day."))
        return data


ORIGIN_RE = re.compile(r"^https?://[a-z0-9.-]+(:[0-9]{1,5})?$", re.IGNORECASE)


class EmbedSettingsForm(forms.Form):
    frame_ancestors = forms.CharField(
        label=_("Sites that may embed the referral search"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Enter origins such as https://www.gemeente.nl, one per line."),
    )

    def clean_frame_ancestors(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["frame_ancestors"].splitlines()]
        lines = [line.rstrip("/") for line in lines if line]
        bad = [line for line in lines if not ORIGIN_RE.match(line)]
        if bad:
            raise forms.ValidationError(
                _("Enter origins such as https://www.gemeente.nl, one per line.")
            )
        return "\n".join(lines)
