"""What a registration mail says about the activity beyond date and place.

`activities` knows no kinds, so each kind's app registers a provider in its AppConfig.ready()
(tours: the programme with times, what to bring, the chosen bike; kenniscafés: programme and
speakers). A provider returns (label, text) pairs in the active language.
"""

from collections.abc import Callable

from activities.models import Activity, Registration

MailDetails = Callable[[Activity, Registration], list[tuple[str, str]]]
_PROVIDERS: dict[str, MailDetails] = {}


def register_mail_details(*, kind: str, provider: MailDetails) -> None:
    _PROVIDERS[kind] = provider


def mail_details(*, activity: Activity, registration: Registration) -> list[tuple[str, str]]:
    provider = _PROVIDERS.get(activity.kind)
    return provider(activity, registration) if provider else []
