from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from opora.events.models import Event, Registration


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    autocomplete_fields = ["school"]
    raw_id_fields = ["teacher"]
    fields = ["school", "teacher", "participants", "attended", "attended_count", "winners", "prize_winners"]


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "level", "starts_at", "municipality", "status"]
    list_filter = ["kind", "level", "status", "region", "municipality"]
    search_fields = ["title", "organiser"]
    date_hierarchy = "starts_at"
    filter_horizontal = ["target_schools"]
    inlines = [RegistrationInline]


@admin.register(Registration)
class RegistrationAdmin(SimpleHistoryAdmin):
    list_display = ["event", "school", "teacher", "participants", "attended", "attended_count"]
    list_filter = ["attended", "event__kind"]
    search_fields = ["school__code", "event__title"]
    list_select_related = ["event", "school", "teacher"]
    autocomplete_fields = ["school"]
    raw_id_fields = ["event", "teacher"]
