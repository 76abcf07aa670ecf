"""The final report of a challenge: the web page (public and organiser
versions, from the same template as the PDF), the organiser's choices,
the PDF's generation with its progress, the permission-checked download,
and the participants' testimonies."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.db import transaction
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.audit import log_access
from accounts.models import User
from challenges.models import Challenge
from challenges.views import challenge_from_url
from elan.pagecache import public_page
from elan.tabular import table_response
from reports import services
from reports.content import key_figures, report_context, selection_of
from reports.forms import SelectionForm, TestimonyForm
from reports.models import Audience, Report, ReportSelection, Testimony
from territories.permissions import permission_required

VIEW_CHALLENGE = "challenges.view_challenge"
MANAGE = "reports.manage_report"
STYLESHEET = "css/reports.css"


def _report(slug: str, challenge: str, pk: int) -> Report:
    return get_object_or_404(
        Report.objects.select_related("challenge__territory"),
        challenge__territory__slug=slug,
        challenge__slug=challenge,
        pk=pk,
    )


def _page(request: HttpRequest, challenge: Challenge, audience: str) -> HttpResponse:
    context = report_context(challenge, audience)
    context["can_manage"] = request.user.has_perm(MANAGE, challenge)
    context["public_pdf"] = services.latest_report(challenge, Audience.PUBLIC)
    return TemplateResponse(request, services.TEMPLATE, context)


@public_page(
    depends=("territories", "challenges", "measures", "events", "questionnaires", "reports")
)
@require_GET
@permission_required("reports.view_public_report", challenge_from_url, visible=VIEW_CHALLENGE)
def public_report(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    return _page(request, challenge, Audience.PUBLIC)


@require_GET
@permission_required("reports.view_public_report", challenge_from_url, visible=VIEW_CHALLENGE)
def figures_csv(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    """The public report's key figures, as the page prints them."""
    rows = key_figures(report_context(challenge, Audience.PUBLIC))
    return table_response(
        f"bilan-{challenge.slug}-chiffres",
        [_("Indicateur"), _("Valeur"), _("Unité")],
        ([r["indicateur"], r["valeur"], r["unite"]] for r in rows),
    )


