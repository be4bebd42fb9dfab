"""Audit lines in the reader's language. Entries store an English summary (the log is a
record, written once); the page rebuilds each line from the entry's action, object type and
the object's label inside the summary, and falls back to the stored text."""

import re

from django.apps import apps
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from privacy.models import AuditEntry

ERASED = re.compile(r"^erased personal data on request: (\d+) registration\(s\) anonymised$")
REGISTRATION = re.compile(r"^registration #(\d+) for “(.*)”$")
CONTACT = re.compile(r"^contact person of “(.*)”$")
STOP = re.compile(r"^stop “(.*)” in “(.*)”$")
STATUS = re.compile(r"^(.*) \((\w+) → (\w+)\)$")


def _action(action: str) -> str:
    return {
        "created": _("created"),
        "changed": _("changed"),
        "deleted": _("deleted"),
        "status_changed": _("status changed"),
    }.get(action, action.replace("_", " "))


def _status(code: str) -> str:
    return {
        "draft": _("draft"),
        "published": _("published"),
        "cancelled": _("cancelled"),
        "confirmed": _("confirmed"),
        "waitlisted": _("waiting list"),
        "attended": _("attended"),
        "no_show": _("no-show"),
    }.get(code, code)


def _verbose_name(object_type: str, *, english: bool) -> str | None:
    for model in apps.get_models():
        if model._meta.model_name == object_type:
            if english:
                with translation.override("en"):
                    return str(model._meta.verbose_name)
            return str(model._meta.verbose_name)
    return None


def _label(entry: AuditEntry, label: str) -> str:
    if match := REGISTRATION.match(label):
        return _("registration #%(id)s for “%(title)s”") % {
            "id": match[1],
            "title": match[2],
        }
    if match := CONTACT.match(label):
        return _("contact person of “%(partner)s”") % {"partner": match[1]}
    if match := STOP.match(label):
        return _("stop “%(partner)s” in “%(tour)s”") % {"partner": match[1], "tour": match[2]}
    english = _verbose_name(entry.object_type, english=True)
    if english and label.startswith(english + " "):
        return _verbose_name(entry.object_type, english=False) + label[len(english) :]
    return label


def audit_line(entry: AuditEntry) -> str:
    summary = entry.summary
    if match := ERASED.match(summary):
        count = int(match[1])
        return ngettext(
            "erased personal data on request: %(count)s registration anonymised",
            "erased personal data on request: %(count)s registrations anonymised",
            count,
        ) % {"count": count}
    prefix = entry.action.replace("_", " ") + ": "
    if not summary.startswith(prefix):
        return summary
    rest, status = summary[len(prefix) :], ""
    if match := STATUS.match(rest):
        rest = match[1]
        status = f" ({_status(match[2])} → {_status(match[3])})"
    return f"{_action(entry.action)}: {_label(entry, rest)}{status}"
