from django.contrib import admin

from feeds.models import ImportedEvent, PartnerFeed


@admin.register(PartnerFeed)
class PartnerFeedAdmin(admin.ModelAdmin):
    list_display = ["partner", "url", "enabled", "last_success_at", "event_count", "last_error"]
    list_filter = ["enabled", "workspace"]
    search_fields = ["partner__name", "url"]
    readonly_fields = [
        "etag",
        "last_modified",
        "last_attempt_at",
        "last_success_at",
        "last_error",
        "event_count",
    ]


@admin.register(ImportedEvent)
class ImportedEventAdmin(admin.ModelAdmin):
    list_display = ["summary", "feed", "starts_at", "ends_at", "all_day"]
    list_filter = ["feed__partner"]
    search_fields = ["summary", "uid"]
    list_select_related = ["feed__partner"]
