"""The daily retention run (Django's tasks framework). Schedule it once a day, e.g. from cron:
`15 3 * * * cd /srv/wijktour && .venv/bin/python manage.py apply_retention`, or enqueue
`apply_retention_task` from your worker's scheduler."""

from django.tasks import task

from privacy.services import apply_retention


@task
def apply_retention_task() -> dict[str, int]:
    result = apply_retention()
    return {
        "registrations": result.registrations,
        "rating_comments": result.rating_comments,
        "audit_entries_scrubbed": result.audit_entries_scrubbed,
    }
