"""The task queue's page of the administration, in Russian (see ``opora.web.admin_site``)."""

from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class BackgroundTaskAdmin(DBTaskResultAdmin):
    list_display = ("id", "task", "state", "enqueued", "started", "finished")

    @admin.display(description="задача", ordering="task_path")
    def task(self, obj: DBTaskResult) -> str:
        return obj.task_path.rsplit(".", 1)[-1]

    @admin.display(description="состояние", ordering="status")
    def state(self, obj: DBTaskResult) -> str:
        return {"READY": "в очереди", "RUNNING": "выполняется", "SUCCESSFUL": "выполнена", "FAILED": "сбой"}.get(
            obj.status, obj.status
        )

    @admin.display(description="поставлена", ordering="enqueued_at")
    def enqueued(self, obj: DBTaskResult):
        return obj.enqueued_at

    @admin.display(description="начата", ordering="started_at")
    def started(self, obj: DBTaskResult):
        return obj.started_at

    @admin.display(description="завершена", ordering="finished_at")
    def finished(self, obj: DBTaskResult):
        return obj.finished_at

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": "Фоновые задачи", **(extra_context or {})})
