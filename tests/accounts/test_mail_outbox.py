"""The outbox: one row per message, sent once, retried, recovered after a
broker outage (accounts/mail.py)."""

from __future__ import annotations

import datetime as dt
import smtplib
from io import StringIO
from unittest import mock

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts import mail, tasks
from accounts.models import EmailStatus, EmailStream, EmailSuppression, OutgoingEmail

pytestmark = pytest.mark.django_db


class FlakyBackend(LocmemBackend):
    """Refuses the next `failures` messages with `error`, then delivers."""

    failures = 0
    error: Exception = smtplib.SMTPServerDisconnected("Connexion perdue")

    def send_messages(self, messages):  # type: ignore[no-untyped-def]
        if FlakyBackend.failures:
            FlakyBackend.failures -= 1
            raise FlakyBackend.error
        return super().send_messages(messages)


@pytest.fixture
def flaky(settings):  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "tests.accounts.test_mail_outbox.FlakyBackend"
    FlakyBackend.failures = 0
    FlakyBackend.error = smtplib.SMTPServerDisconnected("Connexion perdue")
    yield FlakyBackend
    FlakyBackend.failures = 0


@pytest.fixture(autouse=True)
def _site(settings):  # type: ignore[no-untyped-def]
    settings.SITE_URL = "https://elan.example.org"


def queue(key: str = "reminder:test:1", to: str = "camille@example.org", **extra):  # type: ignore[no-untyped-def]
    fields = {
        "subject": "Rappel",
        "body": "Bonjour Camille",
        "stream": EmailStream.REMINDER,
        "unsubscribe_scope": "reminders:measures",
        **extra,
    }
    return mail.queue_email(key=key, to=to, **fields)


