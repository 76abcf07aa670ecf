from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from api.models import ApiToken, hash_token


@transaction.atomic
def token_create(*, user, name: str) -> tuple[ApiToken, str]:  # type: ignore[no-untyped-def]
    """Create a token and return it with its only readable copy."""
    raw = ApiToken.generate()
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(raw), hint=raw[:9])
    return token, raw


def token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
