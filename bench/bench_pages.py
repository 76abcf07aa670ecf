"""Throughput of the anonymous public pages against a minimal Django view
served the same way in the same run (absolute figures on these machines are
noisy; the ratio is what compares).

Run:
    .venv/bin/python bench/bench_pages.py                 # SQLite demo, 5 s per run
    .venv/bin/python bench/bench_pages.py --seconds 10 \\
        --database-url postgres://postgres@127.0.0.1:5432/elan_bench_pages

It loads the demo into its own database, starts `gunicorn elan.wsgi -w 2`
(sync workers, ELAN_DEBUG=0, bench/settings_bench.py adds the minimal view
at /bench/minimal/), then for each page runs `wrk -t2 -c8` on the page and
on the minimal view alternately, A B A B, and prints page, req/s, minimal
view req/s and the ratio (median of the two pairs). Needs wrk (Debian).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchkit
from benchkit import ROOT, say, stop, table

PAGES = [
    ("accueil", "/"),
    ("territoire", "/t/val-de-drome/"),
    ("défi", "/t/val-de-drome/defis/familles-energie-positive/"),
    ("résultats du défi", "/t/val-de-drome/defis/familles-energie-positive/resultats/"),
    ("bilan public", "/t/val-de-drome/defis/familles-energie-positive-2025/bilan/"),
    ("campagne d'engagements", "/t/val-de-drome/engagements/biovallee-a-pied/"),
    ("agenda", "/t/val-de-drome/agenda/"),
    ("commun de ressources", "/commun/"),
    ("annuaire du réseau", "/t/val-de-drome/reseau/"),
    ("comparaison des territoires", "/comparaisons/"),
    ("données ouvertes", "/donnees-ouvertes/"),
    ("widget d'engagement", "/widget/val-de-drome/biovallee-a-pied/"),
]
MINIMAL = "/bench/minimal/"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wrk(url: str, seconds: int) -> float:
    done = subprocess.run(  # noqa: S603
        ["wrk", "-t2", "-c8", f"-d{seconds}s", url],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    if errors:
        raise SystemExit(f"{url} : {errors.group(1)} réponses en erreur\n{done.stdout}")
    return float(found.group(1)) if found else 0.0


def _wait(base: str, process: subprocess.Popen[bytes]) -> None:
    host, port = base.removeprefix("http://").split(":")
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit("gunicorn s'est arrêté")
        try:
            connection = http.client.HTTPConnection(host, int(port), timeout=2)
            connection.request("GET", MINIMAL)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("gunicorn ne répond pas")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk manque : sudo apt-get install wrk")
    benchkit.setup(args.database_url, False, ROOT / "var" / "bench" / "pages.sqlite3")
    from django.core.management import call_command
    from django.db import connection

    say(f"Base : {connection.vendor}")
    started = time.perf_counter()
    call_command("seed_demo", verbosity=0)
    say(f"Démo chargée en {time.perf_counter() - started:.1f} s")
    connection.close()

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
        "ELAN_DEBUG": "0",
        "ELAN_SECRET_KEY": secrets.token_urlsafe(50),
        "ELAN_ALLOWED_HOSTS": "127.0.0.1",
        "ELAN_LOG_LEVEL": "WARNING",
    }
    command = [
        *(sys.executable, "-m", "gunicorn", "elan.wsgi"),
        *("--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT), "-w", "2"),
        *("--log-level", "warning"),
    ]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=log)  # noqa: S603
        try:
            _wait(base, process)
            rows = []
            for label, path in PAGES:
                _wrk(base + path, 1)  # warm the caches and the workers
                pairs = []
                for _ in range(2):  # A B A B
                    page = _wrk(base + path, args.seconds)
                    minimal = _wrk(base + MINIMAL, args.seconds)
                    pairs.append((page, minimal))
                page_rps = statistics.median(p for p, _m in pairs)
                minimal_rps = statistics.median(m for _p, m in pairs)
                ratio = statistics.median(p / m for p, m in pairs if m)
                rows.append([label, path, f"{page_rps:.0f}", f"{minimal_rps:.0f}", f"{ratio:.1%}"])
                say(
                    f"  {label} : {page_rps:.0f} req/s, vue minimale {minimal_rps:.0f}, {ratio:.1%}"
                )
        finally:
            stop(process)
    say("")
    table(["Page", "Adresse", "req/s", "vue minimale req/s", "rapport"], rows)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
