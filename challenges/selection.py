"""Selection of the households when a challenge has more candidates than places.

The rules are those of the seed (« Comment sélectionner les participants si il
y a trop d'inscrits ? »). `decide()` is pure: it ranks hand-made `Candidate`
values and returns one `Outcome` per candidate, with the explanation that the
household will read. `selection_apply()` is the one service that reads the
database, calls `decide()` and writes the decisions.

Everything is deterministic: ties always fall back on the registration time,
then on the primary key.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from challenges.models import (
    Challenge,
    Registration,
    RegistrationDecision,
    RegistrationStatus,
    SelectionRule,
    Team,
)
from challenges.services.teams import team_by_code, team_join
from challenges.tasks import notify_household

REASON_MAX_LENGTH = 300

# Statuses the engine may (re)decide; selected and withdrawn households keep theirs.
UNDECIDED = (RegistrationStatus.CANDIDATE, RegistrationStatus.WAITING)


@dataclass(frozen=True)
class Candidate:
    pk: int
    registered_at: dt.datetime
    is_resident: bool = False
    is_member: bool = False
    # The team the household asked to join (empty when the code matched no team).
    team_code: str = ""
    team_name: str = ""
    housing_type: str = ""
    main_heating: str = ""
    persons: int = 1
    commune_id: str | int | None = None
    # Shown in the explanations of the « diverse » rule.
    housing_label: str = ""
    heating_label: str = ""
    commune_name: str = ""

    @property
    def order_key(self) -> tuple[dt.datetime, int]:
        return (self.registered_at, self.pk)

    @property
    def size_bucket(self) -> str:
        if self.persons <= 2:
            return str(self.persons)
        return "3-4" if self.persons <= 4 else "5+"

    @property
    def profile(self) -> tuple[str, str, str, str | int | None]:
        return (self.housing_type, self.main_heating, self.size_bucket, self.commune_id)


@dataclass(frozen=True)
class Outcome:
    pk: int
    status: str
    reason: str
    waiting_rank: int | None = None


@dataclass
class _Ranked:
    """A candidate in the order of the rule, with why it is where it is."""

    candidate: Candidate
    priority: bool  # favoured by the rule (resident, member, team…)
    team_fits: bool = True


@dataclass
class SelectionResult:
    selected: int = 0
    waiting: int = 0
    changed: int = 0
    outcomes: list[Outcome] = field(default_factory=list)


def day_label(moment: dt.datetime) -> str:
    """A moment as the decisions and e-mails write it: « 3 novembre 2026 »."""
    return date_format(timezone.localtime(moment), "j F Y")


def _clip(text: str) -> str:
    return text if len(text) <= REASON_MAX_LENGTH else text[: REASON_MAX_LENGTH - 1] + "…"


# --- ranking, one function per rule --------------------------------------------


def _by_flag(candidates: Iterable[Candidate], flag: Callable[[Candidate], bool]) -> list[_Ranked]:
    ordered = sorted(candidates, key=lambda c: (not flag(c), c.order_key))
    return [_Ranked(c, priority=flag(c)) for c in ordered]


def _rank_teams(candidates: Sequence[Candidate], places: int) -> list[_Ranked]:
    """Team registrations first, a team's households kept together: a team
    that fits in the places left is taken whole; one that does not comes next
    (filling what remains), and households registered alone come last."""
    groups: dict[str, list[Candidate]] = {}
    for c in sorted(candidates, key=lambda c: c.order_key):
        if c.team_code:
            groups.setdefault(c.team_code, []).append(c)
    fitting: list[_Ranked] = []
    too_big: list[_Ranked] = []
    left = places
    for members in groups.values():  # in order of each team's first registration
        if len(members) <= left:
            fitting += [_Ranked(c, priority=True) for c in members]
            left -= len(members)
        else:
            too_big += [_Ranked(c, priority=True, team_fits=False) for c in members]
    alone = [_Ranked(c, priority=False) for c in candidates if not c.team_code]
    alone.sort(key=lambda r: r.candidate.order_key)
    return fitting + too_big + alone


def _rank_diverse(candidates: Sequence[Candidate], selected: Sequence[Candidate]) -> list[_Ranked]:
    """Greedy: each pick is the candidate whose housing type, heating, size of
    household and commune are the least represented among the households
    already taken (the sum over the four criteria of how many share each
    value), so that a combination seen nowhere goes before a common one."""
    counts: list[Counter[object]] = [Counter() for _ in range(4)]
    for c in selected:
        for i, value in enumerate(c.profile):
            counts[i][value] += 1

    def crowding(c: Candidate) -> int:
        return sum(counts[i][value] for i, value in enumerate(c.profile))

    remaining = sorted(candidates, key=lambda c: c.order_key)
    ranked: list[_Ranked] = []
    while remaining:
        best = min(remaining, key=lambda c: (crowding(c), c.order_key))
        remaining.remove(best)
        ranked.append(_Ranked(best, priority=crowding(best) == 0))
        for i, value in enumerate(best.profile):
            counts[i][value] += 1
    return ranked


def rank(
    rule: str,
    candidates: Sequence[Candidate],
    *,
    places: int,
    selected: Sequence[Candidate] = (),
) -> list[_Ranked]:
    if rule == SelectionRule.RESIDENTS_FIRST:
        return _by_flag(candidates, lambda c: c.is_resident)
    if rule == SelectionRule.MEMBERS_FIRST:
        return _by_flag(candidates, lambda c: c.is_member)
    if rule == SelectionRule.TEAMS_FIRST:
        return _rank_teams(candidates, places)
    if rule == SelectionRule.DIVERSE:
        return _rank_diverse(candidates, selected)
    return _by_flag(candidates, lambda c: True)


# --- explanations ----------------------------------------------------------------


def _selected_reason(rule: str, ranked: _Ranked, *, max_households: int, association: str) -> str:
    c = ranked.candidate
    day = day_label(c.registered_at)
    if rule == SelectionRule.RESIDENTS_FIRST and ranked.priority:
        return _("Retenu : foyer de %(commune)s, commune du territoire, inscrit le %(day)s") % {
            "commune": c.commune_name,
            "day": day,
        }
    if rule == SelectionRule.MEMBERS_FIRST and ranked.priority:
        return _("Retenu : adhérent·e de %(association)s, inscrit le %(day)s") % {
            "association": association or _("l'association organisatrice"),
            "day": day,
        }
    if rule == SelectionRule.TEAMS_FIRST and ranked.priority:
        return _("Retenu : inscription en équipe (« %(team)s »), inscrit le %(day)s") % {
            "team": c.team_name,
            "day": day,
        }
    if rule == SelectionRule.DIVERSE:
        return _("Retenu : profil peu représenté (%(profile)s)") % {"profile": _profile_text(c)}
    if rule == SelectionRule.FIRST_COME:
        return _("Retenu : inscrit le %(day)s, parmi les %(n)s premiers") % {
            "day": day,
            "n": max_households,
        }
    # A rule with priorities, and places left once the favoured households were taken.
    return _("Retenu : inscrit le %(day)s ; il restait des places après %(who)s") % {
        "day": day,
        "who": _favoured(rule),
    }


def _favoured(rule: str) -> str:
    return {
        SelectionRule.RESIDENTS_FIRST: _("les habitants des communes du territoire"),
        SelectionRule.MEMBERS_FIRST: _("les adhérent·es de l'association"),
        SelectionRule.TEAMS_FIRST: _("les inscriptions en équipe"),
        SelectionRule.DIVERSE: _("les profils les moins représentés"),
    }.get(SelectionRule(rule), _("les premiers inscrits"))


def _waiting_reason(rule: str, ranked: _Ranked, *, rank_: int, max_households: int) -> str:
    why = _("%(who)s passent d'abord") % {"who": _favoured(rule)}
    if rule == SelectionRule.TEAMS_FIRST and not ranked.team_fits:
        why = _("votre équipe ne tenait pas entière dans les places restantes")
    return _("Liste d'attente (rang %(rank)s) : les %(n)s places sont prises ; %(why)s") % {
        "rank": rank_,
        "n": max_households,
        "why": why,
    }


def _profile_text(c: Candidate) -> str:
    size = {
        "1": _("1 personne"),
        "2": _("2 personnes"),
        "3-4": _("3 ou 4 personnes"),
        "5+": _("5 personnes ou plus"),
    }[c.size_bucket]
    heating = _("chauffage : %s") % c.heating_label.lower() if c.heating_label else ""
    return ", ".join(p for p in (c.housing_label.lower(), heating, size, c.commune_name) if p)


# --- the decision ------------------------------------------------------------------


def decide(
    rule: str,
    candidates: Sequence[Candidate],
    *,
    max_households: int,
    selected: Sequence[Candidate] = (),
    association: str = "",
) -> list[Outcome]:
    """Rank `candidates` by `rule`, select up to the free places, put the rest
    on the waiting list (ranks 1, 2, …). `selected` are the households already
    retained: they take places and, for the diverse rule, count as represented."""
    places = max(0, max_households - len(selected))
    outcomes = []
    for position, ranked in enumerate(rank(rule, candidates, places=places, selected=selected)):
        if position < places:
            reason = _selected_reason(
                rule, ranked, max_households=max_households, association=association
            )
            outcomes.append(
                Outcome(ranked.candidate.pk, RegistrationStatus.SELECTED, _clip(reason))
            )
        else:
            waiting_rank = position - places + 1
            reason = _waiting_reason(
                rule, ranked, rank_=waiting_rank, max_households=max_households
            )
            outcomes.append(
                Outcome(
                    ranked.candidate.pk, RegistrationStatus.WAITING, _clip(reason), waiting_rank
                )
            )
    return outcomes


# --- reading the candidates from the database ------------------------------------


def candidates_of(challenge: Challenge, statuses: Iterable[str]) -> list[Candidate]:
    """Candidates of the challenge in the given statuses, in one query."""
    from territories.models import Territory

    residents = Territory.communes.through.objects.filter(
        territory_id=challenge.territory_id, commune_id=OuterRef("household__commune_id")
    )
    teams = {t.invite_code: t.name for t in challenge.teams.all()}
    rows = (
        challenge.registrations.filter(status__in=list(statuses))
        .select_related("household__commune")
        .annotate(is_resident=Exists(residents))
        .order_by("registered_at", "pk")
    )
    return [_candidate(r, teams) for r in rows]


def _candidate(r: Registration, teams: dict[str, str]) -> Candidate:
    household = r.household
    code = r.requested_team_code.strip().upper()
    return Candidate(
        pk=r.pk,
        registered_at=r.registered_at,
        is_resident=bool(getattr(r, "is_resident", False)),
        is_member=r.is_association_member,
        team_code=code if code in teams else "",
        team_name=teams.get(code, ""),
        housing_type=household.housing_type,
        main_heating=household.main_heating,
        persons=household.persons,
        commune_id=household.commune_id,
        housing_label=str(household.get_housing_type_display()),
        heating_label=str(household.get_main_heating_display()),
        commune_name=household.commune.name,
    )


# --- writing -----------------------------------------------------------------------


def decision_record(
    *,
    registration: Registration,
    status: str,
    reason: str,
    decided_by: User | None = None,
    waiting_rank: int | None = None,
) -> RegistrationDecision:
    """Set the registration's status and keep the decision in its history.
    Called inside the services' transactions."""
    now = timezone.now()
    registration.status = status
    registration.decision_reason = _clip(reason)
    registration.waiting_rank = waiting_rank
    registration.decided_at = now
    fields = ["status", "decision_reason", "waiting_rank", "decided_at"]
    if status != RegistrationStatus.SELECTED and registration.team_id is not None:
        # Only selected households are in teams; a captain who leaves stops
        # being captain, and the organiser is shown a team without one.
        Team.objects.filter(
            pk=registration.team_id, captain__household_id=registration.household_id
        ).update(captain=None, captain_trained=False)
        registration.team = None
        fields.append("team")
    registration.save(update_fields=fields)
    decision = RegistrationDecision.objects.create(
        registration=registration,
        status=status,
        reason=registration.decision_reason,
        decided_by=decided_by,
        decided_at=now,
    )
    if status == RegistrationStatus.SELECTED:
        _join_requested_team(registration)
    return decision