def test_the_same_key_queued_twice_is_one_row_and_one_message(
    mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = queue()
        second = queue(subject="Autre contenu")
    with django_capture_on_commit_callbacks(execute=True):
        queue()  # a later run of the same job
    assert first.pk == second.pk
    assert OutgoingEmail.objects.count() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Rappel"
    row = OutgoingEmail.objects.get()
    assert (row.status, row.attempts, row.recipient) == (EmailStatus.SENT, 1, "camille@example.org")
    assert row.sent_at is not None


def test_nothing_leaves_before_the_commit(mailoutbox, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue()
    assert mailoutbox == []
    assert len(callbacks) == 1
    assert OutgoingEmail.objects.get().status == EmailStatus.QUEUED


def test_a_task_delivered_twice_sends_once(mailoutbox) -> None:
    row = queue()
    assert tasks.deliver_email.apply(args=[row.pk]).get() == EmailStatus.SENT
    assert tasks.deliver_bulk_email.apply(args=[row.pk]).get() == EmailStatus.SENT
    assert len(mailoutbox) == 1
    assert OutgoingEmail.objects.get().attempts == 1


def test_queue_emails_costs_a_few_queries_not_one_per_message(
    django_assert_max_num_queries,
) -> None:
    def batch(prefix: str, n: int) -> list[mail.Email]:
        return [
            mail.Email(
                key=f"{prefix}:{i}",
                to=f"p{i}@example.org",
                subject="Lettre",
                body="…",
                stream=EmailStream.NEWSLETTER,
                unsubscribe_scope="newsletter:val-de-drome",
            )
            for i in range(n)
        ]

    with django_assert_max_num_queries(4):
        mail.queue_emails(batch("petit", 3))
    # Inserts go by batches (55 rows under SQLite's 999 parameters, 500 elsewhere).
    with django_assert_max_num_queries(10):
        rows = mail.queue_emails(batch("grand", 300))
    assert [row.key for row in rows] == [f"grand:{i}" for i in range(300)]
    assert OutgoingEmail.objects.count() == 303


def test_unsubscribe_headers_and_a_stable_message_id(
    mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        queue(to="Camille@Example.org")
    (message,) = mailoutbox
    token = mail.unsubscribe_token("camille@example.org", "reminders:measures")
    assert message.to == ["camille@example.org"]
    assert message.extra_headers["List-Unsubscribe"] == (
        f"<https://elan.example.org/desabonnement/{token}/>"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Message-ID"] == mail.message_id("reminder:test:1")
    assert message.message()["Message-ID"] == mail.message_id("reminder:test:1")


def test_transactional_mail_has_no_unsubscribe_link(
    mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        mail.queue_email(
            key="pledge-confirm:1:x",
            to="camille@example.org",
            subject="Confirmez",
            body="Lien",
            html="<p>Lien</p>",
            stream=EmailStream.TRANSACTIONAL,
        )
    (message,) = mailoutbox
    assert "List-Unsubscribe" not in message.extra_headers
    assert message.alternatives[0][1] == "text/html"


def test_an_address_unsubscribed_before_queuing_gets_a_suppressed_row(mailoutbox) -> None:
    mail.unsubscribe(email="camille@example.org", scope="reminders:measures", source="lien")
    row = queue()
    assert row.status == EmailStatus.SUPPRESSED
    assert mailoutbox == []


def test_suppression_is_checked_again_at_send_time(mailoutbox) -> None:
    row = queue()
    # Unsubscribed from every list while the message waited (and the queued
    # row slipped through, as if queued concurrently).
    EmailSuppression.objects.create(
        email_hash=mail.email_hash("camille@example.org"), scope=mail.ALL, source="un_clic"
    )
    assert mail.deliver(row.pk).status == EmailStatus.SUPPRESSED
    assert mailoutbox == []
    assert OutgoingEmail.objects.get().status == EmailStatus.SUPPRESSED


def test_another_list_does_not_suppress(mailoutbox) -> None:
    mail.unsubscribe(email="camille@example.org", scope="newsletter:val-de-drome", source="lien")
    row = queue()
    assert mail.deliver(row.pk).status == EmailStatus.SENT
    assert len(mailoutbox) == 1


def test_smtp_failures_are_retried_with_backoff_then_failed_with_the_error(
    flaky, mailoutbox
) -> None:
    flaky.failures = 99
    row = queue()
    now = timezone.now()
    delays = []
    for _attempt in range(5):
        outcome = mail.deliver(row.pk, now=now)
        assert outcome.status == EmailStatus.QUEUED
        delays.append(outcome.retry_in)
        row.refresh_from_db()
        assert row.send_after == now + dt.timedelta(seconds=outcome.retry_in or 0)
        assert mail.deliver(row.pk, now=now).status == EmailStatus.QUEUED  # too early: no try
        now = row.send_after
    assert delays == [60, 120, 240, 480, 960]
    assert mail.deliver(row.pk, now=now).status == EmailStatus.FAILED
    row.refresh_from_db()
    assert (row.status, row.attempts) == (EmailStatus.FAILED, 6)
    assert row.last_error == "SMTPServerDisconnected: Connexion perdue"
    assert mailoutbox == []


def test_a_retry_that_succeeds_sends_once(flaky, mailoutbox) -> None:
    flaky.failures = 1
    row = queue()
    first = mail.deliver(row.pk)
    assert first.retry_in == 60
    later = timezone.now() + dt.timedelta(seconds=61)
    assert mail.deliver(row.pk, now=later).status == EmailStatus.SENT
    assert mail.deliver(row.pk, now=later).status == EmailStatus.SENT
    assert len(mailoutbox) == 1
    row.refresh_from_db()
    assert (row.attempts, row.last_error) == (2, "")


def test_an_unknown_mailbox_fails_at_once(flaky, mailoutbox) -> None:
    flaky.failures = 1
    flaky.error = smtplib.SMTPRecipientsRefused(
        {"camille@example.org": (550, b"5.1.1 Mailbox unknown")}
    )
    row = queue()
    assert mail.deliver(row.pk).status == EmailStatus.FAILED
    assert "550" in OutgoingEmail.objects.get().last_error


def test_the_worker_task_schedules_the_retry_with_its_backoff(flaky) -> None:
    flaky.failures = 1
    row = queue()
    with mock.patch.object(mail, "dispatch") as dispatch:
        # Called directly, the task runs as on a worker (not eagerly).
        assert tasks.deliver_bulk_email(row.pk) == EmailStatus.QUEUED
    dispatch.assert_called_once_with([(row.pk, EmailStream.REMINDER)], countdown=60)


@pytest.fixture
def with_broker(monkeypatch):  # type: ignore[no-untyped-def]
    """Tasks go to a broker (here: one that refuses them), not in process."""
    monkeypatch.setattr(mail, "_broker_down_until", 0.0)
    conf = tasks.deliver_email.app.conf
    previous = conf.task_always_eager
    conf.task_always_eager = False
    yield conf
    conf.task_always_eager = previous


def test_broker_down_keeps_the_row_queued_and_the_command_sends_it_once(
    mailoutbox, django_capture_on_commit_callbacks, with_broker
) -> None:
    refused = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with (
        mock.patch.object(tasks.deliver_bulk_email, "apply_async", side_effect=refused) as sent,
        django_capture_on_commit_callbacks(execute=True),
    ):
        queue()
        queue(key="reminder:test:2", to="dominique@example.org")
    # The first refusal stops the fan-out: the second is not even tried.
    assert sent.call_count == 1
    assert set(OutgoingEmail.objects.values_list("status", "dispatched_at")) == {
        (EmailStatus.QUEUED, None)
    }
    with_broker.task_always_eager = True  # the broker is back (and runs in process)
    out = StringIO()
    call_command("send_queued_emails", stdout=out)
    assert out.getvalue().strip() == "E-mails remis en file : 0."  # not a minute late yet
    OutgoingEmail.objects.update(send_after=timezone.now() - dt.timedelta(seconds=61))
    call_command("send_queued_emails", stdout=out)
    call_command("send_queued_emails", stdout=out)
    assert sorted(m.to[0] for m in mailoutbox) == ["camille@example.org", "dominique@example.org"]
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {EmailStatus.SENT}


def test_the_periodic_job_leaves_alone_what_the_broker_holds(mailoutbox) -> None:
    row = queue()
    late = timezone.now() - dt.timedelta(minutes=5)
    OutgoingEmail.objects.filter(pk=row.pk).update(send_after=late, dispatched_at=late)
    assert tasks.send_queued_emails.apply().get() == 0
    OutgoingEmail.objects.filter(pk=row.pk).update(
        dispatched_at=timezone.now() - mail.LEASE - dt.timedelta(seconds=1)
    )
    assert tasks.send_queued_emails.apply().get() == 1
    assert len(mailoutbox) == 1


def test_the_command_can_send_in_process(mailoutbox) -> None:
    queue()
    OutgoingEmail.objects.update(send_after=timezone.now() - dt.timedelta(minutes=2))
    out = StringIO()
    call_command("send_queued_emails", "--in-process", stdout=out)
    assert out.getvalue().strip() == "E-mails envoyés : 1."
    assert len(mailoutbox) == 1


def test_a_message_left_sending_by_a_crash_is_never_resent_on_its_own(
    mailoutbox, django_capture_on_commit_callbacks
) -> None:
    row = queue()
    crash = timezone.now() - dt.timedelta(hours=1)
    OutgoingEmail.objects.filter(pk=row.pk).update(
        status=EmailStatus.SENDING, claimed_at=crash, send_after=crash, attempts=1
    )
    assert mail.dispatch_due() == 0
    assert mail.deliver(row.pk).status == EmailStatus.SENDING
    assert list(OutgoingEmail.objects.stuck(now=timezone.now(), after=mail.STUCK_AFTER)) == [row]
    with django_capture_on_commit_callbacks(execute=True):
        assert mail.requeue(ids=[row.pk]) == 1  # a person decided
    assert len(mailoutbox) == 1


def test_tallies_per_reference_for_the_list_figures() -> None:
    mail.unsubscribe(email="parti@example.org", scope="newsletter:val-de-drome", source="lien")
    for n, address in enumerate(["a@example.org", "b@example.org", "parti@example.org"]):
        queue(
            key=f"newsletter:7:{n}",
            to=address,
            stream=EmailStream.NEWSLETTER,
            unsubscribe_scope="newsletter:val-de-drome",
            reference="newsletter:7",
        )
    queue(key="newsletter:8:0", reference="newsletter:8")
    sent = OutgoingEmail.objects.get(key="newsletter:7:0")
    mail.deliver(sent.pk)
    assert OutgoingEmail.objects.for_reference("newsletter:7").tally() == {
        EmailStatus.QUEUED: 1,
        EmailStatus.SENDING: 0,
        EmailStatus.SENT: 1,
        EmailStatus.FAILED: 0,
        EmailStatus.SUPPRESSED: 1,
    }
    tallies = OutgoingEmail.objects.tally_by_reference()
    assert tallies["newsletter:8"][EmailStatus.QUEUED] == 1
    assert tallies["newsletter:7"][EmailStatus.SUPPRESSED] == 1


def test_bad_calls_are_refused() -> None:
    with pytest.raises(ValueError, match="Type d'envoi"):
        queue(stream="pigeon")
    with pytest.raises(ValueError, match="invalide"):
        queue(to="")
    with pytest.raises(ValueError, match="trop longue"):
        queue(key="x" * 201)
