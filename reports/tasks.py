"""The final report's PDF, made by a Celery worker (at once, in the request,
when no broker is configured)."""

from __future__ import annotations

from celery import shared_task

from reports import services


@shared_task(acks_late=True)
def generate_report(report_id: int) -> None:
    services.generate(report_id)