def _join_requested_team(registration: Registration) -> None:
    """A household that registered with a team's code joins it once selected;
    if the team is full by then, the organiser places the household."""
    if registration.team_id is not None or not registration.requested_team_code:
        return
    team = team_by_code(registration.challenge, registration.requested_team_code)
    if team is None:
        return
    try:
        team_join(registration=registration, team=team)
    except ValidationError:
        return


@transaction.atomic
def selection_apply(*, challenge: Challenge, decided_by: User | None = None) -> SelectionResult:
    """Decide every candidate and re-rank the waiting list by the challenge's rule.

    A household whose status or waiting rank changes gets a new decision row;
    one whose status changes gets an e-mail."""
    # Lock the challenge: two organisers clicking at once must not both fill the last places.
    Challenge.objects.select_for_update().filter(pk=challenge.pk).first()
    with translation.override(settings.LANGUAGE_CODE):
        selected = candidates_of(challenge, [RegistrationStatus.SELECTED])
        pending = candidates_of(challenge, UNDECIDED)
        outcomes = decide(
            challenge.selection_rule,
            pending,
            max_households=challenge.max_households,
            selected=selected,
            association=challenge.organising_association,
        )
    registrations = challenge.registrations.in_bulk([o.pk for o in outcomes])
    result = SelectionResult(outcomes=outcomes)
    for outcome in outcomes:
        registration = registrations[outcome.pk]
        status_changed = registration.status != outcome.status
        if status_changed or registration.waiting_rank != outcome.waiting_rank:
            decision_record(
                registration=registration,
                status=outcome.status,
                reason=outcome.reason,
                decided_by=decided_by,
                waiting_rank=outcome.waiting_rank,
            )
            result.changed += 1
        if status_changed:
            notify_household(registration, outcome.status)
        if outcome.status == RegistrationStatus.SELECTED:
            result.selected += 1
        else:
            result.waiting += 1
    return result
