"""Activity reports of pledge campaigns and the figures drawn from them
(METHODOLOGY §6).

A participant reports, by the personal link of their commitment, a day's
activity: a mode and km (or a number of trips when the campaign counts
trips). Each report moves `Campaign.quantity_total` with F() in its own
transaction, then lets the campaign reach its quantity goal.

Figures (totals by mode, CO2 avoided = km × (car factor − mode factor),
participation rate, ranking of sites and of an operation's campaigns, the
sponsor's weekly / commune / site breakdowns) are SQL aggregates in a
constant number of queries, cached a few minutes and dropped when a report
changes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Concat, TruncWeek
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from measures.factors import (
    CAR_KEY,
    MODES_WITHOUT_CO2_AVOIDED,
    current_factor_set,
    factor_values,
)
from measures.models import FactorKind, FactorSet
from pledges.models import (
    ActivityMode,
    ActivityReport,
    Campaign,
    Commitment,
    CommitmentStatus,
    FieldProposal,
    Operation,
    ProposalOutcome,
)
from pledges.services import campaign_check_threshold

# Reports of an activity dated up to this long after the deadline are accepted.
REPORTING_GRACE = dt.timedelta(days=7)
# Beyond these a day's report asks « confirmez-vous ? » rather than being refused.
ABSURD_KM_PER_DAY: dict[str, Decimal] = {
    ActivityMode.BIKE: Decimal(300),
    ActivityMode.WALK: Decimal(80),
    ActivityMode.SCOOTER: Decimal(100),
}
ABSURD_KM_OTHERWISE = Decimal(1000)
ABSURD_TRIPS_PER_DAY = 20
MAX_KM = Decimal("99999.9")
MAX_TRIPS = 1000
CACHE_SECONDS = 300
FACTORS_CACHE_SECONDS = 600
ABSURD = "absurd"  # the code of the error that a confirmation lifts
T = TypeVar("T")


class ActivityRefused(ValidationError):
    """A report that is refused or needs confirming; the message is for the participant."""


# --- The rules of a report ------------------------------------------------------


def counts_trips(campaign: Campaign) -> bool:
    """Campaigns whose unit is not the km count trips instead."""
    return (campaign.quantity_unit or "km").strip().lower() != "km"


def campaign_modes(campaign: Campaign) -> list[tuple[str, str]]:
    """The modes a participant may report, as (value, label), in the model's order."""
    offered = set(campaign.activity_modes or ActivityMode.values)
    return [(value, str(label)) for value, label in ActivityMode.choices if value in offered]


def reporting_window(campaign: Campaign) -> tuple[dt.date, dt.date]:
    """First and last day an activity may be dated."""
    opened = campaign.published_at or campaign.created_at or timezone.now()
    last = timezone.localtime(campaign.deadline).date() + REPORTING_GRACE
    return timezone.localtime(opened).date(), last


