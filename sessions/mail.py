"""A kenniscafé's part of the registration mail: programme and speakers (see
activities.mail_details)."""

from django.utils.translation import gettext as _

from activities.models import Activity, Registration


def session_mail_details(activity: Activity, registration: Registration) -> list[tuple[str, str]]:
    session = activity.knowledgesession
    details = []
    if session.programme:
        details.append((_("Programme"), session.programme))
    if session.speakers:
        details.append((_("Speakers"), session.speakers))
    return details
