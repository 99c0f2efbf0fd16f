from django.contrib import admin

from opora.intake.models import ImportBatch, ImportChange
from opora.intake.regions import region_defaults_ensure
from opora.schools.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """Regions; a region created here gets every module's defaults, as one created by an import does.

    Registered by the intake, which creates regions, rather than by the schools app that owns the
    table: the defaults come from the modules above the schools.
    """

    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        region_defaults_ensure(region=obj)


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["pk", "file_name", "form_key", "status", "region", "created_by", "created_at", "added", "changed"]
    list_filter = ["status", "form_key", "region"]
    search_fields = ["file_name", "checksum"]
    readonly_fields = [field.name for field in ImportBatch._meta.fields]

    def has_add_permission(self, request):
        return False  # files come in through the import page or «opora import»


@admin.register(ImportChange)
class ImportChangeAdmin(admin.ModelAdmin):
    list_display = ["batch", "model", "object_id", "action"]
    list_filter = ["model", "action"]
    readonly_fields = ["batch", "model", "object_id", "action", "before"]

    def has_add_permission(self, request):
        return False
