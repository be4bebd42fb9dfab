from django.contrib import admin

from impact.models import ImpactSettings, PartnerSignal


@admin.register(ImpactSettings)
class ImpactSettingsAdmin(admin.ModelAdmin):
    list_display = ["workspace", "first_wave_days", "second_wave_days", "link_days"]


@admin.register(PartnerSignal)
class PartnerSignalAdmin(admin.ModelAdmin):
    list_display = ["partner", "month", "via_professional", "via_tour_participant", "source"]
    list_filter = ["source"]
    raw_id_fields = ["partner"]
