"""The sponsor's pages: the campaigns a user is sponsor contact of, each
campaign's figures, and the CSV export of its commitments — never an e-mail
address (RGPD: sponsors do not receive participants' contact details)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.audit import log_access
from elan.charts import BarChart, Series, TimeChart
from elan.tabular import streaming_csv_response
from pledges import activities
from pledges.models import ActivityMode, Campaign, CampaignStatus
from pledges.views import campaign_from_url
from territories.permissions import permission_required

VIEW = "pledges.view_campaign"
FIGURES = "pledges.view_figures"


@require_GET
@permission_required("pledges.view_sponsor_page")
def sponsor_home(request: HttpRequest) -> HttpResponse:
    campaigns = (
        Campaign.objects.visible()
        .filter(sponsor_contacts=request.user.pk)
        .select_related("territory", "sponsor")
        .order_by("-published_at", "title")
    )
    return TemplateResponse(request, "pledges/sponsor/home.html", {"campaigns": campaigns})


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{number_format(rate * 100, 0)} %"


def weekly_chart(figures: activities.CampaignFigures) -> TimeChart:
    return TimeChart(
        title=_("Personnes engagées, semaine après semaine"),
        description=_(
            "Nombre cumulé de personnes engagées (engagement confirmé) et nouvelles personnes "
            "engagées chaque semaine."
        ),
        x_labels=[date_format(week, "j N") for week in figures.weeks],
        series=[
            Series(_("Total cumulé"), figures.cumulative_by_week),
            Series(_("Nouvelles personnes"), figures.new_by_week),
        ],
        y_label=_("Personnes"),
        x_label=_("Semaine du"),
        chart_id="engagements-par-semaine",
    )


def communes_chart(figures: activities.CampaignFigures) -> BarChart:
    return BarChart(
        title=_("Les 10 communes qui comptent le plus de personnes engagées"),
        description=_("Nombre de personnes engagées (engagement confirmé) par commune."),
        labels=[row.label for row in figures.communes],
        values=[row.participants for row in figures.communes],
        value_label=_("Personnes engagées"),
        label_header=_("Commune"),
        decimals=0,
        chart_id="engagements-par-commune",
    )


def _figures_context(campaign: Campaign) -> dict[str, Any]:
    figures = activities.campaign_figures(campaign)
    summary = activities.activity_summary(campaign) if campaign.reports_activities else None
    operation = activities.operation_ranking(campaign.operation) if campaign.operation else []
    return {
        "figures": figures,
        "weekly": weekly_chart(figures) if figures.weeks else None,
        "communes": communes_chart(figures) if figures.communes else None,
        "summary": summary,
        "counts_trips": activities.counts_trips(campaign),
        "site_rates": [(site, _percent(site.participation_rate)) for site in summary.sites]
        if summary
        else [],
        "operation_rates": [(rank, _percent(rank.participation_rate)) for rank in operation],
        "field_conversion": _percent(figures.field.conversion_rate),
    }


@require_GET
@permission_required(FIGURES, campaign_from_url, visible=VIEW)
def sponsor_campaign(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    context = {
        "territory": campaign.territory,
        "campaign": campaign,
        "progress_percent": round(campaign.progress * 100),
        "can_fulfil": campaign.status == CampaignStatus.REACHED
        and request.user.has_perm("pledges.confirm_counterpart", campaign),
        **_figures_context(campaign),
    }
    return TemplateResponse(request, "pledges/sponsor/campaign.html", context)


def _number(value: Decimal | int | None) -> str:
    return "" if value is None else number_format(value, 1 if isinstance(value, Decimal) else 0)


def _csv_table(campaign: Campaign) -> tuple[list[str], Iterator[list[Any]]]:
    modes = (
        [m for m, _label in activities.campaign_modes(campaign)]
        if campaign.reports_activities
        else []
    )
    unit = _("trajets") if activities.counts_trips(campaign) else "km"
    labels = dict(ActivityMode.choices)
    header = [_("Date d'engagement"), _("Prénom ou pseudonyme"), _("Commune"), _("Site ou équipe")]
    header += [f"{labels[mode]} ({unit})" for mode in modes]

    def rows() -> Iterator[list[Any]]:
        for row in activities.csv_rows(campaign, modes).iterator(chunk_size=2000):
            confirmed = row["confirmed_at"]
            yield [
                timezone.localtime(confirmed).date() if confirmed else None,
                row["first_name"] or _("Participant·e"),
                row["commune__name"],
                row["site"],
                *(_number(row[f"mode_{mode}"]) for mode in modes),
            ]

    return header, rows()


@require_GET
@permission_required(FIGURES, campaign_from_url, visible=VIEW)
def sponsor_csv(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    # The kit's writer neutralises a first name such as « =HYPERLINK(…) ».
    header, rows = _csv_table(campaign)
    log_access(
        request,
        what=f"participants de la campagne « {campaign.title} »",
        territory=campaign.territory,
        people=campaign.participants_count,
        export=True,
    )
    name = f"engagements-{slugify(campaign.slug)}-{timezone.localdate():%Y-%m-%d}.csv"
    return streaming_csv_response(name, header, rows)  # type: ignore[return-value]


FIGURES_URL = "t/<slug:slug>/engagements/<slug:campaign>/chiffres/"

urlpatterns: list[URLPattern] = [
    path("engagements/parrain/", sponsor_home, name="sponsor"),
    path(FIGURES_URL, sponsor_campaign, name="sponsor_campaign"),
    path(f"{FIGURES_URL}export.csv", sponsor_csv, name="sponsor_csv"),
]
