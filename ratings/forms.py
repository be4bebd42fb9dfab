"""Thin forms: they check the shape of the input; `ratings.services` decides the rest."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from network.models import Neighbourhood
from ratings.models import StopRating
from ratings.services import StopAnswer

GRADE_CHOICES = [(grade, str(grade)) for grade in range(1, 11)]
GRADE_ERRORS = {
    "required": _("Give a grade from 1 to 10."),
    "invalid_choice": _("Give a whole number from 1 to 10."),
}
STOP_FIELD = re.compile(r"^stop_(\d+)_(grade|refer)$")


class RatingForm(forms.Form):
    """The participant's form: an overall grade, per stop a grade and "would you refer",
    what was most valuable, and a comment with a separate consent to share it."""

    grade = forms.TypedChoiceField(
        label=_("Your overall grade for this activity (1 = very poor, 10 = excellent)"),
        choices=GRADE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "grade-scale"}),
        error_messages=GRADE_ERRORS,
    )
    most_valuable = forms.CharField(
        label=_("What was most valuable to you?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "aria-describedby": "comment-warning"}),
    )
    comment = forms.CharField(
        label=_("Comment or tip for the organisers"),
        required=False,
        max_length=4000,
        # The page shows the warning never to write about clients or patients above both.
        widget=forms.Textarea(attrs={"rows": 4, "aria-describedby": "comment-warning"}),
    )
    consent_to_share = forms.BooleanField(
        label=_(
            "The partners may read my comment and the organisers may quote it (without my name)"
        ),
        required=False,
    )

    def __init__(self, *args, stops=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.stops = list(stops)
        self.stop_fields = []
        for stop in self.stops:
            grade_name, refer_name = f"stop_{stop.pk}_grade", f"stop_{stop.pk}_refer"
            self.fields[grade_name] = forms.TypedChoiceField(
                label=_("Your grade for %(partner)s") % {"partner": stop.partner.name},
                choices=GRADE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "grade-scale"}),
                error_messages=GRADE_ERRORS,
            )
            self.fields[refer_name] = forms.ChoiceField(
                label=_("Would you now refer residents to %(partner)s?")
                % {"partner": stop.partner.name},
                choices=StopRating.Refer.choices,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "refer-choice"}),
                error_messages={"invalid_choice": _("Answer yes, maybe or no.")},
            )
            self.stop_fields.append((stop, grade_name, refer_name))
        # The order on the page: overall grade, the stops, then the free text.
        order = ["grade"] + [n for _s, g, r in self.stop_fields for n in (g, r)]
        self.order_fields(order)

    def clean(self):
        cleaned = super().clean()
        known = {stop.pk for stop in self.stops}
        for key in self.data:
            match = STOP_FIELD.match(key)
            if match and int(match.group(1)) not in known:
                raise forms.ValidationError(
                    _("The form mentions a stop that is not part of this tour. Reload the page.")
                )
        return cleaned

    def stop_answers(self) -> list[StopAnswer]:
        return [
            StopAnswer(
                stop_id=stop.pk,
                grade=self.cleaned_data.get(grade_name),
                would_refer=self.cleaned_data.get(refer_name) or "",
            )
            for stop, grade_name, refer_name in self.stop_fields
        ]

    def grouped_stops(self):
        return [(stop, self[grade], self[refer]) for stop, grade, refer in self.stop_fields]


class InsightsFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        empty_label=_("All neighbourhoods"),
        to_field_name="slug",
    )

    def __init__(self, *args, workspace_ids=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(
            workspace_id__in=workspace_ids
        ).order_by("name")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date lies before the start date."))
        return cleaned
