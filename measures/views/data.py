"""Organisers' import (dry run, then confirmation) and CSV export of a
challenge's readings and weighings. The uploaded file is kept under
MEDIA_ROOT/imports/ between the dry run and the import, referenced in the
session, so the organiser never uploads it twice."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts.audit import log_access
from challenges.models import Challenge, Theme
from challenges.views import challenge_from_url
from elan.tabular.forms import TableFileField
from elan.tabular.pending import PendingUploads
from measures import imports
from measures.imports import DataKind, ImportRejected, ImportReport
from measures.models import WasteFlow
from territories.permissions import permission_required

VIEW = "challenges.view_challenge"
IMPORT = "measures.import_data"
EXPORT = "measures.export_data"
SESSION_KEY = "measures_imports"


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Données"),
        choices=[
            (DataKind.READINGS.value, gettext_lazy("Relevés de compteurs")),
            (DataKind.WEIGHINGS.value, gettext_lazy("Pesées de déchets")),
        ],
        widget=forms.RadioSelect,
    )
    file = TableFileField()


def _kinds(challenge: Challenge) -> list[str]:
    kinds = []
    if {Theme.ENERGY, Theme.WATER} & set(challenge.themes):
        kinds.append(DataKind.READINGS.value)
    if Theme.WASTE in challenge.themes:
        kinds.append(DataKind.WEIGHINGS.value)
    return kinds


UPLOADS = PendingUploads(SESSION_KEY)


def _render(
    request: HttpRequest,
    challenge: Challenge,
    form: ImportForm,
    *,
    report: ImportReport | None = None,
    token: str = "",
    filename: str = "",
    status: int = 200,
) -> TemplateResponse:
    return TemplateResponse(
        request,
        "measures/data/import.html",
        {
            "challenge": challenge,
            "territory": challenge.territory,
            "form": form,
            "report": report,
            "token": token,
            "filename": filename,
            "kinds": _kinds(challenge),
            "flows": WasteFlow.choices,
            "reading_columns": imports.READING_COLUMNS,
            "weighing_columns": imports.WEIGHING_COLUMNS,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@permission_required(IMPORT, challenge_from_url, visible=VIEW)
def data_import(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    initial = {"kind": (_kinds(challenge) or [DataKind.READINGS.value])[0]}
    if request.method == "POST" and request.POST.get("token"):
        return _confirm(request, challenge, request.POST["token"])
    if request.method != "POST":
        return _render(request, challenge, ImportForm(initial=initial))
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, challenge, form, status=400)
    upload = form.cleaned_data["file"]
    data = upload.read()
    kind = DataKind(form.cleaned_data["kind"])
    report = imports.import_preview(challenge=challenge, kind=kind, data=data, filename=upload.name)
    if not report.ok:
        # Nothing to keep: the organiser corrects the file and sends it again.
        return _render(request, challenge, form, report=report, filename=upload.name, status=400)
    token = UPLOADS.keep(request, data, name=upload.name, challenge=challenge.pk, kind=kind.value)
    return _render(
        request,
        challenge,
        ImportForm(initial={"kind": kind.value}),
        report=report,
        token=token,
        filename=upload.name,
    )


def _confirm(request: HttpRequest, challenge: Challenge, token: str) -> HttpResponse:
    entry = UPLOADS.get(request, token, challenge=challenge.pk)
    form = ImportForm(initial={"kind": (_kinds(challenge) or [DataKind.READINGS.value])[0]})
    if entry is None:
        messages.error(
            request,
            _(
                "Ce fichier n'est plus disponible (import déjà fait ou trop ancien) : envoyez-le à nouveau."
            ),
        )
        return _render(request, challenge, form, status=400)
    user = request.user if request.user.is_authenticated else None
    try:
        report = imports.data_import(
            challenge=challenge,
            kind=entry.meta["kind"],
            data=entry.data,
            filename=entry.name,
            user=user,  # type: ignore[arg-type]
        )
    except ImportRejected as rejected:
        # The data changed since the dry run: show why, keep the file.
        return _render(
            request,
            challenge,
            form,
            report=rejected.report,
            filename=entry.name,
            status=400,
        )
    UPLOADS.forget(request, token)
    present = report.present_count
    messages.success(
        request,
        ngettext(
            "%(count)s ligne importée",
            "%(count)s lignes importées",
            report.created,
        )
        % {"count": report.created}
        + (
            ngettext(
                " ; %(count)s déjà présente, ignorée.",
                " ; %(count)s déjà présentes, ignorées.",
                present,
            )
            % {"count": present}
            if present
            else "."
        )
        + (
            ngettext(
                " Coefficient de conversion enregistré pour %(count)s compteur.",
                " Coefficient de conversion enregistré pour %(count)s compteurs.",
                len(report.coefficients),
            )
            % {"count": len(report.coefficients)}
            if report.coefficients
            else ""
        ),
    )
    return redirect(reverse("measures:import", args=[challenge.territory.slug, challenge.slug]))


@require_GET
@permission_required(EXPORT, challenge_from_url, visible=VIEW)
def data_export(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    try:
        kind = DataKind(request.GET.get("type", DataKind.READINGS.value))
    except ValueError:
        kind = DataKind.READINGS
    text = imports.data_export(challenge=challenge, kind=kind)
    log_access(
        request,
        what=f"{'relevés' if kind == DataKind.READINGS else 'pesées'} des foyers du défi « {challenge.title} »",
        territory=challenge.territory,
        people=challenge.registrations.count(),
        export=True,
    )
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    filename = f"{challenge.slug}-{kind.value}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


urlpatterns: list[URLPattern] = [
    path(
        "t/<slug:slug>/defis/<slug:challenge>/donnees/import/",
        data_import,
        name="import",
    ),
    path(
        "t/<slug:slug>/defis/<slug:challenge>/donnees/export.csv",
        data_export,
        name="export",
    ),
]
