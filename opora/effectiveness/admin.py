from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from opora.effectiveness.models import CouncilMeeting, ManagementDecision


class DecisionInline(admin.TabularInline):
    model = ManagementDecision
    extra = 0
    fields = ["number", "text", "owner", "deadline", "status", "report"]


@admin.register(CouncilMeeting)
class CouncilMeetingAdmin(SimpleHistoryAdmin):
    list_display = ["held_on", "title", "protocol_number", "region", "municipality"]
    list_filter = ["region", "municipality"]
    date_hierarchy = "held_on"
    inlines = [DecisionInline]


@admin.register(ManagementDecision)
class ManagementDecisionAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "number", "owner", "deadline", "status"]
    list_filter = ["status"]
    search_fields = ["text", "owner"]
    raw_id_fields = ["meeting"]
