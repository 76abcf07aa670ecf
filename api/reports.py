"""Final reports of challenges (reports app): the key figures of the report,
the request of its PDF (joined when one is under way for the same data), its
progress and its download. The public version's figures and PDF are open to
whoever sees the challenge's results; requesting a PDF and the organiser
version are the territory's organisers'."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema
from ninja.responses import Status

from api.auth import token_or_session
from api.schemas import ErrorOut
from challenges.models import Challenge
from reports import comparison, opendata, opendata_views, services
from reports.content import key_figures, report_context
from reports.models import Audience, Report
from territories.models import Region
from territories.permissions import check

router = Router(tags=["Bilans"])

VIEW_CHALLENGE = "challenges.view_challenge"


class FigureOut(Schema):
    indicateur: str
    valeur: str
    unite: str


class ReportFiguresOut(Schema):
    challenge: str
    title: str
    data_key: str
    figures: list[FigureOut]


class ReportOut(Schema):
    id: int
    audience: str
    status: str
    status_label: str
    progress: int
    step: str
    error: str
    data_key: str
    is_current: bool
    requested_at: dt.datetime
    finished_at: dt.datetime | None
    pdf_size: int
    pdf_url: str | None
    page_url: str


def _challenge(territory: str, slug: str) -> Challenge:
    return get_object_or_404(
        Challenge.objects.select_related("territory"), territory__slug=territory, slug=slug
    )


def _report(territory: str, slug: str, report_id: int) -> Report:
    return get_object_or_404(
        Report.objects.select_related("challenge__territory"),
        challenge__territory__slug=territory,
        challenge__slug=slug,
        pk=report_id,
    )


def _out(report: Report, current: str | None = None) -> dict[str, Any]:
    challenge = report.challenge
    args = [challenge.territory.slug, challenge.slug]
    return {
        "id": report.pk,
        "audience": report.audience,
        "status": report.status,
        "status_label": report.get_status_display(),
        "progress": report.progress,
        "step": report.step,
        "error": report.error,
        "data_key": report.data_key,
        "is_current": report.data_key == (current or services.current_key(challenge)),
        "requested_at": report.requested_at,
        "finished_at": report.finished_at,
        "pdf_size": report.pdf_size,
        "pdf_url": reverse("api:report_pdf", args=[*args, report.pk]) if report.pdf else None,
        "page_url": reverse(
            "reports:public" if report.audience == Audience.PUBLIC else "reports:organiser",
            args=args,
        ),
    }


@router.get(
    "/challenges/{territory}/{slug}/report",
    response={200: ReportFiguresOut, 404: ErrorOut},
    summary="Les chiffres clés du bilan public d'un défi",
)
def report_figures(request: HttpRequest, territory: str, slug: str):  # type: ignore[no-untyped-def]
    """Les mêmes chiffres que la page du bilan, son PDF et son CSV : participation,
    chiffres de l'essentiel et équivalences. Jamais un foyer."""
    challenge = _challenge(territory, slug)
    check(request, "reports.view_public_report", challenge, visible=VIEW_CHALLENGE)
    context = report_context(challenge, Audience.PUBLIC)
    return {
        "challenge": challenge.slug,
        "title": challenge.title,
        "data_key": context["data_key"],
        "figures": key_figures(context),
    }


@router.post(
    "/challenges/{territory}/{slug}/reports",
    response={202: ReportOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=token_or_session,
    summary="Demander le PDF du bilan d'un défi",
)
def report_request(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    territory: str,
    slug: str,
    audience: Literal["public", "animation"] = "public",
):
    """`audience` : « public » (chiffres d'ensemble) ou « animation » (avec les
    exclusions détaillées). Fabriqué une fois par état des données : une demande
    pendant qu'une autre est en cours la rejoint (même `id`). Suivre `progress`
    jusqu'à `status` « pret »."""
    challenge = _challenge(territory, slug)
    check(request, "reports.manage_report", challenge, visible=VIEW_CHALLENGE)
    report = services.request_report(
        challenge=challenge, audience=audience, user=request.user, host=request.get_host()
    )
    return Status(202, _out(report))


@router.get(
    "/challenges/{territory}/{slug}/reports/{report_id}",
    response={200: ReportOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=token_or_session,
    summary="L'avancement d'un PDF de bilan",
)
def report_status(request: HttpRequest, territory: str, slug: str, report_id: int):  # type: ignore[no-untyped-def]
    report = _report(territory, slug, report_id)
    check(request, "reports.manage_report", report, visible="reports.download_report")
    report.refresh_from_db()
    return _out(report)


@router.get(
    "/challenges/{territory}/{slug}/reports/{report_id}/pdf",
    response={200: None, 404: ErrorOut},
    url_name="report_pdf",
    summary="Télécharger le PDF d'un bilan",
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}}}},
)
def report_pdf(request: HttpRequest, territory: str, slug: str, report_id: int):  # type: ignore[no-untyped-def]
    """La version publique est ouverte à qui voit les résultats du défi ; celle de
    l'équipe d'animation, à ses animateur·rices (jeton ou session)."""
    report = _report(territory, slug, report_id)
    if report.audience != Audience.PUBLIC:
        user = _token_user(request)
        if user is not None:
            request.user = user
    check(request, "reports.download_report", report, visible="reports.download_report")
    if not report.pdf:
        raise Http404
    try:
        handle = report.pdf.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(
        handle,
        as_attachment=True,
        filename=services.filename(report),
        content_type="application/pdf",
    )


