from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accreditation.models import Accreditation, Break
from activities.models import Activity, Registration
from core.forms import name_blank_choice

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AccreditationForm(forms.ModelForm):
    class Meta:
        model = Accreditation
        fields = [
            "registry",
            "accreditation_id",
            "edition_id",
            "points",
            "hours",
            "status",
            "applied_on",
            "number_required",
            "application_due_on",
            "presence_due_on",
            "presence_submitted_on",
            "notes",
        ]
        widgets = {
            "applied_on": DATE_WIDGET,
            "application_due_on": DATE_WIDGET,
            "presence_due_on": DATE_WIDGET,
            "presence_submitted_on": DATE_WIDGET,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_blank_choice(self.fields["registry"], _("Choose a registry"))


class BreakForm(forms.ModelForm):
    class Meta:
        model = Break
        fields = ["starts_at", "ends_at"]
        widgets = {"starts_at": DATETIME_WIDGET, "ends_at": DATETIME_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        activity = self.instance.activity
        if starts and ends:
            if ends <= starts:
                self.add_error("ends_at", _("A break must end after it starts."))
            elif starts < activity.starts_at or ends > activity.ends_at:
                self.add_error(
                    "starts_at", _("A break must fall within the activity's start and end.")
                )
        return cleaned


AccreditationFormSet = inlineformset_factory(
    Activity, Accreditation, form=AccreditationForm, extra=1, can_delete=True
)
BreakFormSet = inlineformset_factory(Activity, Break, form=BreakForm, extra=1, can_delete=True)


class DepartureForm(forms.Form):
    """ "Left early at": a time on the activity's day (or empty: stayed after all)."""

    registration = forms.ModelChoiceField(
        label=_("Who"),
        queryset=Registration.objects.none(),
        empty_label=_("Choose a participant"),
    )
    left_at = forms.TimeField(
        label=_("Left at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Leave empty if they stayed until the end after all."),
    )

    def __init__(self, *args, activity: Activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity = activity
        self.fields["registration"].queryset = activity.registrations.filter(
            status=Registration.Status.ATTENDED
        ).order_by("name")

    def left_at_datetime(self):
        value = self.cleaned_data.get("left_at")
        if value is None:
            return None
        day = timezone.localtime(self.activity.starts_at).date()
        return timezone.make_aware(timezone.datetime.combine(day, value))
