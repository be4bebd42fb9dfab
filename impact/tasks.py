"""Background work of the impact app, run through Django's tasks framework. Arguments are ids
only: the survey's token is minted when the mail is written (see `services.deliver_followup`)."""

from django.tasks import task

from impact import services


@task
def send_followup_mail(*, followup_id: int, reminder: bool) -> str:
    return services.deliver_followup(followup_id=followup_id, reminder=reminder)
