"""Who may see, prepare and download a challenge's final report (see
challenges/rules.py for the predicates). The public version is seen by whoever
sees the challenge's results; the organiser version, the choice of photos and
testimonies and the generation are the organisers'; a testimony is given by
a participant of the challenge."""

from __future__ import annotations

from typing import Any

import rules

from challenges.rules import coordinates, is_participant, is_published_challenge, manages
from reports.models import Audience, Report


@rules.predicate
def is_public_report(user: Any, obj: Any) -> bool:
    return isinstance(obj, Report) and obj.audience == Audience.PUBLIC


def _challenge(obj: Any) -> Any:
    return obj.challenge if isinstance(obj, Report) else obj


@rules.predicate
def sees_results(user: Any, obj: Any) -> bool:
    return bool((is_published_challenge | manages | coordinates).test(user, _challenge(obj)))


@rules.predicate
def manages_challenge(user: Any, obj: Any) -> bool:
    return bool(manages.test(user, _challenge(obj)))


rules.add_perm("reports.view_public_report", sees_results)  # object: the challenge
rules.add_perm("reports.manage_report", manages_challenge)  # object: the challenge
rules.add_perm("reports.download_report", (is_public_report & sees_results) | manages_challenge)
rules.add_perm("reports.give_testimony", is_participant)  # object: the challenge
# Closed challenges compared across territories: public aggregates, for anyone.
rules.add_perm("reports.view_comparison", rules.always_allow)
# Open data: public aggregates under the Licence Ouverte, for anyone.
rules.add_perm("reports.view_open_data", rules.always_allow)
