from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from activities import extensions
from activities.models import Activity, Registration
from activities.services import Registrant
from core.validators import validate_phone
from core.vocab import Profession


class RegistrationForm(forms.Form):
    """What a professional fills in: nothing more than the coordinator needs."""

    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    organisation = forms.CharField(label=_("Organisation"), max_length=200)
    profession = forms.ChoiceField(
        label=_("Profession"), choices=[("", _("Choose your profession")), *Profession.choices]
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=32,
        required=False,
        validators=[validate_phone],
        help_text=_("Only for last-minute changes on the day."),
    )
    bike_need = forms.ChoiceField(
        label=_("Bicycle"), choices=Registration.BikeNeed.choices, initial="own"
    )
    notes = forms.CharField(
        label=_("Accessibility or dietary notes (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(
        required=True, error_messages={"required": _("Consent is needed to register.")}
    )

    def __init__(self, *args, activity: Activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity = activity
        if activity.kind != Activity.Kind.TOUR:
            del self.fields["bike_need"]
        self.fields["consent"].label = format_html(
            '{} (<a href="{}">{}</a>)',
            _("I agree that my details are used for this registration"),
            reverse("activities:privacy"),
            _("privacy notice"),
        )
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        consent = self.fields.pop("consent")
        for extension in extensions.registration_extensions():
            self.fields.update(extension.form_fields(activity=activity))
        self.fields["consent"] = consent
        self.extra: dict = {}

    def clean(self):
        cleaned = super().clean()
        self.extra, errors = extensions.clean_extensions(
            activity=self.activity, profession=cleaned.get("profession", ""), data=cleaned
        )
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)
        return cleaned

    def registrant(self, *, language: str) -> Registrant:
        data = self.cleaned_data
        return Registrant(
            name=data["name"],
            email=data["email"],
            organisation=data["organisation"],
            profession=data["profession"],
            phone=data.get("phone", ""),
            bike_need=data.get("bike_need", ""),
            notes=data.get("notes", ""),
            language=language,
            extra=self.extra,
        )


class ManualRegistrationForm(RegistrationForm):
    """A coordinator adds someone by hand; no consent box (they asked in person)."""

    def __init__(self, *args, activity: Activity, **kwargs):
        super().__init__(*args, activity=activity, **kwargs)
        del self.fields["consent"]


class MessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}))