@require_GET
@permission_required(MANAGE, challenge_from_url, visible=VIEW_CHALLENGE)
def organiser_report(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    response = _page(request, challenge, Audience.ORGANISER)
    log_access(
        request,
        what=f"bilan, version de l'équipe d'animation (foyers exclus nommés) : « {challenge.title} »",
        territory=challenge.territory,
        people=len(getattr(response, "context_data", {}).get("excluded") or []),
    )
    return response


def _reports(challenge: Challenge) -> dict[str, Report | None]:
    return {audience: services.latest_report(challenge, audience) for audience in Audience.values}


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, challenge_from_url, visible=VIEW_CHALLENGE)
def prepare(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    selection = selection_of(challenge)
    form = SelectionForm(request.POST or None, instance=selection)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            chosen = form.cleaned_data["testimonies"]
            Testimony.objects.filter(challenge=challenge).update(selected=False)
            Testimony.objects.filter(challenge=challenge, pk__in=[t.pk for t in chosen]).update(
                selected=True
            )
            ReportSelection.objects.filter(pk=selection.pk).update(version=F("version") + 1)
        messages.success(
            request, _("Vos choix sont enregistrés : ils figureront dans le prochain PDF.")
        )
        return redirect(reverse("reports:prepare", args=[challenge.territory.slug, challenge.slug]))
    current = services.current_key(challenge)
    context = {
        "challenge": challenge,
        "territory": challenge.territory,
        "form": form,
        "reports": [
            _status_context(challenge, audience, report, current)
            for audience, report in _reports(challenge).items()
        ],
        "testimony_count": Testimony.objects.filter(challenge=challenge).count(),
    }
    return TemplateResponse(
        request, "reports/prepare.html", context, status=400 if form.errors else 200
    )


def _status_context(
    challenge: Challenge, audience: str, report: Report | None, current: str | None = None
) -> dict[str, Any]:
    return {
        "challenge": challenge,
        "territory": challenge.territory,
        "audience": audience,
        "audience_label": Audience(audience).label,
        "report": report,
        "outdated": report is not None and current is not None and report.data_key != current,
    }


@require_POST
@permission_required(MANAGE, challenge_from_url, visible=VIEW_CHALLENGE)
def generate(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    audience = request.POST.get("version", "")
    if audience not in Audience.values:
        messages.error(request, _("Choisissez la version du bilan à fabriquer."))
        return redirect(reverse("reports:prepare", args=[challenge.territory.slug, challenge.slug]))
    report = services.request_report(
        challenge=challenge, audience=audience, user=request.user, host=request.get_host()
    )
    if request.htmx:  # type: ignore[attr-defined]
        return _status_response(request, report, services.current_key(challenge))
    return redirect(reverse("reports:prepare", args=[challenge.territory.slug, challenge.slug]))


def _status_response(request: HttpRequest, report: Report, current: str | None) -> HttpResponse:
    report.refresh_from_db()
    context = _status_context(report.challenge, report.audience, report, current)
    return TemplateResponse(request, "reports/_status.html", context)


@require_GET
@permission_required(MANAGE, _report, visible="reports.download_report")
def status(request: HttpRequest, report: Report) -> HttpResponse:
    return _status_response(request, report, services.current_key(report.challenge))


@require_GET
@permission_required("reports.download_report", _report, visible="reports.download_report")
def download(request: HttpRequest, report: Report) -> HttpResponse:
    if not report.pdf:
        raise Http404
    try:
        handle = report.pdf.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=services.filename(report),
        content_type="application/pdf",
    )
    response["Cache-Control"] = (
        "private, no-store" if report.audience != Audience.PUBLIC else ("public, max-age=300")
    )
    return response  # type: ignore[return-value]


@require_http_methods(["GET", "POST"])
@permission_required("reports.give_testimony", challenge_from_url, visible=VIEW_CHALLENGE)
def testimony(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    author = cast(User, request.user)
    mine = Testimony.objects.filter(challenge=challenge, author=author)
    retirer = request.POST.get("retirer", "")
    if request.method == "POST" and retirer:
        withdrawn = mine.filter(pk=retirer).first() if retirer.isdigit() else None
        if withdrawn is not None:
            with transaction.atomic():
                if withdrawn.selected:
                    ReportSelection.objects.filter(challenge=challenge).update(
                        version=F("version") + 1
                    )
                withdrawn.delete()
            messages.success(request, _("Votre témoignage est retiré : il ne sera plus publié."))
        return redirect(
            reverse("reports:testimony", args=[challenge.territory.slug, challenge.slug])
        )
    form = TestimonyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        given = form.save(commit=False)
        given.challenge = challenge
        given.author = author
        given.consent_at = timezone.now()
        given.consent_source = _("formulaire en ligne du défi")
        given.save()
        messages.success(
            request,
            _(
                "Merci ! L'équipe d'animation choisira les témoignages qui figureront dans le bilan."
            ),
        )
        return redirect(
            reverse("reports:testimony", args=[challenge.territory.slug, challenge.slug])
        )
    context = {
        "challenge": challenge,
        "territory": challenge.territory,
        "form": form,
        "mine": list(mine),
    }
    return TemplateResponse(
        request, "reports/testimony.html", context, status=400 if form.errors else 200
    )


PREFIX = "t/<slug:slug>/defis/<slug:challenge>/bilan/"

urlpatterns: list[URLPattern] = [
    path(PREFIX, public_report, name="public"),
    path(PREFIX + "chiffres.csv", figures_csv, name="figures_csv"),
    path(PREFIX + "animation/", organiser_report, name="organiser"),
    path(PREFIX + "preparer/", prepare, name="prepare"),
    path(PREFIX + "fabriquer/", generate, name="generate"),
    path(PREFIX + "pdf/<int:pk>/etat/", status, name="status"),
    path(PREFIX + "pdf/<int:pk>/", download, name="download"),
    path(PREFIX + "temoigner/", testimony, name="testimony"),
]
