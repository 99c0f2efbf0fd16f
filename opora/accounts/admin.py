from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from opora.accounts.models import User
from opora.accounts.services import user_delete, user_erase


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    list_display = [
        "username",
        "last_name",
        "first_name",
        "role",
        "region",
        "municipality",
        "school",
        "is_active",
    ]
    list_filter = ["role", "region", "municipality", "is_active"]
    search_fields = ["username", "last_name", "first_name", "email"]
    autocomplete_fields = ["school", "curated_schools"]
    # The history shows what changed, never the password (it is not kept) or the time of a login.
    history_list_display = ["role", "is_active"]
    actions = ["erase_personal_data"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            "Роль и область доступа",
            {
                "fields": (
                    "role",
                    "patronymic",
                    "position",
                    "region",
                    "municipality",
                    "school",
                    "curated_schools",
                )
            },
        ),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("Роль и область доступа", {"fields": ("role", "region", "municipality", "school")}),
    )

    @admin.action(description="Удалить персональные данные по запросу (учётная запись отключается)")
    def erase_personal_data(self, request, queryset):
        count = 0
        for user in queryset:
            user_erase(user=user, by=request.user)
            count += 1
        self.message_user(request, f"Персональные данные удалены: {count}.", messages.SUCCESS)

    def delete_model(self, request, obj):
        # A deletion on request leaves no names in the history, only the fact of the deletion.
        user_delete(user=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            user_delete(user=user, by=request.user)
