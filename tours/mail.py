"""A tour's part of the registration mail: the programme with arrival times, what to bring,
the bike the registrant chose (see activities.mail_details)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Activity, Registration
from tours.models import Stop


def tour_mail_details(activity: Activity, registration: Registration) -> list[tuple[str, str]]:
    details = []
    stops = Stop.objects.filter(tour_id=activity.pk).select_related("partner").order_by("position")
    lines = [
        f"{timezone.localtime(stop.arrives_at):%H:%M} {stop.partner.name}"
        if stop.arrives_at
        else stop.partner.name
        for stop in stops
    ]
    if lines:
        details.append((_("Programme"), "\n".join(lines)))
    tour = activity.tour
    if tour.what_to_bring:
        details.append((_("What to bring"), tour.what_to_bring))
    if registration.bike_need:
        details.append((_("Your bike"), str(registration.get_bike_need_display())))
    return details
