"""The organiser imports the spreadsheet of the network (dry run with the
column mapping, every row and its errors, a choice per duplicate, then
every row or nothing) and exports the directory in the same columns."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts.audit import log_access
from elan.tabular import FileError, ImportRejected, column_key, read_table, table_response
from elan.tabular.forms import TableFileField
from elan.tabular.pending import PendingUploads
from elan.tabular.write import Format
from network import importing
from network.models import Contact
from network.views import PREFIX, territory_from_url, user_of
from territories.models import Territory
from territories.permissions import permission_required

VIEW_TERRITORY = "territories.view_territory"
MANAGE = "network.manage"
UPLOADS = PendingUploads("network_imports")
FORMATS = {"csv": "CSV", "xlsx": "Excel (XLSX)", "ods": "LibreOffice (ODS)"}


class UploadForm(forms.Form):
    file = TableFileField()


def _headers(data: bytes, filename: str) -> list[str]:
    try:
        return read_table(data, filename).headers
    except FileError:
        return []


def _guessed(headers: list[str]) -> dict[int, str]:
    names = {name: f.key for f in importing.SCHEMA.fields for name in f.names}
    found: dict[int, str] = {}
    for index, header in enumerate(headers):
        key = names.get(column_key(header), "")
        if key and key not in found.values():
            found[index] = key
    return found


def _mapping_from(request: HttpRequest, headers: list[str]) -> dict[int, str] | str:
    """The columns the organiser chose (index → field, "" to ignore), or
    the French message saying what is wrong with the choice."""
    keys = {f.key for f in importing.SCHEMA.fields}
    chosen: dict[int, str] = {}
    for index in range(len(headers)):
        key = request.POST.get(f"colonne-{index}", "")
        if key and key not in keys:
            return _("Champ inconnu pour la colonne « %(name)s ».") % {"name": headers[index][:60]}
        chosen[index] = key
    return chosen


def _decisions(request: HttpRequest) -> dict[int, str]:
    found: dict[int, str] = {}
    for name, value in request.POST.items():
        if (
            name.startswith("doublon-")
            and name[8:].isdigit()
            and value
            in (
                importing.MERGE,
                importing.SKIP,
            )
        ):
            found[int(name[8:])] = value
    return found


def _render(
    request: HttpRequest,
    territory: Territory,
    *,
    form: UploadForm | None = None,
    report: importing.ActorImportReport | None = None,
    token: str = "",
    filename: str = "",
    headers: list[str] | None = None,
    mapping: dict[int, str] | None = None,
    decisions: dict[int, str] | None = None,
    status: int = 200,
) -> TemplateResponse:
    decisions = decisions or {}
    mapping = mapping if mapping is not None else _guessed(headers or [])
    columns = [
        {
            "index": i,
            "header": h or _("(colonne %(n)d sans titre)") % {"n": i + 1},
            "field": mapping.get(i, ""),
        }
        for i, h in enumerate(headers or [])
    ]
    duplicates = [
        {"row": row, "decision": decisions.get(row.line, importing.SKIP)}
        for row in (report.duplicate_rows if report else [])
    ]
    return TemplateResponse(
        request,
        "network/manage/import.html",
        {
            "territory": territory,
            "form": form or UploadForm(),
            "report": report,
            "token": token,
            "filename": filename,
            "columns": columns,
            "fields": importing.SCHEMA.fields,
            "duplicates": duplicates,
            "formats": FORMATS,
            "can_manage": True,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, territory_from_url, visible=VIEW_TERRITORY)
def actor_import(request: HttpRequest, territory: Territory) -> HttpResponse:
    if request.method == "GET":
        return _render(request, territory)
    if request.POST.get("token"):
        return _again(request, territory, request.POST["token"])
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, territory, form=form, status=400)
    upload = form.cleaned_data["file"]
    data = upload.read()
    headers = _headers(data, upload.name)
    report = importing.import_preview(territory=territory, data=data, filename=upload.name)
    if not headers:
        # Unreadable: nothing to keep, the organiser sends another file.
        return _render(
            request, territory, form=form, report=report, filename=upload.name, status=400
        )
    token = UPLOADS.keep(request, data, name=upload.name, territory=territory.pk, mapping={})
    return _render(
        request,
        territory,
        report=report,
        token=token,
        filename=upload.name,
        headers=headers,
        status=200 if report.ok else 400,
    )


def _again(request: HttpRequest, territory: Territory, token: str) -> HttpResponse:
    pending = UPLOADS.get(request, token, territory=territory.pk)
    if pending is None:
        messages.error(
            request,
            _(
                "Ce fichier n'est plus disponible (import déjà fait ou trop ancien) : envoyez-le à nouveau."
            ),
        )
        return _render(request, territory, status=400)
    headers = _headers(pending.data, pending.name)
    saved = {int(k): v for k, v in (pending.meta.get("mapping") or {}).items()}
    if request.POST.get("etape") == "colonnes":
        chosen = _mapping_from(request, headers)
        if isinstance(chosen, str):
            messages.error(request, chosen)
            chosen = saved
        UPLOADS.update(request, token, mapping={str(k): v for k, v in chosen.items()})
        report = importing.import_preview(
            territory=territory, data=pending.data, filename=pending.name, mapping=chosen
        )
        return _render(
            request,
            territory,
            report=report,
            token=token,
            filename=pending.name,
            headers=headers,
            mapping=chosen,
            status=200 if report.ok else 400,
        )
    decisions = _decisions(request)
    try:
        report = importing.actor_import(
            territory=territory,
            data=pending.data,
            filename=pending.name,
            user=user_of(request),
            decisions=decisions,
            mapping=saved or None,
        )
    except ImportRejected as rejected:
        return _render(
            request,
            territory,
            report=cast(importing.ActorImportReport, rejected.report),
            token=token,
            filename=pending.name,
            headers=headers,
            mapping=saved or None,
            decisions=decisions,
            status=400,
        )
    UPLOADS.forget(request, token)
    messages.success(request, _summary(report))
    return redirect(reverse("network:manage", args=[territory.slug]))


def _summary(report: importing.ActorImportReport) -> str:
    parts = [
        ngettext("%(count)s acteur ajouté", "%(count)s acteurs ajoutés", report.created)
        % {"count": report.created}
    ]
    if report.merged:
        parts.append(
            ngettext("%(count)s doublon fusionné", "%(count)s doublons fusionnés", report.merged)
            % {"count": report.merged}
        )
    skipped = sum(1 for line in report.decisions.values() if line == importing.SKIP)
    if skipped:
        parts.append(
            ngettext("%(count)s doublon ignoré", "%(count)s doublons ignorés", skipped)
            % {"count": skipped}
        )
    present = sum(1 for r in report.rows if r.status == importing.PRESENT and not r.first_line)
    if present:
        parts.append(
            ngettext(
                "%(count)s acteur déjà présent, inchangé",
                "%(count)s acteurs déjà présents, inchangés",
                present,
            )
            % {"count": present}
        )
    return " ; ".join(parts) + "."


@require_GET
@permission_required(MANAGE, territory_from_url, visible=VIEW_TERRITORY)
def actor_export(request: HttpRequest, territory: Territory) -> HttpResponse:
    """?format=csv|xlsx|ods — the whole directory, contacts included."""
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        return HttpResponseBadRequest(
            _("Format inconnu : choisissez csv, xlsx ou ods."), content_type="text/plain"
        )
    today = timezone.localdate().isoformat()
    log_access(
        request,
        what="annuaire du réseau avec les contacts",
        territory=territory,
        people=Contact.objects.filter(actor__territory=territory).count(),
        export=True,
    )
    return table_response(
        f"annuaire-{territory.slug}-{today}",
        importing.export_header(),
        importing.export_rows(territory),
        cast(Format, fmt),
        sheet=_("Annuaire"),
    )


urlpatterns: list[URLPattern] = [
    path(PREFIX + "gerer/import/", actor_import, name="actor_import"),
    path(PREFIX + "gerer/export/", actor_export, name="actor_export"),
]
