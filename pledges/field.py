"""Assisted mode: field agents (door to door, stands) record, with a tablet,
every door knocked or person met, and the commitments of residents who agree.

Each tap is a FieldProposal, whatever its outcome, so that the organiser sees
whether the field operation really offers the campaign (at Saint-Mandé the
door-to-door provider rarely did, and nobody could tell). A hidden client key,
stored unique on the proposal, makes a double tap (or a tablet sending its
queue again) a no-op.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from pledges.activities import FIELD_COUNTS, FieldTotals, activity_cache_clear
from pledges.models import Campaign, FieldProposal, ProposalOutcome
from pledges.services import commitment_create
from territories.models import Commune


@dataclass(frozen=True)
class Recorded:
    """The proposal recorded, or the one an earlier request with the same
    client key recorded; `created` is False for such a replay."""

    proposal: FieldProposal
    created: bool


def _replay(campaign: Campaign, agent: User, client_key: str) -> Recorded | None:
    earlier = FieldProposal.objects.filter(
        client_key=client_key, campaign=campaign, agent=agent
    ).first()
    return Recorded(earlier, False) if earlier is not None else None


def _once(
    campaign: Campaign, agent: User, client_key: str, save: Callable[[], FieldProposal]
) -> Recorded:
    """Run `save` unless this key already recorded a proposal; two requests
    racing with one key end with one row (the unique key refuses the second)."""
    if (replayed := _replay(campaign, agent, client_key)) is not None:
        return replayed
    try:
        return Recorded(save(), True)
    except IntegrityError:
        if (replayed := _replay(campaign, agent, client_key)) is not None:
            return replayed
        raise


def proposal_record(
    *,
    campaign: Campaign,
    agent: User,
    outcome: str,
    client_key: str,
    now: dt.datetime | None = None,
) -> Recorded:
    """« Ne souhaite pas » or « Personne »: one tap, no commitment."""
    if outcome not in (ProposalOutcome.DECLINED, ProposalOutcome.ABSENT):
        raise ValueError(f"outcome {outcome!r}: commitments go through proposal_commit")
    return _once(
        campaign,
        agent,
        client_key,
        lambda: _proposal_save(
            campaign=campaign, agent=agent, outcome=outcome, client_key=client_key, now=now
        ),
    )


def proposal_commit(
    *,
    campaign: Campaign,
    agent: User,
    first_name: str,
    commune: Commune | None,
    consent: bool,
    client_key: str,
    email: str = "",
    site: str = "",
    now: dt.datetime | None = None,
) -> Recorded:
    """« S'engage »: the commitment, confirmed and counted at once (the agent
    attests the resident's consent), and its proposal. Raises
    pledges.services.CommitmentRefused with the reason."""
    return _once(
        campaign,
        agent,
        client_key,
        lambda: _commit_save(
            campaign=campaign,
            agent=agent,
            first_name=first_name,
            commune=commune,
            consent=consent,
            email=email,
            site=site,
            client_key=client_key,
            now=now,
        ),
    )


@transaction.atomic
def _proposal_save(
    *, campaign: Campaign, agent: User, outcome: str, client_key: str, now: dt.datetime | None
) -> FieldProposal:
    proposal = FieldProposal.objects.create(
        campaign=campaign, agent=agent, outcome=outcome, client_key=client_key
    )
    if now is not None:  # created_at is auto_now_add: tests and imports date it
        FieldProposal.objects.filter(pk=proposal.pk).update(created_at=now)
        proposal.created_at = now
    transaction.on_commit(lambda: activity_cache_clear(campaign.pk))
    return proposal


@transaction.atomic
def _commit_save(
    *,
    campaign: Campaign,
    agent: User,
    first_name: str,
    commune: Commune | None,
    consent: bool,
    email: str,
    site: str,
    client_key: str,
    now: dt.datetime | None,
) -> FieldProposal:
    commitment = commitment_create(
        campaign=campaign,
        first_name=first_name,
        email=email,
        commune=commune,
        consent=consent,
        site=site,
        agent=agent,
        now=now,
    )
    proposal = _proposal_save(
        campaign=campaign,
        agent=agent,
        outcome=ProposalOutcome.COMMITTED,
        client_key=client_key,
        now=now,
    )
    proposal.commitment = commitment
    proposal.save(update_fields=["commitment"])
    return proposal


# --- What an agent and the organiser see -----------------------------------------


# The same counts as the sponsor's field figures, per agent and per day.
Counts = FieldTotals


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def agent_counts(*, campaign: Campaign, agent: User, day: dt.date | None = None) -> Counts:
    """The agent's own counts of the day (today by default), in one query."""
    start, end = _day_bounds(day or timezone.localdate())
    return Counts(
        **FieldProposal.objects.filter(
            campaign=campaign, agent=agent, created_at__gte=start, created_at__lt=end
        ).aggregate(**FIELD_COUNTS)
    )


