"""Import partners' own calendars now: all enabled feeds, or one partner's."""

from django.core.management.base import BaseCommand, CommandError

from feeds.models import PartnerFeed
from feeds.services import import_enabled_feeds
from network.models import Partner


class Command(BaseCommand):
    help = "Fetch partners' iCalendar feeds and store their upcoming events."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--partner", metavar="SLUG", help="only this partner's feed")

    def handle(self, *args, **options) -> None:
        partner = None
        if options["partner"]:
            partner = Partner.objects.filter(slug=options["partner"]).first()
            if partner is None:
                raise CommandError(f"No partner with slug {options['partner']!r}.")
            feed = PartnerFeed.objects.filter(partner=partner).first()
            if feed is None:
                raise CommandError(f"{partner.name} has no calendar link.")
            if not feed.enabled:
                raise CommandError(f"The calendar link of {partner.name} is switched off.")
        outcomes = import_enabled_feeds(partner=partner)
        feeds = PartnerFeed.objects.in_bulk(list(outcomes)).values()
        failed = 0
        for feed in sorted(feeds, key=lambda f: f.partner.name):
            outcome = outcomes[feed.pk]
            if not outcome.ok:
                failed += 1
                self.stderr.write(f"{feed.partner.slug}: {outcome.error}")
            elif outcome.not_modified:
                self.stdout.write(f"{feed.partner.slug}: unchanged ({outcome.event_count} events)")
            else:
                self.stdout.write(f"{feed.partner.slug}: {outcome.event_count} events")
        self.stdout.write(f"{len(outcomes)} feeds, {failed} failed.")
        if failed:
            raise CommandError(f"{failed} of {len(outcomes)} feeds failed.")
