from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from elan.db_router import ReplicaMiddleware, ReplicaRouter, _use_replica, is_public_read
from territories.models import Territory

router = ReplicaRouter()


def _request(method: str = "get", user=None, **extra):  # type: ignore[no-untyped-def]
    request = getattr(RequestFactory(), method)("/territoires/", **extra)
    request.user = user or AnonymousUser()
    return request


def test_it_reads_from_default_outside_a_public_request() -> None:
    assert router.db_for_read(Territory) == "default"
    assert router.db_for_write(Territory) == "default"


def test_it_reads_from_the_replica_during_an_anonymous_get() -> None:
    seen = []
    middleware = ReplicaMiddleware(lambda r: seen.append(router.db_for_read(Territory)))  # type: ignore[arg-type,func-returns-value]
    middleware(_request())
    assert seen == ["replica"]
    assert _use_replica.get() is False


@pytest.mark.django_db
def test_logged_in_users_posts_and_tokens_stay_on_default(outsider) -> None:  # type: ignore[no-untyped-def]
    assert not is_public_read(_request(user=outsider))
    assert not is_public_read(_request("post"))
    assert not is_public_read(_request(HTTP_AUTHORIZATION="Bearer elan_x"))
    assert is_public_read(_request("head"))


def test_it_migrates_only_default_and_allows_relations() -> None:
    assert router.allow_migrate("default", "territories")
    assert not router.allow_migrate("replica", "territories")
    assert router.allow_relation(object(), object())


def _settings_with(env: dict[str, str]) -> str:
    code = (
        "from django.conf import settings as s; import django; django.setup();"
        "print(sorted(s.DATABASES), s.DATABASE_ROUTERS,"
        " 'elan.db_router.ReplicaMiddleware' in s.MIDDLEWARE)"
    )
    environ = {k: v for k, v in os.environ.items() if k != "ELAN_REPLICA_DATABASE_URL"}
    environ.update(env, DJANGO_SETTINGS_MODULE="elan.settings")
    return subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_settings_register_the_router_only_with_a_replica() -> None:
    assert _settings_with({}) == "['default'] [] False"
    assert _settings_with({"ELAN_REPLICA_DATABASE_URL": "postgres://u:p@replica/elan"}) == (
        "['default', 'replica'] ['elan.db_router.ReplicaRouter'] True"
    )


@pytest.mark.django_db
def test_a_public_page_asks_the_replica_and_a_logged_in_one_does_not(
    client, settings, monkeypatch, territory, outsider
) -> None:  # type: ignore[no-untyped-def]
    # The test database has no "replica" alias (it is added at start-up only):
    # record the router's choice and read from default.
    asked: list[str | None] = []
    choose = ReplicaRouter.db_for_read

    def record(self, model, **hints):  # type: ignore[no-untyped-def]
        asked.append(choose(self, model, **hints))
        return "default"

    monkeypatch.setattr(ReplicaRouter, "db_for_read", record)
    settings.DATABASE_ROUTERS = ["elan.db_router.ReplicaRouter"]
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "elan.db_router.ReplicaMiddleware"]
    assert client.get("/api/v1/territories").json()["count"] == 1
    assert asked
    assert set(asked) == {"replica"}
    asked.clear()
    client.force_login(outsider)
    client.get("/api/v1/territories")
    assert asked
    assert set(asked) == {"default"}
