from django import template

from activities.services import registration_refusal, seat_counts

register = template.Library()


@register.simple_tag
def seats_of(activity) -> dict:
    """Seats left and whether registration is open, for the registration panel."""
    taken = getattr(activity, "seats_taken", None)
    if taken is None:
        taken = seat_counts(activity_id=activity.pk).seated
    left = max(0, activity.capacity - taken)
    return {
        "left": left,
        "full": left == 0,
        "waitlist": left == 0 and activity.waitlist_enabled,
        "refusal": registration_refusal(activity=activity),
    }
