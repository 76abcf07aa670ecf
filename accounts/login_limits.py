"""Failed logins are limited per IP address and per account
(ACCOUNT_RATE_LIMITS["login_failed"]), without letting whoever hammers an
account keep its owner out.

A browser where the account has logged in before carries a signed cookie
naming it (a « known device »): from there, the account's failures count
against the IP address only, so the right password still works while
strangers are locked out. Anyone else who is locked out is told until when.

allauth keeps its rate-limit helpers internal; its own adapter uses them, and
so does ours (tests/accounts/test_login_limits.py would catch a change).
"""

from __future__ import annotations

import datetime as dt
import math
import time

from allauth.account import app_settings
from allauth.account.utils import filter_users_by_email
from allauth.core.internal import ratelimit
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import ngettext

from accounts.models import User

APP = "allauth.account"
ACTION = "login_failed"
DEVICE_COOKIE = "elan_appareil"
DEVICE_SALT = "accounts.login_limits.known-device"
DEVICE_MAX_AGE = 365 * 24 * 3600
# A shared family computer: a few accounts per browser, the latest first.
DEVICE_ACCOUNTS = 5


def _device_accounts(request: HttpRequest) -> list[int]:
    raw = (
        request.get_signed_cookie(
            DEVICE_COOKIE, default=None, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE
        )
        or ""
    )
    return [int(pk) for pk in raw.split(",") if pk.isascii() and pk.isdigit()]


def remember_device(request: HttpRequest, response: HttpResponseBase, user: User) -> None:
    accounts = [user.pk, *(pk for pk in _device_accounts(request) if pk != user.pk)]
    response.set_signed_cookie(
        DEVICE_COOKIE,
        ",".join(str(pk) for pk in accounts[:DEVICE_ACCOUNTS]),
        salt=DEVICE_SALT,
        max_age=DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _known_device(request: HttpRequest, email: str) -> bool:
    accounts = _device_accounts(request)
    return bool(accounts) and any(u.pk in accounts for u in filter_users_by_email(email))


def rates(request: HttpRequest, email: str) -> str:
    """The limits that apply to this attempt, as allauth writes them."""
    configured = app_settings.RATE_LIMITS.get(ACTION) or ""
    if not _known_device(request, email):
        return configured
    return ",".join(
        part for part in configured.split(",") if ratelimit.parse_rate(part.strip()).per != "key"
    )


def consume(request: HttpRequest, *, key: str, limits: str) -> ratelimit.RateLimitUsage | None:
    return ratelimit.consume(request, app=APP, action=ACTION, key=key, config={ACTION: limits})


def lock_error(request: HttpRequest, *, key: str, limits: str) -> forms.ValidationError:
    """« Trop de tentatives. Réessayez dans 5 minutes (à 22 h 14). »"""
    now = time.time()
    ends = now
    for rate in ratelimit.parse_rates(limits):
        cache_key = ratelimit.get_cache_key(request, app=APP, action=ACTION, rate=rate, key=key)
        allowed, history = ratelimit.apply_rate(cache.get(cache_key, []), now, rate, dry_run=True)
        if not allowed:
            # Newest first: a try is allowed again once this one has aged out.
            ends = max(ends, history[rate.amount - 1] + rate.duration)
    minutes = max(1, math.ceil((ends - now) / 60))
    # The minute shown is one when the lock has ended, never just before.
    at = timezone.localtime(dt.datetime.fromtimestamp(math.ceil(ends / 60) * 60, tz=dt.UTC))
    message = ngettext(
        "Trop de tentatives. Réessayez dans %(minutes)s minute (à %(time)s).",
        "Trop de tentatives. Réessayez dans %(minutes)s minutes (à %(time)s).",
        minutes,
    ) % {"minutes": minutes, "time": date_format(at, r"G \h i")}
    return forms.ValidationError(message, code="too_many_login_attempts")
