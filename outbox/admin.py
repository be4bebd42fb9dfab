from django.contrib import admin

from outbox.models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "subject", "status", "attempts", "next_attempt_at"]
    list_filter = ["status"]
    search_fields = ["recipient", "subject", "topic"]
    readonly_fields = [field.name for field in OutgoingMail._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
