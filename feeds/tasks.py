"""Background imports of partners' feeds (Django's tasks framework).

Run `import_all_partner_feeds` on a schedule (e.g. hourly from cron with
`manage.py import_partner_feeds`, or enqueue it from a scheduler of your worker)."""

from django.tasks import task

from feeds.models import PartnerFeed
from feeds.services import import_enabled_feeds, import_partner_feed


@task
def import_all_partner_feeds() -> dict[str, int]:
    outcomes = import_enabled_feeds()
    return {
        "feeds": len(outcomes),
        "failed": sum(1 for outcome in outcomes.values() if not outcome.ok),
    }


@task
def import_partner_feed_task(*, feed_id: int) -> bool:
    feed = PartnerFeed.objects.filter(pk=feed_id, enabled=True).first()
    if feed is None:
        return False
    return import_partner_feed(feed=feed).ok
