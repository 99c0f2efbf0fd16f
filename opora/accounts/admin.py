from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from opora.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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
