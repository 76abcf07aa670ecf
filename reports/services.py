"""Generating a final report's PDF: once per data version and audience.

`request_report` finds or creates the Report of the current data key; a
second request while one runs joins it (the unique constraint settles two
requests at the same instant). The Celery task `generate_report` renders the
report's own template through the one PDF path (`elan.pdf`), saving its
progress at each step so that the page can poll it.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.mail import BROKER_ERRORS
from challenges.models import Challenge
from elan import pdf
from reports.content import data_key, payload_of, report_context, selection_of
from reports.models import Audience, Report, ReportStatus

logger = logging.getLogger(__name__)
TEMPLATE = "reports/report.html"
STYLESHEETS = ("css/reports.css",)
# A generation that has not finished after this long is taken for dead
# (a worker stopped mid-way): the next request starts it again.
STALE_AFTER = dt.timedelta(minutes=10)


def current_key(challenge: Challenge) -> str:
    return data_key(challenge, payload_of(challenge, public=True), selection_of(challenge).version)


def latest_report(challenge: Challenge, audience: str) -> Report | None:
    return Report.objects.filter(challenge=challenge, audience=audience).first()


def request_report(*, challenge: Challenge, audience: str, user: Any, host: str) -> Report:
    """The report of the current data for `audience`: the one already made or
    under way, or a new one whose generation is queued after commit."""
    key = current_key(challenge)
    requested_by = user if getattr(user, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            report, created = Report.objects.get_or_create(
                challenge=challenge,
                audience=audience,
                data_key=key,
                defaults={"requested_by": requested_by, "host": host},
            )
    except IntegrityError:  # the same request, an instant earlier
        report, created = (
            Report.objects.get(challenge=challenge, audience=audience, data_key=key),
            False,
        )
    stale = (
        report.is_active
        and not created
        and report.requested_at < timezone.now() - STALE_AFTER
        and (report.started_at is None or report.started_at < timezone.now() - STALE_AFTER)
    )
    if report.status == ReportStatus.FAILED or stale:
        Report.objects.filter(pk=report.pk).update(
            status=ReportStatus.PENDING,
            progress=0,
            step="",
            error="",
            requested_at=timezone.now(),
            requested_by=requested_by,
            host=host,
        )
        report.refresh_from_db()
        created = True
    if created:
        from reports.tasks import generate_report

        transaction.on_commit(lambda: _hand_over(generate_report, report.pk))
    return report


def _hand_over(task: Any, report_id: int) -> None:
    """A broker down must not fail the request: the report stays « en attente »
    and asking for it again after STALE_AFTER queues it again."""
    try:
        task.delay(report_id)
    except BROKER_ERRORS as error:
        logger.warning(
            "Rapport %s : broker injoignable (%s), génération à relancer.", report_id, error
        )


def _progress(report: Report, percent: int, step: str, **fields: Any) -> None:
    Report.objects.filter(pk=report.pk).update(progress=percent, step=step, **fields)


def _request_for(report: Report) -> Any:
    host = report.host or next(
        (h for h in settings.ALLOWED_HOSTS if h and not h.startswith(("*", "."))), "localhost"
    )
    request = RequestFactory().get(
        report.challenge.get_absolute_url(), HTTP_HOST=host, secure=not settings.DEBUG
    )
    # The public version is rendered as a visitor sees it: aggregates only, and
    # the images a visitor may see. The organiser version as its requester.
    if report.audience == Audience.ORGANISER and report.requested_by is not None:
        request.user = report.requested_by
    else:
        request.user = AnonymousUser()
    return request


def filename(report: Report) -> str:
    suffix = "" if report.audience == Audience.PUBLIC else "-animation"
    return f"bilan-{slugify(report.challenge.title)}{suffix}.pdf"


def generate(report_id: int) -> Report | None:
    """Make the PDF of a pending report. Returns None when another worker
    took it first (a task delivered twice makes one PDF)."""
    started = timezone.now()
    taken = Report.objects.filter(pk=report_id, status=ReportStatus.PENDING).update(
        status=ReportStatus.RUNNING, started_at=started, progress=5, step=_("Démarrage")
    )
    if not taken:
        return None
    report = Report.objects.select_related("challenge__territory", "requested_by").get(pk=report_id)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            _progress(report, 15, _("Calcul des résultats"))
            context = report_context(report.challenge, report.audience)
            _progress(report, 45, _("Mise en page du PDF"))
            data = pdf.render_pdf(_request_for(report), TEMPLATE, context, stylesheets=STYLESHEETS)
            _progress(report, 90, _("Enregistrement du PDF"))
            if report.pdf:
                report.pdf.delete(save=False)
            report.pdf.save(filename(report), ContentFile(data), save=False)
            Report.objects.filter(pk=report.pk).update(
                pdf=report.pdf.name,
                pdf_size=len(data),
                status=ReportStatus.DONE,
                progress=100,
                step=_("Terminé"),
                finished_at=timezone.now(),
            )
        except pdf.PdfUnavailable as exc:
            logger.error("Bilan %s : PDF indisponible (%s)", report.pk, exc)
            _fail(report, _("La fabrication des PDF n'est pas disponible sur ce serveur."))
        except Exception as exc:  # the organiser sees a failure, never a stuck bar
            logger.exception("Bilan %s : échec", report.pk)
            _fail(report, _("Le PDF n'a pas pu être fabriqué (%(error)s).") % {"error": exc})
    report.refresh_from_db()
    return report


def _fail(report: Report, message: str) -> None:
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.FAILED, step=_("Échec"), error=message, finished_at=timezone.now()
    )
