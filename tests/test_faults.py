"""Faults: the database down answers a French 503 (JSON under /api/), a dead
Redis leaves the pages and the login working, a dead broker fails no request.
The same faults on a real server: bench/faults.py."""

from __future__ import annotations

import datetime as dt
import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.cache import cache
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import mail
from accounts.models import EmailStatus, OutgoingEmail
from elan import cache as elan_cache
from elan.celery import app
from elan.middleware import UNAVAILABLE_MESSAGE
from measures.models import Reading
from tests.accounts.conftest import PASSWORD
from tests.factories import MeterFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

GONE = "server closed the connection unexpectedly"


@contextmanager
def database_down() -> Iterator[None]:
    """Every query fails as with a PostgreSQL that went away."""
    with mock.patch.object(
        CursorWrapper, "_execute_with_wrappers", side_effect=OperationalError(GONE)
    ):
        yield


def assert_french_503(response) -> str:  # type: ignore[no-untyped-def]
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "Service momentanément indisponible" in body
    assert "Traceback" not in body
    assert GONE not in body
    return body


# --- the database ---------------------------------------------------------------------


def test_a_page_answers_a_french_503_when_the_database_is_gone(client, caplog) -> None:
    with caplog.at_level(logging.ERROR, logger="elan.database"), database_down():
        response = client.get("/")
    body = assert_french_503(response)
    assert '<html lang="fr">' in body
    assert [r.name for r in caplog.records if r.levelno >= logging.ERROR] == ["elan.database"]


def test_the_session_read_by_the_page_failing_is_a_503_too(client, member) -> None:
    client.force_login(member)
    with mock.patch.object(SessionStore, "load", side_effect=OperationalError(GONE)):
        response = client.get(reverse("accounts:dashboard"))
    assert_french_503(response)


def test_the_session_saved_on_the_way_out_failing_is_a_503_not_a_500(member) -> None:
    # Raised in a middleware, after the view: Django has made it a 500 already.
    client = Client(raise_request_exception=False)
    client.force_login(member)
    with mock.patch.object(
        SessionMiddleware, "process_response", side_effect=OperationalError(GONE)
    ):
        response = client.get(reverse("accounts:dashboard"))
    assert_french_503(response)


def test_the_api_answers_json_503(client) -> None:
    with database_down():
        response = client.get("/api/v1/territories")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"message": UNAVAILABLE_MESSAGE}
    assert "Traceback" not in response.content.decode()


def test_a_broken_template_still_gives_the_plain_page(client) -> None:
    with (
        mock.patch("elan.middleware.loader.get_template", side_effect=OSError("disque")),
        database_down(),
    ):
        response = client.get("/")
    assert_french_503(response)


def test_other_errors_are_left_to_django(client) -> None:
    client.cookies["sessionid"] = "x" * 32
    with (
        mock.patch.object(SessionStore, "load", side_effect=ValueError("bug")),
        pytest.raises(ValueError, match="bug"),
    ):
        client.get(reverse("accounts:dashboard"))


def test_service_resumes_on_the_next_request(client) -> None:
    with database_down():
        assert client.get("/").status_code == 503
    assert client.get("/").status_code == 200


# --- Redis (the cache) ---------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def dead_redis(settings, monkeypatch):  # type: ignore[no-untyped-def]
    settings.CACHES = {
        "default": {
            "BACKEND": "elan.cache.DegradingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
    return cache


def dead_cache() -> elan_cache.DegradingRedisCache:
    return elan_cache.DegradingRedisCache(
        f"redis://127.0.0.1:{closed_port()}/0", {"OPTIONS": {"socket_connect_timeout": 0.25}}
    )


def test_a_dead_redis_reads_nothing_and_drops_writes(monkeypatch, caplog) -> None:
    dead_redis = dead_cache()
    monkeypatch.setattr(elan_cache, "PAUSE_SECONDS", 0.0)  # ask Redis at every call
    with caplog.at_level(logging.WARNING, logger="elan.cache"):
        assert dead_redis.get("clé", "défaut") == "défaut"
        dead_redis.set("clé", 1)
        assert dead_redis.add("verrou", 1) is True  # a lock is free: logins are not refused
        assert dead_redis.get_many(["a", "b"]) == {}
        assert dead_redis.incr("compteur") == 1
        dead_redis.delete("clé")
        assert dead_redis.get_or_set("clé", 5) == 5
    warnings = [r for r in caplog.records if r.name == "elan.cache"]
    assert len(warnings) == 1  # once a minute, not once a call
    assert "Cache Redis injoignable" in warnings[0].getMessage()


def test_after_a_failure_redis_is_left_alone_for_a_few_seconds(monkeypatch) -> None:
    dead_redis = dead_cache()
    dead_redis.get("clé")
    calls = []
    monkeypatch.setattr(
        elan_cache.RedisCache, "get", lambda *args, **kwargs: calls.append(args) or "frais"
    )
    assert dead_redis.get("clé") is None
    assert calls == []


def test_pages_and_login_work_with_redis_dead(dead_redis, member) -> None:
    client = Client()
    assert client.get("/").status_code == 200
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("accounts:dashboard")).status_code == 200


# --- the broker ------------------------------------------------------------------------


@pytest.fixture
def dead_broker(settings, monkeypatch):  # type: ignore[no-untyped-def]
    dead = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CELERY_BROKER_URL = dead
    monkeypatch.setattr(app.conf, "broker_url", dead)
    monkeypatch.setattr(app.conf, "broker_write_url", None, raising=False)
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(mail, "_broker_down_until", 0.0)
    # An earlier test of this worker (a real Celery worker on Redis) may have
    # left a pool of live connections: start from none, on the dead broker.
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)


def test_an_email_asked_for_while_the_broker_is_down_waits_in_the_outbox(
    dead_broker, member, django_capture_on_commit_callbacks
) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": member.email})
    assert response.status_code == 302
    row = OutgoingEmail.objects.get(recipient=member.email)
    assert row.status == EmailStatus.QUEUED
    assert row.dispatched_at is None  # the periodic job hands it over once the broker is back


def test_a_reading_saved_while_the_broker_is_down_is_acknowledged(
    dead_broker, settings, member, django_capture_on_commit_callbacks
) -> None:
    settings.ELAN_RESULTS_PRECOMPUTE = True  # the write schedules its challenges' results
    meter = MeterFactory(household=member.household)
    RegistrationFactory(household=member.household)
    client = Client()
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/readings",
            {
                "meter_id": meter.pk,
                "read_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
                "value": "1042",
                "client_key": "panne-broker-1",
            },
            content_type="application/json",
        )
    assert response.status_code == 201
    assert Reading.objects.filter(client_key="panne-broker-1").exists()
