"""The network's dashboard of indicators (network/indicators.py): the
figures of each year as charts and tables, each table downloadable as CSV,
XLSX or ODS with the very numbers the page shows (one definition of each
table, below, feeds both)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from elan.charts.grouped import Bars, BarSeries
from elan.tabular.write import Format, table_response
from network import indicators
from network.views import PREFIX, territory_from_url
from territories.models import Territory
from territories.permissions import permission_required

VIEW_TERRITORY = "territories.view_territory"
READ = "network.view_network"
FORMATS = ("csv", "xlsx", "ods")
Cell = str | int | Decimal | None


@dataclass(frozen=True)
class Table:
    """One table of the dashboard: the page and the download show these rows."""

    slug: str
    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    note: str = ""


def _percent(value: int | None) -> str:
    return "" if value is None else f"{value} %"


def _members_table(board: indicators.Dashboard) -> Table:
    kinds = board.kinds
    header = [
        _("Année"),
        *[label for _code, label in kinds],
        _("Total des membres"),
        _("Nouvelles adhésions"),
        _("Départs"),
    ]
    rows: list[list[Cell]] = [
        [
            str(row.year),
            *[row.by_kind.get(code, 0) for code, _label in kinds],
            row.total,
            row.joined,
            row.left,
        ]
        for row in board.members
    ]
    return Table(
        "membres",
        _("Membres du réseau à la fin de chaque année, par type"),
        header,
        rows,
        _(
            "Membres au 31 décembre (à ce jour pour l'année en cours) : adhésion au statut "
            "« membre », membres de droit compris ; les candidatures ne comptent pas."
        ),
    )


def _activity_table(board: indicators.Dashboard) -> Table:
    header = [
        _("Année"),
        _("Lettres envoyées"),
        _("Destinataires des lettres"),
        _("Fiches de bonne pratique"),
        _("Réunions tenues"),
        _("dont conseils des acteurs"),
        _("Invités"),
        _("Présents"),
        _("Excusés"),
        _("Taux de présence des invités"),
        _("Contacts notés"),
        _("Acteurs contactés"),
    ]
    rows: list[list[Cell]] = [
        [
            str(row.year),
            row.newsletters,
            row.newsletter_recipients,
            row.sheets,
            row.meetings,
            row.councils,
            row.invited,
            row.present,
            row.excused,
            _percent(row.attendance_percent),
            row.contact_logs,
            row.actors_contacted,
        ]
        for row in board.activity
    ]
    return Table(
        "activite",
        _("Activité du réseau par année"),
        header,
        rows,
        _(
            "Réunions : conseils des acteurs et réunions techniques tenus. Présents : toutes "
            "les personnes pointées présentes, invitées ou non ; le taux compte les invités "
            "présents sur les invités. Fiches : fiches du commun rattachées à un acteur du "
            "réseau, par année de création."
        ),
    )


def _training_table(board: indicators.Dashboard) -> Table:
    impact = board.training
    rows: list[list[Cell]] = [
        [m.label, m.sessions, m.trained_contacts, m.trained_actors] for m in impact.modules
    ]
    rows.append(
        [
            _("Toutes les formations"),
            impact.sessions,
            impact.trained_contacts,
            impact.trained_actors,
        ]
    )
    return Table(
        "formation",
        _("Formation des acteurs relais, par module"),
        [_("Module"), _("Sessions tenues"), _("Personnes formées"), _("Acteurs formés")],
        rows,
        _(
            "%(acting)s acteurs formés sur %(trained)s ont mené au moins une action acceptée "
            "d'une semaine thématique après leur première formation (%(percent)s)."
        )
        % {
            "acting": impact.acting_actors,
            "trained": impact.trained_actors,
            "percent": _percent(impact.acting_percent) or _("sans objet"),
        },
    )


def _money(value: Decimal | int | None) -> Cell:
    return None if value is None else Decimal(value).quantize(Decimal("1"))


def _editions_table(board: indicators.Dashboard) -> Table:
    header = [
        _("Édition"),
        _("Actions (chaque date comptée)"),
        _("Actions distinctes"),
        _("Partenaires impliqués"),
        _("Dépenses valorisées (€)"),
        _("Édition précédente"),
        _("Actions distinctes de l'édition précédente"),
        _("Évolution des actions distinctes"),
        _("Dépenses valorisées de l'édition précédente (€)"),
    ]
    rows: list[list[Cell]] = []
    for comparison in board.editions:
        now, before = comparison.current, comparison.previous
        distinct = next(r for r in comparison.rows() if r.key == "distinct_actions")
        rows.append(
            [
                now.week.title,
                now.actions,
                now.distinct_actions,
                now.partners,
                _money(now.valued_expenses),
                before.week.title if before else "",
                before.distinct_actions if before else None,
                _percent(distinct.change_percent),
                _money(before.valued_expenses) if before else None,
            ]
        )
    return Table(
        "semaines",
        _("Semaines thématiques, comparées à l'édition précédente"),
        header,
        rows,
        _(
            "Actions acceptées seulement. Une action répétée sur plusieurs dates compte une "
            "fois parmi les actions distinctes. Dépenses valorisées : jours de travail au "
            "taux de l'édition et dépenses matérielles."
        ),
    )


TABLES: dict[str, Callable[[indicators.Dashboard], Table]] = {
    "membres": _members_table,
    "activite": _activity_table,
    "formation": _training_table,
    "semaines": _editions_table,
}
# What each download needs of the dashboard (network.indicators.PARTS).
TABLE_PARTS = {
    "membres": ("members",),
    "activite": ("activity",),
    "formation": ("training",),
    "semaines": ("editions",),
}


def _members_chart(board: indicators.Dashboard) -> Bars | None:
    if not board.members or not any(row.total for row in board.members):
        return None
    grouped = [kind for _name, kinds in indicators.KIND_GROUPS for kind in kinds]
    labels = {
        "communes": _("Communes et collectivités"),
        "associations": _("Associations"),
        "entreprises": _("Entreprises, artisans, bailleurs"),
    }
    series = [
        BarSeries(labels[name], [row.group(kinds) for row in board.members])
        for name, kinds in indicators.KIND_GROUPS
    ]
    series.append(
        BarSeries(
            _("Autres acteurs"),
            [row.total - row.group(grouped) for row in board.members],
        )
    )
    return Bars(
        title=_("Membres à la fin de chaque année"),
        description=_(
            "Nombre de membres du réseau au 31 décembre de chaque année, par grand type "
            "d'acteurs ; le tableau qui suit donne chaque type."
        ),
        labels=[str(row.year) for row in board.members],
        series=series,
        label_header=_("Année"),
        chart_id="graphique-membres",
        show_title=False,
        label_width=90,
        bar_height=14,
    )


def _attendance_chart(board: indicators.Dashboard) -> Bars | None:
    shown = [row for row in board.activity if row.invited or row.present]
    if not shown:
        return None
    return Bars(
        title=_("Conseils et réunions : invités, présents, excusés"),
        description=_(
            "Personnes invitées, présentes et excusées aux réunions tenues chaque année."
        ),
        labels=[str(row.year) for row in shown],
        series=[
            BarSeries(_("Invités"), [row.invited for row in shown]),
            BarSeries(_("Présents"), [row.present for row in shown]),
            BarSeries(_("Excusés"), [row.excused for row in shown]),
        ],
        label_header=_("Année"),
        chart_id="graphique-presence",
        show_title=False,
        label_width=90,
        bar_height=14,
    )


@require_GET
@permission_required(READ, territory_from_url, visible=VIEW_TERRITORY)
def dashboard(request: HttpRequest, territory: Territory) -> HttpResponse:
    board = indicators.dashboard(territory)
    tables = {slug: build(board) for slug, build in TABLES.items()}
    context: dict[str, Any] = {
        "territory": territory,
        "board": board,
        "tables": tables,
        "members_chart": _members_chart(board),
        "attendance_chart": _attendance_chart(board),
        "latest_edition": board.editions[0] if board.editions else None,
        "overdue_url": reverse("network:overdue", args=[territory.slug]),
        "formats": FORMATS,
        "generated_at": formats.date_format(timezone.localtime(), "DATETIME_FORMAT"),
    }
    return TemplateResponse(request, "network/indicators/dashboard.html", context)


@require_GET
@permission_required(READ, territory_from_url, visible=VIEW_TERRITORY)
def export(request: HttpRequest, territory: Territory) -> HttpResponse:
    """?tableau=<slug>&format=csv|xlsx|ods"""
    name = request.GET.get("tableau", "")
    build = TABLES.get(name)
    if build is None:
        raise Http404(_("Ce tableau n'existe pas."))
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        return HttpResponseBadRequest(
            _("Format inconnu : choisissez csv, xlsx ou ods."), content_type="text/plain"
        )
    shown = build(indicators.dashboard(territory, parts=TABLE_PARTS[name]))
    return table_response(
        f"{territory.slug}-reseau-{shown.slug}",
        shown.header,
        shown.rows,
        cast(Format, fmt),
        sheet=shown.slug,
    )


urlpatterns: list[URLPattern] = [
    path(PREFIX + "gerer/indicateurs/", dashboard, name="indicators"),
    path(PREFIX + "gerer/indicateurs/telecharger/", export, name="indicators_export"),
]
