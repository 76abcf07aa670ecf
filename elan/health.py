"""`/sante/`: the state of the database, the cache and the task broker, for
load balancers and monitoring.

- 200 « ok » when all three answer; 200 « degrade » when the cache or the
  broker does not (pages keep working: rate limits fall back, e-mails wait in
  the outbox and are sent once when the broker is back); 503 « panne » when
  the database does not (nothing works without it).
- Each check is bounded in time (2 s) and says how long it took; no host
  name, password or error text is shown, only in the server log.
- Never cached, open to all (a probe does not log in), HEAD answered too.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)
TIMEOUT = 2.0


def _timed(check: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        detail = check()
    except Exception:  # any failure of a component is its « panne »
        logger.exception("Contrôle de santé en échec : %s", getattr(check, "__name__", check))
        return {"etat": "panne", "ms": round((time.perf_counter() - started) * 1000, 1)}
    state = {"etat": "ok", "ms": round((time.perf_counter() - started) * 1000, 1)}
    if detail:
        state["detail"] = detail
    return state


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _cache() -> str:
    key = "elan:sante"
    value = str(time.time())
    cache.set(key, value, timeout=30)
    if cache.get(key) != value:
        raise RuntimeError("le cache ne rend pas ce qu'on y met")
    return str(settings.CACHES["default"]["BACKEND"]).rsplit(".", 1)[-1]


def _broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "aucun : les tâches s'exécutent dans la requête"
    from elan.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=TIMEOUT)
    return "joignable"


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    parts = {
        "base_de_donnees": _timed(_database),
        "cache": _timed(_cache),
        "file_de_taches": _timed(_broker),
    }
    if parts["base_de_donnees"]["etat"] != "ok":
        status, code = "panne", 503
    elif any(p["etat"] != "ok" for p in parts.values()):
        status, code = "degrade", 200
    else:
        status, code = "ok", 200
    return JsonResponse(
        {"statut": status, "composants": parts},
        status=code,
        json_dumps_params={"ensure_ascii": False},
    )
