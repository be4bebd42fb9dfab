from django import forms
from django.utils.translation import gettext_lazy as _


class PersonForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person"), max_length=254)


class EraseForm(PersonForm):
    confirm = forms.BooleanField(
        label=_("I understand that this anonymises every registration of this person."),
        required=True,
    )
