"""manage.py send_partner_reviews: ask partners whose entry is due to check it."""

from django.core.management.base import BaseCommand

from opendata.reviews import send_review_requests


class Command(BaseCommand):
    help = "Mail review links to opted-in contacts of partners not checked for a while."

    def handle(self, *args, **options) -> None:
        sent = send_review_requests()
        self.stdout.write(f"{sent} review request(s) sent.")
