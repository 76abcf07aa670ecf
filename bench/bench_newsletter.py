"""Benchmark of the network's newsletter: a letter to 10,000 contacts, from
the organiser's decision to the last message, through a real Celery worker
and a local SMTP sink.

Run: .venv/bin/python bench/bench_newsletter.py [--contacts 10000] [--unsubscribed 500]
         [--late-unsubscribed 100] [--without-email 200] [--shared-address 200]
         [--concurrency 2] [--redis-url redis://127.0.0.1:6379/14] [--rate-limit 200/s]
         [--timeout 400] [--database-url URL]

Everything stays on 127.0.0.1 and reuses the machinery of bench_mail.py (the
aiosmtpd sink, the worker on a queue of its own, a Redis database number of
its own, flushed first; a fresh SQLite file var/bench/newsletter.sqlite3
unless --database-url). The data: a territory with --contacts contacts with
an address spread over actors (5 each), plus --without-email contacts
without one and --shared-address contacts whose address another contact
already has. Then:

- --unsubscribed addresses unsubscribe before the letter (half from the
  letter, half from every list);
- the organiser's list is computed (`newsletters.recipients`, the page's
  preview), then the sending decided (`newsletter_send`): after its commit
  the task `send_newsletter` queues the messages in the worker, which hands
  over one delivery task per message;
- the decision's task is handed to the broker a second time (a lost-task
  recovery, an organiser's « relancer »), and 1,000 deliveries too;
- --late-unsubscribed of the last recipients unsubscribe in one click while
  the letter is going out.

It prints the time of each step, the delivery rate (messages received by
the sink per second, from the decision's commit to the last one; target
≥ 100/s), duplicates (same Message-ID or recipient twice; must be 0),
messages received by unsubscribed addresses (must be 0) and the letter's
figures as its page shows them. Figures, no assertion. Bounded by --timeout.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_mail import (  # noqa: E402
    Sink,
    celery_worker,
    describe_machine,
    environment,
    smtp_sink,
    worker_ready,
)

DEFAULT_DATABASE = ROOT / "var" / "bench" / "newsletter.sqlite3"
TERRITORY = "banc-lettre-reseau"
PER_ACTOR = 5


def address(n: int) -> str:
    return f"contact{n:05d}@banc-reseau.example.org"


def build_network(args: argparse.Namespace) -> Any:
    """The territory, its actors and contacts, in bulk."""
    from django.db import transaction

    from network.identifiers import normalise_actor_name
    from network.models import Actor, ActorKind, Contact
    from territories.models import Region, Territory, TerritoryKind

    region, _ = Region.objects.get_or_create(code="84", defaults={"name": "Auvergne-Rhône-Alpes"})
    territory, _ = Territory.objects.get_or_create(
        slug=TERRITORY,
        defaults={"name": "Banc d'essai — réseau", "kind": TerritoryKind.EPCI, "region": region},
    )
    kinds = [ActorKind.ASSOCIATION, ActorKind.COMMUNE, ActorKind.COMPANY, ActorKind.SCHOOL]
    count = -(-args.contacts // PER_ACTOR)
    with transaction.atomic():
        Actor.objects.bulk_create(
            [
                Actor(
                    territory=territory,
                    name=f"Acteur du banc {i:05d}",
                    normalised_name=normalise_actor_name(f"Acteur du banc {i:05d}"),
                    kind=kinds[i % len(kinds)],
                )
                for i in range(count)
            ],
            batch_size=500,
        )
        actors = list(Actor.objects.filter(territory=territory).order_by("pk"))
        contacts = [
            Contact(
                actor=actors[n // PER_ACTOR],
                first_name="Camille",
                last_name=f"N° {n}",
                email=address(n),
            )
            for n in range(args.contacts)
        ]
        contacts += [
            Contact(actor=actors[n % count], first_name="Sans", last_name=f"adresse {n}", email="")
            for n in range(args.without_email)
        ]
        # Another actor's contact with an address already in the list.
        contacts += [
            Contact(
                actor=actors[(n // PER_ACTOR + 1) % count],
                first_name="Double",
                last_name=f"{n}",
                email=address(n).upper(),
            )
            for n in range(args.shared_address)
        ]
        Contact.objects.bulk_create(contacts, batch_size=500)
    return territory


def run(args: argparse.Namespace, sink: Sink) -> None:
    from django.db import transaction

    from accounts import mail
    from accounts.models import EmailStatus, OutgoingEmail, SuppressionSource, User
    from network import newsletters
    from network.models import NewsletterStatus
    from network.segments import Segment

    step = time.perf_counter()
    territory = build_network(args)
    print(
        f"Réseau : {args.contacts} contacts avec adresse, {args.without_email} sans, "
        f"{args.shared_address} partageant une adresse : {time.perf_counter() - step:.1f} s"
    )
    scope = newsletters.newsletter_scope(territory)
    chooser = random.Random(2026)
    addresses = [address(n) for n in range(args.contacts)]
    late = set(addresses[len(addresses) - args.late_unsubscribed :])
    early = sorted(chooser.sample(addresses[: len(addresses) - len(late)], args.unsubscribed))
    step = time.perf_counter()
    for n, person in enumerate(early):
        source = SuppressionSource.LINK if n % 2 else SuppressionSource.ONE_CLICK
        mail.unsubscribe(email=person, scope=scope if n % 2 else mail.ALL, source=source)
    print(f"{len(early)} désabonnements avant l'envoi : {time.perf_counter() - step:.1f} s")

    organiser, _ = User.objects.get_or_create(email="animatrice@banc.example.org")
    letter = newsletters.newsletter_create(
        territory=territory,
        data={
            "subject": "La lettre du réseau — banc d'essai",
            "body": "## Au programme\n\nLe **Repair café** rouvre samedi.\n\n- un\n- deux\n",
            "in_archive": True,
        },
        user=organiser,
    )
    step = time.perf_counter()
    found = newsletters.recipients(territory, Segment())
    print(
        f"Liste exacte (aperçu) : {len(found.recipients)} destinataires, "
        f"{len(found.unsubscribed)} désabonnés, {len(found.without_email)} sans adresse, "
        f"{found.duplicates} adresses en double : {time.perf_counter() - step:.1f} s"
    )
    step = time.perf_counter()
    with transaction.atomic():
        newsletters.newsletter_send(
            newsletter=letter, segment=Segment(), user=organiser, fingerprint=found.fingerprint
        )
    decided = time.monotonic()  # the task left in the commit hook
    print(f"Décision d'envoi (la tâche part après le commit) : {time.perf_counter() - step:.2f} s")
    newsletters.hand_over(letter.pk)
    print("Tâche de la lettre remise une seconde fois au broker")

    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        letter.refresh_from_db()
        if letter.status == NewsletterStatus.SENT:
            break
        time.sleep(0.2)
    print(
        f"Messages mis en file par le worker : {time.monotonic() - decided:.1f} s après le commit"
    )
    for person in sorted(late):
        mail.unsubscribe(email=person, scope=scope, source=SuppressionSource.ONE_CLICK)
    print(f"{len(late)} désabonnements en un clic pendant l'envoi (les derniers de la liste)")
    rows = list(
        OutgoingEmail.objects.for_reference(newsletters.reference(letter)).values_list(
            "pk", "stream"
        )
    )
    print(
        f"{mail.dispatch(chooser.sample(rows, min(1000, len(rows))))} remises en double au broker"
    )

    expected = len(found.recipients) - len(late)
    last_report = time.monotonic()
    while time.monotonic() < deadline:
        busy = OutgoingEmail.objects.filter(
            reference=newsletters.reference(letter),
            status__in=[EmailStatus.QUEUED, EmailStatus.SENDING],
        ).count()
        if sink.count() >= expected and busy == 0:
            break
        if time.monotonic() - last_report > 10:
            print(f"  … {sink.count()} reçus, {busy} en attente")
            last_report = time.monotonic()
        time.sleep(0.5)
    else:
        print(f"!!! Délai de {args.timeout} s dépassé.")
    time.sleep(2)  # a duplicate would arrive now
    report(sink, decided=decided, expected=expected, early=set(early), late=late, letter=letter)


def report(
    sink: Sink, *, decided: float, expected: int, early: set[str], late: set[str], letter: Any
) -> None:
    from network import newsletters

    with sink.lock:
        received = list(sink.received)
    by_id = Counter(message_id for _rcpt, message_id, _at in received)
    by_rcpt = Counter(rcpt for rcpt, _id, _at in received)
    seconds = (max(at for *_rest, at in received) - decided) if received else 0.0
    rate = len(received) / seconds if seconds else 0.0
    letter.refresh_from_db()
    figures = newsletters.figures(letter)
    print("\nRésultats")
    print(
        f"  débit : {rate:.0f} e-mails/s ({len(received)} en {seconds:.1f} s depuis la décision ; objectif ≥ 100/s)"
    )
    print(f"  reçus par le puits SMTP : {len(received)} (attendus : {expected})")
    print(
        f"  doublons : {sum(n - 1 for n in by_id.values() if n > 1)} par Message-ID, "
        f"{sum(n - 1 for n in by_rcpt.values() if n > 1)} par destinataire (objectif 0)"
    )
    print(
        f"  reçus par des désabonnés : {sum(by_rcpt[a] for a in early)} désabonnés avant, "
        f"{sum(by_rcpt[a] for a in late)} pendant l'envoi (objectif 0)"
    )
    print(
        f"  la lettre : {letter.recipients_count} destinataires, {figures.sent} envoyés, "
        f"{figures.failed} en échec, {figures.waiting} en attente, "
        f"{figures.suppressed} non envoyés (désabonnés pendant l'envoi), "
        f"{letter.skipped_unsubscribed} écartés car désabonnés, "
        f"{letter.skipped_no_email} sans adresse, {figures.unsubscribed} désabonnés depuis"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--unsubscribed", type=int, default=500)
    parser.add_argument("--late-unsubscribed", type=int, default=100)
    parser.add_argument("--without-email", type=int, default=200)
    parser.add_argument("--shared-address", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--rate-limit", default="200/s", help="ELAN_EMAIL_BULK_RATE_LIMIT")
    parser.add_argument("--timeout", type=float, default=400.0)
    parser.add_argument("--database-url", default=os.environ.get("ELAN_DATABASE_URL", ""))
    args = parser.parse_args(argv)
    if "127.0.0.1" not in args.redis_url and "localhost" not in args.redis_url:
        raise SystemExit("Le banc reste sur la boucle locale : --redis-url doit viser 127.0.0.1.")

    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    started = time.perf_counter()
    if not args.database_url:
        DEFAULT_DATABASE.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DEFAULT_DATABASE}{suffix}").unlink(missing_ok=True)
    database_url = args.database_url or f"sqlite:///{DEFAULT_DATABASE}"
    queue = f"banc-lettre-{os.getpid()}"
    with smtp_sink() as (sink, port):
        os.environ.update(
            environment(
                database_url=database_url,
                redis_url=args.redis_url,
                smtp_port=port,
                queue=queue,
                rate=args.rate_limit,
            )
        )
        import django

        django.setup()
        from django.core.management import call_command

        print("Banc d'essai : une lettre d'information du réseau, un worker Celery réel")
        describe_machine(database_url.split("@")[-1])
        print(
            f"Worker : celery prefork × {args.concurrency}, Redis {args.redis_url}, "
            f"limite des envois de masse {args.rate_limit or 'aucune'} ; "
            f"puits SMTP aiosmtpd 127.0.0.1:{port}\n"
        )
        step = time.perf_counter()
        call_command("migrate", verbosity=0, skip_checks=True)
        print(f"migrate : {time.perf_counter() - step:.1f} s")
        with celery_worker(concurrency=args.concurrency, queue=queue):
            worker_ready(args.redis_url)
            run(args, sink)
    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\nDurée totale : {time.perf_counter() - started:.0f} s (charge moyenne {load_average})")


if __name__ == "__main__":
    main()
