from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from api.models import ApiToken, hash_token

# Writing last_used_at on every call would turn each read into a write.
LAST_USED_PRECISION = timedelta(minutes=5)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer elan_…` — personal tokens of organisers."""

    def authenticate(self, request: HttpRequest, token: str):  # type: ignore[no-untyped-def]
        found = (
            ApiToken.objects.active()
            .select_related("user")
            .filter(key_hash=hash_token(token))
            .first()
        )
        if found is None or not found.user.has_perm("api.use_tokens"):
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


token_or_session = [TokenAuth(), django_auth]
