"""The log of organisers' access to other people's personal data.

Views that show or export households, contacts, participants or answers call
`log_access` once per page or file: who (the account, kept as text when it is
erased later), what, of which territory, how many people, when. Platform
admins read the log in the back office (« Accès à des données personnelles »);
`ELAN_ACCESS_LOG_DAYS` (default 365) is how long entries are kept
(`purge_access_log`, run by beat daily).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import AccessKind, PersonalDataAccess


def log_access(
    request: HttpRequest,
    *,
    what: str,
    territory: Any = "",
    people: int = 0,
    export: bool = False,
) -> None:
    user: Any = request.user
    if not user.is_authenticated:
        return
    PersonalDataAccess.objects.create(
        user=user,
        user_label=user.email,
        kind=AccessKind.EXPORT if export else AccessKind.VIEW,
        what=what[:200],
        territory=str(getattr(territory, "slug", territory) or "")[:80],
        people=max(0, int(people)),
        path=request.get_full_path()[:500],
    )


def purge_access_log(now: dt.datetime | None = None) -> int:
    """Delete the entries older than ELAN_ACCESS_LOG_DAYS; returns how many."""
    days = int(getattr(settings, "ELAN_ACCESS_LOG_DAYS", 365))
    limit = (now or timezone.now()) - dt.timedelta(days=days)
    deleted, _by_model = PersonalDataAccess.objects.filter(at__lt=limit).delete()
    return deleted
