"""Background work of the ratings app, run through Django's tasks framework."""

from django.tasks import task

from ratings import services


@task
def send_rating_invitations() -> dict[str, int]:
    """Invite the attendees of ended activities and remind those who have not rated yet."""
    invited = services.invite_raters()
    reminded = services.send_rating_reminders()
    return {"invitations": invited, "reminders": reminded}
