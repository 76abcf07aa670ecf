"""/sante/: the database, the cache and the broker for load balancers."""

from __future__ import annotations

import pytest

from elan import health
from elan.celery import app

pytestmark = pytest.mark.django_db


def test_all_is_well_without_a_broker(client, settings) -> None:
    settings.CELERY_BROKER_URL = ""
    response = client.get("/sante/")
    assert response.status_code == 200
    body = response.json()
    assert body["statut"] == "ok"
    assert set(body["composants"]) == {"base_de_donnees", "cache", "file_de_taches"}
    assert all(part["etat"] == "ok" for part in body["composants"].values())
    assert body["composants"]["base_de_donnees"]["detail"] in ("sqlite", "postgresql")
    assert "no-cache" in response["Cache-Control"]
    assert client.head("/sante/").status_code == 200


def test_a_broker_that_does_not_answer_is_degraded_not_down(client, settings, monkeypatch) -> None:
    dead = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CELERY_BROKER_URL = dead
    monkeypatch.setattr(app.conf, "broker_url", dead)
    monkeypatch.setattr(app.conf, "broker_write_url", None, raising=False)
    response = client.get("/sante/")
    assert response.status_code == 200
    body = response.json()
    assert body["statut"] == "degrade"
    assert body["composants"]["file_de_taches"]["etat"] == "panne"
    assert body["composants"]["file_de_taches"]["ms"] < 5000
    assert "127.0.0.1" not in response.content.decode()


def test_a_cache_that_loses_values_is_degraded(client, monkeypatch) -> None:
    monkeypatch.setattr(health.cache, "get", lambda *a, **k: None)
    body = client.get("/sante/").json()
    assert body["statut"] == "degrade"
    assert body["composants"]["cache"]["etat"] == "panne"


def test_without_the_database_it_is_down_and_says_no_more(client, monkeypatch) -> None:
    def broken() -> str:
        raise RuntimeError("connexion refusée par db.interne:5432 mot de passe secret")

    monkeypatch.setattr(health, "_database", broken)
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json()["statut"] == "panne"
    assert "secret" not in response.content.decode()
    assert "db.interne" not in response.content.decode()


def test_only_reads(client) -> None:
    assert client.post("/sante/").status_code == 405
