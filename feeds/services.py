"""Writes of the feeds app: partners' own calendar links and importing their events."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone, translation

from core.permissions import can_coordinate
from feeds.fetch import FetchError, fetch_calendar
from feeds.importing import FeedParseError, parse_occurrences
from feeds.models import ImportedEvent, PartnerFeed
from network.models import Partner

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportOutcome:
    ok: bool
    not_modified: bool = False
    event_count: int = 0
    error: str = ""


def can_edit_partner_feed(*, user: User | AnonymousUser, partner: Partner) -> bool:
    """The partner's own editors and the coordinators of its workspace."""
    if not user.is_authenticated:
        return False
    if can_coordinate(user=user, workspace_id=partner.workspace_id):
        return True
    return partner.editors.filter(pk=user.pk).exists()


def save_partner_feed(*, partner: Partner, url: str, enabled: bool, fetch_now: bool) -> PartnerFeed:
    """Set the partner's calendar link. A new link forgets the old one's validators and
    events; the import runs after commit (now, or on the next scheduled run)."""
    feed = PartnerFeed.objects.select_for_update().filter(partner=partner).first()
    if feed is None:
        feed = PartnerFeed(partner=partner)
    if feed.url != url:
        feed.etag = ""
        feed.last_modified = ""
        feed.last_error = ""
        if feed.pk:
            feed.events.all().delete()
            feed.event_count = 0
    feed.url = url
    feed.enabled = enabled
    feed.full_clean()
    feed.save()
    if fetch_now and enabled:
        from feeds.tasks import import_partner_feed_task

        feed_id = feed.pk
        transaction.on_commit(lambda: import_partner_feed_task.enqueue(feed_id=feed_id))
    return feed


def import_partner_feed(*, feed: PartnerFeed) -> ImportOutcome:
    """Fetch one partner's feed and replace its events in one transaction.

    Any failure is stored on the feed in plain words (in the site's language) and returned;
    it never raises, so one bad feed cannot stop the others. The events of the last good
    fetch stay until a fetch succeeds.
    """
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        try:
            result = fetch_calendar(
                feed.url,
                etag=feed.etag,
                last_modified=feed.last_modified,
                timeout=settings.FEEDS_IMPORT_TIMEOUT,
                max_bytes=settings.FEEDS_IMPORT_MAX_BYTES,
                max_redirects=settings.FEEDS_IMPORT_MAX_REDIRECTS,
                allow_private=settings.FEEDS_IMPORT_ALLOW_PRIVATE,
            )
            if result.not_modified:
                occurrences = None
            else:
                occurrences = parse_occurrences(
                    result.body,
                    now=now,
                    horizon_days=settings.FEEDS_IMPORT_HORIZON_DAYS,
                    max_events=settings.FEEDS_IMPORT_MAX_EVENTS,
                )
        except (FetchError, FeedParseError) as exc:
            return record_failure(feed=feed, message=exc.message, at=now)
        except Exception:  # a bug or a surprise in a library must not stop other feeds
            logger.exception("Importing partner feed %s failed", feed.pk)
            return record_failure(
                feed=feed,
                message=str(translation.gettext("The calendar could not be read.")),
                at=now,
            )
    with transaction.atomic():
        locked = PartnerFeed.objects.select_for_update().get(pk=feed.pk)
        if occurrences is not None:
            locked.events.all().delete()
            ImportedEvent.objects.bulk_create(
                ImportedEvent(
                    workspace_id=locked.workspace_id,
                    feed=locked,
                    uid=o.uid,
                    recurrence_id=o.recurrence_id,
                    summary=o.summary,
                    description=o.description,
                    location=o.location,
                    starts_at=o.starts_at,
                    ends_at=o.ends_at,
                    all_day=o.all_day,
                    url=o.url,
                )
                for o in occurrences
            )
            locked.event_count = len(occurrences)
            locked.etag = result.etag[:300]
            locked.last_modified = result.last_modified[:100]
        locked.last_attempt_at = now
        locked.last_success_at = now
        locked.last_error = ""
        locked.save()
    feed.refresh_from_db()
    return ImportOutcome(ok=True, not_modified=occurrences is None, event_count=feed.event_count)


def record_failure(*, feed: PartnerFeed, message: str, at) -> ImportOutcome:
    PartnerFeed.objects.filter(pk=feed.pk).update(
        last_error=message, last_attempt_at=at, updated_at=at
    )
    feed.refresh_from_db()
    return ImportOutcome(ok=False, error=message, event_count=feed.event_count)


def import_enabled_feeds(*, partner: Partner | None = None) -> dict[int, ImportOutcome]:
    feeds = PartnerFeed.objects.filter(enabled=True, partner__is_active=True).select_related(
        "partner"
    )
    if partner is not None:
        feeds = feeds.filter(partner=partner)
    return {feed.pk: import_partner_feed(feed=feed) for feed in feeds}
