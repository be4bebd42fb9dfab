from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "feeds"

    def ready(self) -> None:
        # activities sits below feeds: its registration mails get the one .ics builder here.
        from activities.calendar_files import register_calendar_file
        from feeds.publishing import activity_calendar_file

        register_calendar_file(activity_calendar_file)