def agent_last_commune(*, campaign: Campaign, agent: User) -> Commune | None:
    """The commune of the agent's last recorded commitment: the next door is
    most likely in the same one."""
    proposal = (
        FieldProposal.objects.filter(
            campaign=campaign, agent=agent, commitment__commune__isnull=False
        )
        .select_related("commitment__commune")
        .order_by("-created_at", "-pk")
        .first()
    )
    return proposal.commitment.commune if proposal and proposal.commitment else None


@dataclass(frozen=True)
class AgentDay:
    agent: str
    day: dt.date | None
    counts: Counts
    last_activity: dt.datetime | None


@dataclass(frozen=True)
class FieldReport:
    totals: Counts
    agents: list[AgentDay]  # one line per agent, all days together
    days: list[AgentDay]  # one line per agent and day, latest day first


def _agent_name(user_id: int | None, names: dict[int, str]) -> str:
    if user_id is None:  # the agent's account was deleted
        return _("Compte supprimé")
    return names.get(user_id, "")


def field_report(campaign: Campaign) -> FieldReport:
    """Per agent and per day: proposals, commitments, refusals, absents,
    conversion and last activity. Named agents who recorded nothing appear
    with zeros: that is the signal. Two queries whatever the data."""
    proposals = FieldProposal.objects.filter(campaign=campaign).order_by()
    per_day = (
        proposals.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("agent", "day")
        .annotate(**FIELD_COUNTS, last=Max("created_at"))
        .order_by("-day", "agent")
    )
    rows: list[dict[str, Any]] = [dict(row) for row in per_day]
    agent_ids = {row["agent"] for row in rows if row["agent"] is not None}
    people = User.objects.filter(Q(pk__in=agent_ids) | Q(field_campaigns=campaign)).distinct()
    names = {user.pk: str(user) for user in people}
    days: list[AgentDay] = []
    per_agent: dict[int | None, AgentDay] = {}
    for row in rows:
        counts = Counts(**{name: row[name] for name in FIELD_COUNTS})
        days.append(AgentDay(_agent_name(row["agent"], names), row["day"], counts, row["last"]))
        total = per_agent.get(row["agent"])
        per_agent[row["agent"]] = _add(total, counts, row["last"], row["agent"], names)
    for pk in names:
        per_agent.setdefault(pk, AgentDay(names[pk], None, Counts(), None))
    agents = sorted(per_agent.values(), key=lambda a: (-a.counts.proposals, a.agent))
    totals = Counts(**{name: sum(getattr(a.counts, name) for a in agents) for name in FIELD_COUNTS})
    return FieldReport(totals=totals, agents=agents, days=days)


def _add(
    total: AgentDay | None,
    counts: Counts,
    last: dt.datetime | None,
    agent_id: int | None,
    names: dict[int, str],
) -> AgentDay:
    if total is None:
        return AgentDay(_agent_name(agent_id, names), None, counts, last)
    summed = Counts(
        **{name: getattr(total.counts, name) + getattr(counts, name) for name in FIELD_COUNTS}
    )
    moments = [d for d in (total.last_activity, last) if d is not None]
    return AgentDay(total.agent, None, summed, max(moments) if moments else None)
