"""Thin forms: they check the shape of the input; `impact.services` decides the rest."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import name_blank_choice
from core.vocab import Domain, Profession
from impact.models import ImpactSettings, Referrals
from impact.services import Subject, SubjectAnswer
from network.models import Neighbourhood, Partner

KNOWLEDGE_CHOICES = [(n, str(n)) for n in range(1, 6)]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _referrals_field(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=Referrals.choices,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "tap-choice"}),
        error_messages={"invalid_choice": _("Choose 0, 1, 2–5 or more than 5.")},
    )


def _knowledge_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=KNOWLEDGE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "tap-choice"}),
        error_messages={"invalid_choice": _("Choose a number from 1 to 5.")},
    )


class SubjectForm(forms.Form):
    """Fields per partner (or theme); `rows` groups them per subject for the template."""

    def __init__(self, *args, subjects: list[Subject], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.subjects = subjects
        self.rows: list[tuple[Subject, list[str]]] = []

    def grouped(self):
        return [(subject, [self[name] for name in names]) for subject, names in self.rows]


class BaselineForm(SubjectForm):
    def __init__(self, *args, subjects: list[Subject], **kwargs) -> None:
        super().__init__(*args, subjects=subjects, **kwargs)
        for subject in subjects:
            names = [f"{subject.key}_knowledge", f"{subject.key}_referrals"]
            self.fields[names[0]] = _knowledge_field(
                _("How well do you know %(name)s? (1 = not at all, 5 = very well)")
                % {"name": subject.name}
            )
            self.fields[names[1]] = _referrals_field(
                _("How often did you refer or point a resident to %(name)s last quarter?")
                % {"name": subject.name}
            )
            self.rows.append((subject, names))

    def answers(self) -> list[SubjectAnswer]:
        data = self.cleaned_data
        return [
            SubjectAnswer(
                subject=subject,
                knowledge=data.get(f"{subject.key}_knowledge"),
                referrals=data.get(f"{subject.key}_referrals") or "",
            )
            for subject in self.subjects
        ]


class FollowUpForm(SubjectForm):
    story = forms.CharField(
        label=_("A success story? What happened after you referred someone (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "aria-describedby": "story-warning"}),
    )
    story_partner = forms.TypedChoiceField(
        label=_("The story is about"), required=False, coerce=int, empty_value=None
    )
    consent_to_share = forms.BooleanField(
        label=_("The organisers and the partner may quote my story (without my name)"),
        required=False,
    )

    def __init__(self, *args, subjects: list[Subject], tour: bool, **kwargs) -> None:
        super().__init__(*args, subjects=subjects, **kwargs)
        for subject in subjects:
            names = [f"{subject.key}_referrals", f"{subject.key}_knows", f"{subject.key}_knowledge"]
            since = (
                _("Since the tour I have referred or pointed residents to %(name)s")
                if tour
                else _("Since the kenniscafé I have referred or pointed residents to %(name)s")
            )
            self.fields[names[0]] = _referrals_field(since % {"name": subject.name})
            self.fields[names[1]] = forms.ChoiceField(
                label=_("I now know whom I can call there"),
                choices=YES_NO,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "tap-choice"}),
            )
            self.fields[names[2]] = _knowledge_field(
                _("How well do you know %(name)s now? (1–5, optional)") % {"name": subject.name}
            )
            self.rows.append((subject, names))
        partners = [(s.partner_id, s.name) for s in subjects if s.partner_id]
        self.fields["story_partner"].choices = [("", "—"), *partners]
        if not partners:
            del self.fields["story_partner"]
        self.order_fields([n for _s, names in self.rows for n in names])

    def answers(self) -> list[SubjectAnswer]:
        data = self.cleaned_data
        knows = {"yes": True, "no": False}
        return [
            SubjectAnswer(
                subject=subject,
                referrals=data.get(f"{subject.key}_referrals") or "",
                knows_whom_to_call=knows.get(data.get(f"{subject.key}_knows") or ""),
                knowledge=data.get(f"{subject.key}_knowledge"),
            )
            for subject in self.subjects
        ]


class SignalForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        error_messages={"invalid": _("Give a month like 2026-03.")},
    )
    via_professional = forms.IntegerField(
        label=_("Residents who came via a professional from the neighbourhood"),
        min_value=0,
        max_value=100000,
    )
    via_tour_participant = forms.IntegerField(
        label=_("Of whom via someone who took part in a wijktour (if you know)"),
        min_value=0,
        max_value=100000,
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        total, tour = cleaned.get("via_professional"), cleaned.get("via_tour_participant")
        if total is not None and tour is not None and tour > total:
            self.add_error(
                "via_tour_participant",
                _("This cannot be more than the residents who came via a professional."),
            )
        month: dt.date | None = cleaned.get("month")
        if month is not None:
            cleaned["month"] = month.replace(day=1)
        return cleaned


class SignalLinkForm(SignalForm):
    """The monthly link fixes the month; only the counts are asked."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["month"]


class ImpactFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"), queryset=Neighbourhood.objects.none(), required=False
    )
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=Partner.objects.none(), required=False
    )
    domain = forms.ChoiceField(
        label=_("Domain"), choices=[("", _("All")), *list(Domain.choices)], required=False
    )
    profession = forms.ChoiceField(
        label=_("Profession"), choices=[("", _("All")), *list(Profession.choices)], required=False
    )

    def __init__(self, *args, workspace_ids: tuple[int, ...], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(
            workspace_id__in=workspace_ids
        )
        self.fields["partner"].queryset = Partner.objects.filter(workspace_id__in=workspace_ids)
        name_blank_choice(self.fields["neighbourhood"], _("All neighbourhoods"))
        name_blank_choice(self.fields["partner"], _("All partners"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date lies before the start."))
        return cleaned


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ImpactSettings
        fields = [
            "first_wave_days",
            "second_wave_days",
            "link_days",
            "reminder_days",
            "baseline_enabled",
        ]
