from django import forms
from django.utils.translation import gettext_lazy as _

from changes.models import SentMessage


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional, goes into the mail)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class GroupMessageForm(forms.Form):
    group = forms.ChoiceField(
        label=_("Recipients"), choices=SentMessage.Group.choices, initial="confirmed"
    )
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}))
