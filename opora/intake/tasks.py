"""Background work of the intake: checking and applying imports outside the web request.

Thin wrappers: the services enqueue them, ``opora.intake.processing`` does the work.
"""

from django_tasks import task

from opora.accounts.models import User
from opora.intake.models import ImportBatch
from opora.intake.processing import batch_progress, import_apply, import_check


@task()
def check_import(batch_id: int) -> None:
    batch = ImportBatch.objects.get(pk=batch_id)
    import_check(batch=batch, progress=batch_progress(batch))


@task()
def apply_import(batch_id: int, user_id: int | None) -> None:
    batch = ImportBatch.objects.get(pk=batch_id)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    import_apply(batch=batch, by=user, progress=batch_progress(batch))
