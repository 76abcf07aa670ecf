"""Benchmark of a challenge's final report: the PDF of a closed challenge of
40 and 400 households (target < 10 s for 400), its web page, and the share of
the time spent in WeasyPrint.

Run:
    .venv/bin/python bench/bench_reports.py                 # SQLite, var/bench/reports.sqlite3
    .venv/bin/python bench/bench_reports.py --sizes 40,400,4000
    .venv/bin/python bench/bench_reports.py \\
        --database-url postgres://postgres@127.0.0.1:5432/elan_bench_reports

Each challenge is built by bench_results' builder (a gas, an electricity and a
water meter per household read every 15 days over the reference and the
challenge, daily degree days), with one team per 8 households, three workshops
with a photo each and three testimonies chosen. Results are computed once
(the report reads the stored snapshot, as a page would); then the generation
runs as the Celery task does (`reports.services.generate`), ELAN_DEBUG=0.
A benchmark, not a test: figures only.
"""

from __future__ import annotations

import argparse
import io
import time

import benchkit
from benchkit import ROOT, say, table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="40,400")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    import os
    import tempfile

    os.environ.setdefault("ELAN_MEDIA_ROOT", tempfile.mkdtemp(prefix="elan-bench-reports-"))
    benchkit.setup(args.database_url, args.reuse, ROOT / "var" / "bench" / "reports.sqlite3")

    import bench_results
    from django.test import Client
    from pypdf import PdfReader

    from elan import pdf
    from measures.results import challenge_results
    from reports import services
    from reports.models import Audience, ReportStatus
    from tests.factories import MembershipFactory, UserFactory

    if not pdf.available():
        raise SystemExit("WeasyPrint ne trouve pas Pango : make pdf-deps, puis relancez.")
    _zone, commune, territory = bench_results._world()
    organiser = UserFactory()
    MembershipFactory(user=organiser, territory=territory)
    client = Client()
    rows = []
    for n in [int(s) for s in args.sizes.split(",") if s.strip()]:
        started = time.perf_counter()
        challenge, readings = bench_results._build(n, _zone, commune, territory)
        _extras(challenge)
        say(
            f"\nN = {n} foyers, {readings:,} relevés : base construite en {time.perf_counter() - started:.1f} s"
        )
        payload, results_ms, _q = benchkit.timed(lambda c=challenge: challenge_results(c))
        energy = payload["energy"]
        say(
            f"  résultats calculés et stockés : {results_ms:.0f} ms "
            f"({energy['households_complete']} foyers complets, {energy['savings_pct']} % d'énergie)"
        )
        url = f"/t/{territory.slug}/defis/{challenge.slug}/bilan/"
        client.get(url)  # templates compiled, snapshot read once
        response, page_ms, page_queries = benchkit.timed(lambda u=url: client.get(u))
        assert response.status_code == 200, response.status_code
        report = services.request_report(
            challenge=challenge, audience=Audience.PUBLIC, user=organiser, host="testserver"
        )
        # Without a broker the task ran at once (no transaction here): time it again cleanly.
        report.refresh_from_db()
        started = time.perf_counter()
        report.status = ReportStatus.PENDING
        report.save(update_fields=["status"])
        done = services.generate(report.pk)
        total = time.perf_counter() - started
        assert done is not None
        assert done.status == ReportStatus.DONE, done.error
        pages = len(PdfReader(io.BytesIO(done.pdf.read())).pages)
        rows.append(
            [
                n,
                challenge.teams.count(),
                f"{page_ms:.0f} ms / {page_queries} req.",
                pages,
                f"{done.pdf_size / 1024:.0f} Kio",
                f"{total:.2f} s",
                "oui" if total < 10 else "non",
            ]
        )
    say("")
    table(
        ["foyers", "équipes", "page du bilan", "pages PDF", "taille", "PDF (tâche)", "< 10 s"], rows
    )


def _extras(challenge) -> None:  # type: ignore[no-untyped-def]
    """Workshops with a photo, testimonies chosen, as a real report has."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from events.models import EventPhoto
    from reports.content import selection_of
    from reports.models import Testimony
    from tests.events.factories import EventFactory, png_bytes

    selection = selection_of(challenge)
    for index in range(3):
        event = EventFactory(
            territory=challenge.territory,
            challenge=challenge,
            title=f"Atelier {index + 1}",
            starts_at=timezone.now() - dt.timedelta(days=200 - 20 * index),
        )
        photo = EventPhoto.objects.create(
            event=event,
            image=SimpleUploadedFile("atelier.png", png_bytes((640, 400)), "image/png"),
            alt_text="Des participants à l'atelier",
        )
        selection.photos.add(photo)
        Testimony.objects.create(
            challenge=challenge,
            text="Nous avons appris à lire nos compteurs et à traquer les veilles. " * 3,
            signature=f"Foyer {index + 1}",
            consent_at=timezone.now(),
            consent_source="banc d'essai",
            selected=True,
        )


if __name__ == "__main__":
    main()
