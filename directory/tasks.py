from celery import shared_task
from django.utils import timezone

from directory import files


@shared_task(name="directory.remove_orphan_files")
def remove_orphan_files() -> int:
    return len(files.remove_orphans(now=timezone.now()))
