"""Every periodic job runs under `celery beat` as well as by cron: each beat
entry names a registered task, and each periodic management command has its
beat entry."""

from __future__ import annotations

from django.conf import settings

from elan.celery import app

# Management commands meant for cron, and the task each one runs.
PERIODIC_COMMANDS = {
    "send_queued_emails": "accounts.tasks.send_queued_emails",
    "send_reminders": "measures.tasks.send_due_reminders",
    "send_event_reminders": "events.tasks.send_event_reminders",
    "network_overdue_digest": "network.tasks.send_overdue_digest",
    "close_expired_campaigns": "pledges.tasks.close_expired_campaigns",
}


def test_every_beat_entry_names_a_registered_task() -> None:
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"{name}: {entry['task']} is not a Celery task"


def test_every_periodic_command_is_scheduled() -> None:
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    missing = {cmd: task for cmd, task in PERIODIC_COMMANDS.items() if task not in scheduled}
    assert not missing, f"commandes périodiques sans entrée beat : {missing}"
    assert "measures.tasks.precompute_running_results" in scheduled


def test_the_pledge_closing_task_expires_what_the_command_does(db) -> None:
    from pledges.tasks import close_expired_campaigns

    assert close_expired_campaigns() == 0
