"""Account-level actions: the things a person does to their own account."""

from django.db import transaction

from directory.models import User


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Delete the account and everything that belongs only to it.

    Related rows go with it through the foreign keys' CASCADE rules.
    """
    user.delete()
