from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.models import Workspace
from network.models import Partner
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
