"""Failed logins are limited per IP and per account, yet the owner of a
hammered account still logs in from the browser they usually use, and
whoever is locked out is told until when."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.test import Client
from django.urls import reverse

from accounts.login_limits import DEVICE_COOKIE
from tests.accounts.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"
OWNER_IP = "198.51.100.7"
# 2025-06-01 22:09:00 in Paris (summer time, UTC+2).
NINE_PAST_TEN = dt.datetime(2025, 6, 1, 20, 9, tzinfo=dt.UTC).timestamp()


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    """time.time(), which allauth's limits and the memory cache read, frozen."""
    now = [NINE_PAST_TEN]
    monkeypatch.setattr(time, "time", lambda: now[0])
    return now


def _login(client: Client, email: str, password: str, ip: str):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip
    )


def _hammer(email: str, times: int = 5, ip: str = ATTACKER) -> None:
    stranger = Client()
    for _ in range(times):
        assert _login(stranger, email, "mauvais", ip).status_code == 400


def _known_device(owner) -> Client:  # type: ignore[no-untyped-def]
    device = Client()
    assert _login(device, owner.email, PASSWORD, OWNER_IP).status_code == 302
    assert DEVICE_COOKIE in device.cookies
    device.post(reverse("account_logout"))  # as a person would (Client.logout drops every cookie)
    assert "_auth_user_id" not in device.session
    return device


def test_a_stranger_is_locked_out_after_five_failures_even_with_the_right_password(
    owner, clock
) -> None:  # type: ignore[no-untyped-def]
    _hammer(owner.email)
    stranger = Client()
    response = _login(stranger, owner.email, PASSWORD, ATTACKER)
    assert response.status_code == 400
    assert "_auth_user_id" not in stranger.session


def test_the_lock_says_when_it_ends_in_french(owner, clock) -> None:  # type: ignore[no-untyped-def]
    _hammer(owner.email)
    clock[0] += 10
    html = _login(Client(), owner.email, PASSWORD, "192.0.2.1").content.decode()
    assert "Trop de tentatives. Réessayez dans 5 minutes (à 22 h 14)." in html


def test_the_owner_still_logs_in_from_a_known_device(owner, clock) -> None:  # type: ignore[no-untyped-def]
    device = _known_device(owner)
    _hammer(owner.email)
    response = _login(device, owner.email, PASSWORD, OWNER_IP)
    assert response.status_code == 302
    assert device.session["_auth_user_id"] == str(owner.pk)


def test_a_known_device_is_still_limited_per_ip(owner, clock) -> None:  # type: ignore[no-untyped-def]
    device = _known_device(owner)
    for _ in range(5):
        assert _login(device, owner.email, "mauvais", OWNER_IP).status_code == 400
    response = _login(device, owner.email, PASSWORD, OWNER_IP)
    assert response.status_code == 400
    assert "Trop de tentatives. Réessayez dans 5 minutes" in response.content.decode()


def test_a_device_known_for_another_account_is_a_stranger_here(owner, clock) -> None:  # type: ignore[no-untyped-def]
    other = UserFactory(email="voisine@example.org")
    device = _known_device(other)
    _hammer(owner.email)
    assert _login(device, owner.email, PASSWORD, OWNER_IP).status_code == 400


def test_a_forged_cookie_is_a_stranger(owner, clock) -> None:  # type: ignore[no-untyped-def]
    _hammer(owner.email)
    forged = Client()
    forged.cookies[DEVICE_COOKIE] = str(owner.pk)
    assert _login(forged, owner.email, PASSWORD, OWNER_IP).status_code == 400


def test_the_lock_lifts_once_five_minutes_have_passed(owner, clock) -> None:  # type: ignore[no-untyped-def]
    _hammer(owner.email)
    stranger = Client()
    clock[0] += 5 * 60 - 1
    assert _login(stranger, owner.email, PASSWORD, "192.0.2.1").status_code == 400
    clock[0] += 2
    assert _login(stranger, owner.email, PASSWORD, "192.0.2.1").status_code == 302
