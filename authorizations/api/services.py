"""The writes of API tokens, each in one transaction with its audit row (on
the HTC: a token's id holds its hash, so the log names its prefix only)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from authorizations.api.models import HTCAPIKey
from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit, service
from authorizations.models import HTC


class NotAllowed(PermissionError):
    pass


def _superuser_only(by: User) -> None:
    if not getattr(by, "is_superuser", False):
        raise NotAllowed("Only a superuser manages API tokens")


@service
def api_key_create(*, by: User, htc: HTC, name: str,
                   expiry_date: datetime | None = None) -> tuple[HTCAPIKey, str]:
    """A new token for `htc`: (the record, the token). The token is not stored
    and cannot be shown again."""
    _superuser_only(by)
    with transaction.atomic():
        key, token = HTCAPIKey.objects.create_key(htc=htc, name=name.strip(),
                                                  expiry_date=expiry_date)
        # The library's manager is typed for AbstractAPIKey; it builds its model's.
        assert isinstance(key, HTCAPIKey)
        audit(by=by, action=AuditAction.API_KEY_CREATE, obj=htc, key=key.prefix, name=key.name)
    return key, token


@service
def api_key_revoke(*, by: User, key: HTCAPIKey) -> HTCAPIKey:
    """Revoke a token for good (the library refuses to un-revoke)."""
    _superuser_only(by)
    with transaction.atomic():
        key = HTCAPIKey.objects.select_for_update().get(pk=key.pk)
        if not key.revoked:
            key.revoked = True
            key.save(update_fields=["revoked"])
            audit(by=by, action=AuditAction.API_KEY_REVOKE, obj=key.htc, key=key.prefix)
    return key