def reporting_is_open(campaign: Campaign, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return campaign.reports_activities and today <= reporting_window(campaign)[1]


def _day(value: dt.date) -> str:
    return date_format(value, "j F Y")


def _km(value: Decimal) -> str:
    return number_format(value, 0 if value == value.to_integral() else 1)


def absurd_question(mode: str, quantity: Decimal | int, *, trips: bool) -> str | None:
    """The question to ask when a day's value looks absurd, else None."""
    label = dict(ActivityMode.choices).get(mode, mode)
    if trips:
        if quantity <= ABSURD_TRIPS_PER_DAY:
            return None
        return _("Vous avez saisi %(n)s trajets (%(mode)s) en une journée : confirmez-vous ?") % {
            "n": quantity,
            "mode": str(label).lower(),
        }
    if Decimal(quantity) <= ABSURD_KM_PER_DAY.get(mode, ABSURD_KM_OTHERWISE):
        return None
    by_mode: dict[str, str] = {
        ActivityMode.BIKE: _("Vous avez saisi %(km)s km à vélo en une journée : confirmez-vous ?"),
        ActivityMode.WALK: _("Vous avez saisi %(km)s km à pied en une journée : confirmez-vous ?"),
        ActivityMode.SCOOTER: _(
            "Vous avez saisi %(km)s km en trottinette en une journée : confirmez-vous ?"
        ),
    }
    question = by_mode.get(
        mode, _("Vous avez saisi %(km)s km (%(mode)s) en une journée : confirmez-vous ?")
    )
    return question % {"km": _km(Decimal(quantity)), "mode": str(label).lower()}


def report_check(
    *,
    campaign: Campaign,
    day: dt.date,
    mode: str,
    km: Decimal | None,
    count: int | None,
    confirmed: bool,
    today: dt.date | None = None,
) -> None:
    """Raise ActivityRefused (errors by field) unless the report may be saved.
    An absurd value alone is refused with the code ABSURD until confirmed."""
    today = today or timezone.localdate()
    trips = counts_trips(campaign)
    first, last = reporting_window(campaign)
    errors: dict[str, ValidationError] = {}
    if day > today:
        errors["date"] = ValidationError(_("Cette date est dans le futur."), code="future")
    elif day < first:
        errors["date"] = ValidationError(
            _("La campagne a ouvert le %(day)s : choisissez une date à partir de ce jour.")
            % {"day": _day(first)},
            code="before",
        )
    elif day > last:
        errors["date"] = ValidationError(
            _("Les activités se déclarent jusqu'au %(day)s (7 jours après la date limite).")
            % {"day": _day(last)},
            code="after",
        )
    if mode not in dict(campaign_modes(campaign)):
        errors["mode"] = ValidationError(
            _("Choisissez un des modes proposés par la campagne."), code="mode"
        )
    name, quantity = ("count", count) if trips else ("km", km)
    if quantity is None:
        missing = _("Indiquez le nombre de trajets.") if trips else _("Indiquez les kilomètres.")
        errors[name] = ValidationError(missing, code="required")
    elif quantity < 0:
        errors[name] = ValidationError(
            _("Une distance ou un nombre de trajets ne peut pas être négatif."), code="negative"
        )
    elif quantity > (MAX_TRIPS if trips else MAX_KM):
        errors[name] = ValidationError(_("Cette valeur est bien trop grande."), code="too_big")
    elif not confirmed and not errors:
        question = absurd_question(mode, quantity, trips=trips)
        if question:
            errors[name] = ValidationError(question, code=ABSURD)
    if errors:
        raise ActivityRefused(errors)


def needs_confirmation(error: ValidationError) -> bool:
    """True when the only thing wrong is an absurd value to confirm."""
    if not hasattr(error, "error_dict"):
        return False
    return [e.code for errors in error.error_dict.values() for e in errors] == [ABSURD]


def refusal_message(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


# --- Writes -------------------------------------------------------------------


def reporting_refusal(commitment: Commitment, today: dt.date | None = None) -> str:
    """Why this participant may not report (or delete a report) now, or ""."""
    campaign = commitment.campaign
    if not campaign.reports_activities:
        return _("Cette campagne ne demande pas de déclarer des activités.")
    if commitment.status != CommitmentStatus.CONFIRMED:
        return _(
            "Votre engagement n'est pas (ou plus) confirmé : "
            "vous ne pouvez pas déclarer d'activité."
        )
    if not reporting_is_open(campaign, today):
        return _("Les déclarations de cette campagne sont closes depuis le %(day)s.") % {
            "day": _day(reporting_window(campaign)[1])
        }
    return ""


def _refuse_unless_reporting(commitment: Commitment, today: dt.date) -> None:
    refusal = reporting_refusal(commitment, today)
    if refusal:
        raise ActivityRefused(refusal)


def report_quantity(report: ActivityReport, campaign: Campaign) -> Decimal:
    value = report.count if counts_trips(campaign) else report.km
    return Decimal(value or 0)


@transaction.atomic
def activity_report_create(
    *,
    commitment: Commitment,
    day: dt.date,
    mode: str,
    km: Decimal | None = None,
    count: int | None = None,
    client_key: uuid.UUID | None = None,
    confirmed: bool = False,
    today: dt.date | None = None,
) -> tuple[ActivityReport, bool]:
    """Save a report and add it to the campaign's total. The same client key
    again returns the report already saved (created False), counted once."""
    today = today or timezone.localdate()
    if client_key is not None:
        existing = ActivityReport.objects.filter(client_key=client_key).order_by().first()
        if existing is not None:
            return _replayed(existing, commitment)
    commitment = Commitment.objects.select_related("campaign").get(pk=commitment.pk)
    campaign = commitment.campaign
    _refuse_unless_reporting(commitment, today)
    report_check(
        campaign=campaign, day=day, mode=mode, km=km, count=count, confirmed=confirmed, today=today
    )
    trips = counts_trips(campaign)
    report = ActivityReport(
        commitment=commitment,
        date=day,
        mode=mode,
        km=None if trips else km,
        count=count if trips else None,
        client_key=client_key,
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # the same key in the same instant
        return _replayed(ActivityReport.objects.get(client_key=client_key), commitment)
    _move_total(campaign, report_quantity(report, campaign))
    campaign_check_threshold(campaign=campaign)
    return report, True


def _replayed(report: ActivityReport, commitment: Commitment) -> tuple[ActivityReport, bool]:
    if report.commitment_id != commitment.pk:
        raise ActivityRefused(
            {"client_key": _("Cette clé a déjà servi pour une autre déclaration.")}
        )
    return report, False


def _move_total(campaign: Campaign, quantity: Decimal) -> None:
    if quantity:
        Campaign.objects.filter(pk=campaign.pk).update(
            quantity_total=F("quantity_total") + quantity, updated_at=timezone.now()
        )
    transaction.on_commit(lambda: activity_cache_clear(campaign.pk))


@transaction.atomic
def activity_report_delete(
    *, commitment: Commitment, report_id: int, today: dt.date | None = None
) -> bool:
    """Delete one of the participant's own reports and take it off the total.
    Returns False when it was already gone (a second click)."""
    today = today or timezone.localdate()
    commitment = Commitment.objects.select_related("campaign").get(pk=commitment.pk)
    _refuse_unless_reporting(commitment, today)
    report = (
        ActivityReport.objects.select_for_update()
        .filter(pk=report_id, commitment=commitment)
        .first()
    )
    if report is None:
        return False
    campaign = commitment.campaign
    quantity = report_quantity(report, campaign)
    report.delete()
    _move_total(campaign, -quantity)
    return True


# --- Factors --------------------------------------------------------------------


def co2_factors() -> tuple[str, dict[str, Decimal]]:
    """The name of the current factor version and its kgCO2e per km by key
    (cached: the table changes once in a while, through the admin)."""
    key = "pledges:co2-factors"
    found = cache.get(key)
    if found is None:
        try:
            factor_set = current_factor_set()
        except FactorSet.DoesNotExist:
            found = ("", {})
        else:
            values = factor_values(factor_set)
            found = (
                factor_set.name,
                {k: v for (kind, k), v in values.items() if kind == FactorKind.CO2_PER_KM},
            )
        cache.set(key, found, FACTORS_CACHE_SECONDS)
    return found


def co2_avoided_kg(mode: str, km: Decimal, factors: dict[str, Decimal]) -> Decimal | None:
    """km × (car − mode), or None when it is not computed (« autre », missing factor)."""
    if mode in MODES_WITHOUT_CO2_AVOIDED or CAR_KEY not in factors or mode not in factors:
        return None
    return (km * (factors[CAR_KEY] - factors[mode])).quantize(Decimal("0.1"), ROUND_HALF_UP)


# --- Figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class ModeTotal:
    mode: str
    label: str
    km: Decimal
    trips: int
    reports: int
    co2_avoided_kg: Decimal | None


@dataclass(frozen=True)
class SiteRank:
    site: str
    participants: int
    km: Decimal
    trips: int
    participation_rate: float | None


@dataclass(frozen=True)
class CampaignRank:
    campaign: str
    url_slug: str
    participants: int
    quantity: Decimal
    unit: str
    participation_rate: float | None


@dataclass(frozen=True)
class ActivitySummary:
    counts_trips: bool
    modes: list[ModeTotal]
    km: Decimal
    trips: int
    reports: int
    co2_avoided_kg: Decimal
    factor_set: str
    days: int
    active_days: int
    participation_rate: float | None
    sites: list[SiteRank] = field(default_factory=list)


def _mode_totals(reports: QuerySet[ActivityReport], factors: dict[str, Decimal]) -> list[ModeTotal]:
    labels = dict(ActivityMode.choices)
    rows = (
        reports.order_by()
        .values("mode")
        .annotate(km=Sum("km"), trips=Sum("count"), reports=Count("pk"))
    )
    found = {row["mode"]: row for row in rows}
    totals = []
    for mode in ActivityMode.values:
        if mode not in found:
            continue
        row = found[mode]
        km = row["km"] or Decimal(0)
        totals.append(
            ModeTotal(
                mode=mode,
                label=str(labels[mode]),
                km=km,
                trips=row["trips"] or 0,
                reports=row["reports"],
                co2_avoided_kg=co2_avoided_kg(mode, km, factors) if km else None,
            )
        )
    return totals


def campaign_days(campaign: Campaign, today: dt.date) -> tuple[dt.date, dt.date, int]:
    """First and last day of the campaign so far, and how many days that is."""
    first, _last = reporting_window(campaign)
    last = min(today, timezone.localtime(campaign.deadline).date())
    return first, last, max(0, (last - first).days + 1)


def _active_day_key(person: str = "commitment_id", day: str = "date") -> Concat:
    # One (person, day) pair: the unit of the participation rate.
    return Concat(
        Cast(person, CharField()),
        Value("|"),
        Cast(day, CharField()),
        output_field=CharField(),
    )


def _rate(active: int, participants: int, days: int) -> float | None:
    if participants <= 0 or days <= 0:
        return None
    return min(1.0, active / (participants * days))


def _site_ranking(campaign: Campaign, first: dt.date, last: dt.date, days: int) -> list[SiteRank]:
    in_campaign = Q(reports__date__gte=first, reports__date__lte=last)
    rows = (
        Commitment.objects.filter(campaign=campaign, status=CommitmentStatus.CONFIRMED)
        .order_by()
        .values("site")
        .annotate(
            participants=Count("pk", distinct=True),
            km=Sum("reports__km"),
            trips=Sum("reports__count"),
            active=Count(_active_day_key("pk", "reports__date"), distinct=True, filter=in_campaign),
        )
    )
    found = {row["site"]: row for row in rows}
    ranks = []
    for site in [*campaign.sites, *(s for s in found if s not in campaign.sites)]:
        row: dict[str, Any] = dict(found.get(site, {}))
        participants = row.get("participants", 0)
        ranks.append(
            SiteRank(
                site=site or _("Sans site"),
                participants=participants,
                km=row.get("km") or Decimal(0),
                trips=row.get("trips") or 0,
                participation_rate=_rate(row.get("active", 0), participants, days),
            )
        )
    ranks.sort(key=lambda r: (-(r.participation_rate or 0), -r.km, -r.participants, r.site))
    return ranks


def _summary(campaign: Campaign, today: dt.date) -> ActivitySummary:
    factor_set, factors = co2_factors()
    reports = ActivityReport.objects.filter(commitment__campaign=campaign)
    modes = _mode_totals(reports, factors)
    first, last, days = campaign_days(campaign, today)
    active = (
        reports.filter(
            commitment__status=CommitmentStatus.CONFIRMED, date__gte=first, date__lte=last
        )
        .order_by()
        .values("commitment_id", "date")
        .distinct()
        .count()
    )
    return ActivitySummary(
        counts_trips=counts_trips(campaign),
        modes=modes,
        km=sum((m.km for m in modes), Decimal(0)),
        trips=sum(m.trips for m in modes),
        reports=sum(m.reports for m in modes),
        co2_avoided_kg=sum((m.co2_avoided_kg or Decimal(0) for m in modes), Decimal(0)),
        factor_set=factor_set,
        days=days,
        active_days=active,
        participation_rate=_rate(active, campaign.participants_count, days),
        sites=_site_ranking(campaign, first, last, days) if campaign.sites else [],
    )


def _cache_key(campaign_id: int) -> str:
    return f"pledges:activities:{campaign_id}"


def activity_cache_clear(campaign_id: int) -> None:
    cache.delete_many([_cache_key(campaign_id), _figures_key(campaign_id)])


def _stamped(key: str, stamp: object, build: Callable[[], T]) -> T:
    """The value cached under `key` while its stamp (the counters it was drawn
    from) is unchanged; otherwise built again and cached a few minutes."""
    cached = cache.get(key)
    if cached is not None and cached[0] == stamp:
        return cast(T, cached[1])
    value = build()
    cache.set(key, (stamp, value), CACHE_SECONDS)
    return value


def activity_summary(campaign: Campaign, today: dt.date | None = None) -> ActivitySummary:
    """Totals by mode, CO2 avoided, participation rate and site ranking (cached)."""
    day = today or timezone.localdate()
    stamp = (campaign.participants_count, str(campaign.quantity_total), day.isoformat())
    return _stamped(_cache_key(campaign.pk), stamp, lambda: _summary(campaign, day))


@dataclass(frozen=True)
class PersonalTotals:
    modes: list[ModeTotal]
    km: Decimal
    trips: int
    co2_avoided_kg: Decimal


def personal_totals(commitment: Commitment) -> PersonalTotals:
    """One participant's totals by mode and CO2 avoided (one query, factors cached)."""
    _name, factors = co2_factors()
    modes = _mode_totals(ActivityReport.objects.filter(commitment=commitment), factors)
    return PersonalTotals(
        modes=modes,
        km=sum((m.km for m in modes), Decimal(0)),
        trips=sum(m.trips for m in modes),
        co2_avoided_kg=sum((m.co2_avoided_kg or Decimal(0) for m in modes), Decimal(0)),
    )


def operation_ranking(operation: Operation, today: dt.date | None = None) -> list[CampaignRank]:
    """The visible campaigns of an operation, most participants first, then the
    best participation: the counters are read live, the active days (an
    aggregate over every report of the operation) are cached a few minutes."""
    today = today or timezone.localdate()
    campaigns = list(operation.campaigns.visible().order_by("title"))
    key = f"pledges:operation:{operation.pk}:{today.isoformat()}"
    active: dict[int, int] | None = cache.get(key)
    if active is None:
        active = dict(
            ActivityReport.objects.filter(
                commitment__campaign__in=campaigns,
                commitment__status=CommitmentStatus.CONFIRMED,
                date__lte=today,
            )
            .order_by()
            .values("commitment__campaign")
            .annotate(active=Count(_active_day_key(), distinct=True))
            .values_list("commitment__campaign", "active")
        )
        cache.set(key, active, CACHE_SECONDS)
    ranks = []
    for campaign in campaigns:
        _first, _last, days = campaign_days(campaign, today)
        ranks.append(
            CampaignRank(
                campaign=campaign.title,
                url_slug=campaign.slug,
                participants=campaign.participants_count,
                quantity=campaign.quantity_total,
                unit=campaign.quantity_unit or "km",
                participation_rate=_rate(
                    active.get(campaign.pk, 0), campaign.participants_count, days
                ),
            )
        )
    ranks.sort(key=lambda r: (-r.participants, -(r.participation_rate or 0), r.campaign))
    return ranks


# --- The sponsor's figures -------------------------------------------------------


@dataclass(frozen=True)
class Breakdown:
    label: str
    participants: int


@dataclass(frozen=True)
class FieldTotals:
    """A field operation's counts (pledges.field counts per agent and day with it)."""

    proposals: int = 0
    committed: int = 0
    declined: int = 0
    absent: int = 0

    @property
    def met(self) -> int:
        """People actually met: a door nobody opened offered nothing."""
        return self.committed + self.declined

    @property
    def conversion_rate(self) -> float | None:
        return self.committed / self.met if self.met else None


@dataclass(frozen=True)
class CampaignFigures:
    weeks: list[dt.date]
    new_by_week: list[int]
    cumulative_by_week: list[int]
    communes: list[Breakdown]
    sites: list[Breakdown]
    field: FieldTotals


FIELD_COUNTS = {
    "proposals": Count("pk"),
    "committed": Count("pk", filter=Q(outcome=ProposalOutcome.COMMITTED)),
    "declined": Count("pk", filter=Q(outcome=ProposalOutcome.DECLINED)),
    "absent": Count("pk", filter=Q(outcome=ProposalOutcome.ABSENT)),
}
TOP_COMMUNES = 10


def _figures_key(campaign_id: int) -> str:
    return f"pledges:figures:{campaign_id}"


def _weekly(confirmed: QuerySet[Commitment]) -> tuple[list[dt.date], list[int], list[int]]:
    rows = (
        confirmed.filter(confirmed_at__isnull=False)
        .annotate(week=TruncWeek("confirmed_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values("week")
        .annotate(n=Count("pk"))
        .order_by("week")
    )
    by_week = {_as_date(row["week"]): row["n"] for row in rows}
    if not by_week:
        return [], [], []
    weeks, start, end = [], min(by_week), max(by_week)
    while start <= end:
        weeks.append(start)
        start += dt.timedelta(days=7)
    new = [by_week.get(week, 0) for week in weeks]
    cumulative, running = [], 0
    for n in new:
        running += n
        cumulative.append(running)
    return weeks, new, cumulative


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _field_totals(campaign: Campaign) -> FieldTotals:
    return FieldTotals(**FieldProposal.objects.filter(campaign=campaign).aggregate(**FIELD_COUNTS))


def _breakdown(confirmed: QuerySet[Commitment], column: str, limit: int | None) -> list[Breakdown]:
    rows = confirmed.order_by().values(column).annotate(n=Count("pk")).order_by("-n", column)
    if limit:
        rows = rows[:limit]
    return [Breakdown(row[column] or _("Non renseigné"), row["n"]) for row in rows]


def campaign_figures(campaign: Campaign) -> CampaignFigures:
    """Participants by week, top communes, sites and field figures (cached)."""
    return _stamped(
        _figures_key(campaign.pk), campaign.participants_count, lambda: _figures(campaign)
    )


def _figures(campaign: Campaign) -> CampaignFigures:
    confirmed = Commitment.objects.filter(campaign=campaign, status=CommitmentStatus.CONFIRMED)
    weeks, new, cumulative = _weekly(confirmed)
    return CampaignFigures(
        weeks=weeks,
        new_by_week=new,
        cumulative_by_week=cumulative,
        communes=_breakdown(confirmed, "commune__name", TOP_COMMUNES),
        sites=_breakdown(confirmed, "site", None) if campaign.sites else [],
        field=_field_totals(campaign),
    )


def csv_rows(campaign: Campaign, modes: Iterable[str]) -> QuerySet[Commitment, Any]:
    """One row per confirmed commitment with its totals by mode, for the CSV
    export (no e-mail: sponsors never receive addresses)."""
    column = "reports__count" if counts_trips(campaign) else "reports__km"
    totals = {f"mode_{mode}": Sum(column, filter=Q(reports__mode=mode)) for mode in modes}
    return (
        Commitment.objects.filter(campaign=campaign, status=CommitmentStatus.CONFIRMED)
        .order_by("confirmed_at", "pk")
        .values("pk", "confirmed_at", "first_name", "commune__name", "site")
        .annotate(**totals)
    )
