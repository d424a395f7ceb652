"""Uploaded files: unguessable names, and no file outlives the row that points at it.

A replaced photo is deleted once the replacing transaction commits (a rolled-back save
keeps the old one). Anything left over anyway (a crash between commit and delete, an edit
in the admin, files from before this rule) is found by `remove_orphans`, which beat runs
weekly and `manage.py remove_orphan_files` runs by hand.
"""

import logging
import secrets
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from functools import partial

from django.apps import apps
from django.core.files.storage import Storage, default_storage
from django.db import models, transaction

logger = logging.getLogger(__name__)

# A file this young may belong to a save that has not committed yet: never an orphan.
ORPHAN_MIN_AGE = timedelta(days=1)


def unguessable_name(*, suffix: str) -> str:
    """A file name nobody can guess (144 random bits), so a photo's address cannot be found
    from the specialist's name or by counting."""
    return f"{secrets.token_urlsafe(18)}{suffix}"


def delete_on_commit(*, storage: Storage, names: Iterable[str | None]) -> None:
    """Delete these files once the current transaction commits (at once outside one),
    unless a row still points at one (the demo data shares its photos)."""
    for name in names:
        if name:
            transaction.on_commit(partial(_delete_unless_referenced, storage, name))


def _file_fields() -> Iterator[tuple[type[models.Model], str]]:
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                yield model, field.name


def _delete_unless_referenced(storage: Storage, name: str) -> None:
    if not any(
        model._default_manager.filter(**{field: name}).exists() for model, field in _file_fields()
    ):
        storage.delete(name)


def referenced_names() -> set[str]:
    """Every file name a row of any model points at (each app's file fields)."""
    names: set[str] = set()
    for model, field in _file_fields():
        names.update(
            model._default_manager.exclude(**{field: ""}).values_list(field, flat=True).iterator()
        )
    return names


def _stored_names(storage: Storage, folder: str = "") -> Iterator[str]:
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}{name}"
    for sub in folders:
        yield from _stored_names(storage, f"{folder}{sub}/")


def find_orphans(*, now: datetime, storage: Storage = default_storage) -> list[str]:
    """Stored files no row points at, older than ORPHAN_MIN_AGE, sorted."""
    try:
        stored = list(_stored_names(storage))
    except FileNotFoundError:  # nothing was ever uploaded
        return []
    referenced = referenced_names()
    return sorted(
        name
        for name in stored
        if name not in referenced and storage.get_modified_time(name) < now - ORPHAN_MIN_AGE
    )


def remove_orphans(*, now: datetime, dry_run: bool = False) -> list[str]:
    """Delete the files `find_orphans` returns (only list them with dry_run) and return them."""
    orphans = find_orphans(now=now)
    if not dry_run:
        for name in orphans:
            default_storage.delete(name)
    logger.info("orphan files", extra={"count": len(orphans), "dry_run": dry_run})
    return orphans