def _token_user(request: HttpRequest) -> Any:
    from api.auth import TokenAuth

    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    return TokenAuth().authenticate(request, header.split(" ", 1)[1].strip())


# --- Comparison across territories ----------------------------------------------


YEAR_ERROR = "Indiquez une année entre 2000 et 2100."
REGION_ERROR = "Cette région n'existe pas : donnez son code INSEE (84 pour Auvergne-Rhône-Alpes)."


class ComparisonRowOut(Schema):
    challenge: str
    challenge_slug: str
    territory: str
    territory_slug: str
    region: str
    region_code: str
    year: int
    starts_on: dt.date
    ends_on: dt.date
    theme: str
    households: int
    teams: int
    savings_pct: float | None
    mean_household_pct: float | None = None
    per_household: float | None = None
    per_person: float | None = None
    avoided_tonnes: float | None = None
    complete: float | None = None
    objective_pct: float | None = None
    objective_reached: bool | None
    climate_corrected: bool
    factor_set: str
    report_url: str


class ComparisonOut(Schema):
    theme: str
    count: int
    columns: list[dict[str, str]]
    results: list[ComparisonRowOut]


class ComparisonErrorOut(Schema):
    message: str
    erreurs: dict[str, list[str]]


@router.get(
    "/comparisons",
    response={200: ComparisonOut, 400: ComparisonErrorOut},
    summary="Comparer les défis clos des territoires",
)
def comparisons(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    theme: Literal["energie", "eau", "dechets"] = "energie",
    annee: int | None = None,
    region: str | None = None,
    tri: Literal["economies", "foyers", "annee", "territoire"] = "economies",
):
    """Les mêmes lignes que la page /comparaisons/ : un défi clos par ligne, ses
    résultats définitifs pour le thème (économies en rapport des sommes, moyenne
    des foyers, par foyer, par personne), ses foyers et équipes. Seulement des
    agrégats, jamais un foyer."""
    check(request, "reports.view_comparison")
    if annee is not None and not 2000 <= annee <= 2100:
        return Status(400, {"message": "Filtre refusé.", "erreurs": {"annee": [YEAR_ERROR]}})
    if region and not Region.objects.filter(code=region).exists():
        return Status(400, {"message": "Filtre refusé.", "erreurs": {"region": [REGION_ERROR]}})
    filters = comparison.Filters(theme=theme, year=annee, region=region or "", sort=tri)
    rows = comparison.comparison_rows(filters)
    for row in rows:
        row["report_url"] = reverse(
            "reports:public", args=[row["territory_slug"], row["challenge_slug"]]
        )
    columns = [
        {"key": c["key"], "label": str(c["label"]), "unit": c["unit"]}
        for c in comparison.columns(filters.theme)
    ]
    return {"theme": filters.theme, "count": len(rows), "columns": columns, "results": rows}


# --- Open data ------------------------------------------------------------------


class OpenFieldOut(Schema):
    name: str
    type: str
    title: str
    description: str


class OpenDatasetOut(Schema):
    jeu: str
    titre: str
    description: str
    csv: str
    json_url: str
    schema_url: str
    colonnes: list[OpenFieldOut]


class OpenCatalogueOut(Schema):
    licence: dict[str, str]
    datapackage: str
    jeux: list[OpenDatasetOut]


class OpenDocumentOut(Schema):
    jeu: str
    titre: str
    description: str
    licence: dict[str, str]
    schema_url: str
    produit_le: str
    nombre: int
    donnees: list[dict[str, Any]]


@router.get(
    "/open-data",
    response=OpenCatalogueOut,
    summary="Le catalogue des données ouvertes",
)
def open_data_catalogue(request: HttpRequest):  # type: ignore[no-untyped-def]
    """Les jeux de données ouverts (Licence Ouverte 2.0), leurs fichiers CSV et
    JSON à adresse stable, leur schéma Table Schema et leurs colonnes."""
    check(request, "reports.view_open_data")
    base = opendata_views.base_url(request)
    return {
        "licence": {"nom": opendata.LICENCE.short, "url": opendata.LICENCE.url},
        "datapackage": base + reverse("reports:opendata_package"),
        "jeux": [
            {
                "jeu": d.slug,
                "titre": d.title,
                "description": d.description,
                "csv": base + reverse("reports:opendata_file", args=[d.slug, "csv"]),
                "json_url": base + reverse("reports:opendata_file", args=[d.slug, "json"]),
                "schema_url": base + reverse("reports:opendata_schema", args=[d.slug]),
                "colonnes": [
                    {"name": f.name, "type": f.type, "title": f.title, "description": f.description}
                    for f in d.fields
                ],
            }
            for d in opendata.DATASETS.values()
        ],
    }


@router.get(
    "/open-data/{dataset}",
    response={200: OpenDocumentOut, 404: ErrorOut},
    summary="Un jeu de données ouvert",
)
def open_data_dataset(request: HttpRequest, dataset: str):  # type: ignore[no-untyped-def]
    """Les lignes du jeu, les mêmes que son fichier JSON et son CSV :
    `resultats-defis`, `engagements`, `evenements`, `semaines-actions`,
    `ressources`."""
    check(request, "reports.view_open_data")
    found = opendata.DATASETS.get(dataset)
    if found is None:
        raise Http404
    document = opendata_views.document(found, opendata_views.base_url(request))
    document["schema_url"] = document.pop("schema")
    document["donnees"] = [
        {k: opendata_views.json_ready(v) for k, v in row.items()} for row in document["donnees"]
    ]
    return document
