"""The report's content: figures from the results engine, equivalences with
their factors, counts instead of names in the public version, and missing
parts said plainly."""

from __future__ import annotations

from measures.models import Factor, FactorKind
from reports import content
from reports.models import Audience


def test_the_report_gathers_every_part(closed_challenge) -> None:
    challenge, photo, testimony, _users = closed_challenge
    selection = content.selection_of(challenge)
    selection.photos.add(photo)
    testimony.selected = True
    testimony.save()
    ctx = content.report_context(challenge, Audience.PUBLIC)
    assert ctx["people"] == {"households": 4, "teams": 2, "communes": 1}
    assert ctx["payload"]["energy"]["households_complete"] == 3
    assert "households" not in ctx["payload"]
    assert "excluded" not in ctx["payload"]
    assert ctx["excluded"] == []
    assert ctx["excluded_counts"], "the public version still says how many were excluded"
    assert [e["title"] for e in ctx["events"]["rows"]] == ["Atelier éco-gestes"]
    assert ctx["events"]["attended"] == 3
    assert ctx["photos"] == [photo]
    assert ctx["testimonies"] == [testimony]
    labels = [e.label for e in ctx["equivalences"]]
    assert any("électricité" in label for label in labels)
    assert "kilomètres en voiture" in labels
    assert "bains" in labels
    assert ctx["degree_day_sources"] == ["Météo-France, station de Montélimar"]
    assert any(row["key"] == "bain" for row in ctx["factor_table"])
    organiser = content.report_context(challenge, Audience.ORGANISER)
    assert {row["household"] for row in organiser["excluded"]} == {"Famille Tardive"}


def test_an_equivalence_is_its_factor_applied(closed_challenge) -> None:
    challenge, *_ = closed_challenge
    payload = content.payload_of(challenge)
    factors = list(Factor.objects.filter(factor_set_id=payload["factor_set"]["id"]))
    found, missing = content.equivalences(payload, factors)
    bath = Factor.objects.get(kind=FactorKind.EQUIVALENCE, key="bain")
    baths = next(e for e in found if e.label == "bains")
    expected = payload["water"]["savings_m3"] / float(bath.value)
    assert baths.amount.replace("\u202f", "").replace("\xa0", "") == f"{expected:.0f}"
    assert baths.source == bath.source
    assert not missing


def test_a_missing_factor_is_said_instead_of_failing(closed_challenge) -> None:
    challenge, *_ = closed_challenge
    payload = content.payload_of(challenge)
    factors = [
        f
        for f in Factor.objects.filter(factor_set_id=payload["factor_set"]["id"])
        if f.kind != FactorKind.EQUIVALENCE
    ]
    found, missing = content.equivalences(payload, factors)
    assert [e.label for e in found] == ["kilomètres en voiture"]
    assert len(missing) == 2
    assert "manque dans la version" in missing[0]


def test_a_challenge_without_complete_household_or_degree_days(territory) -> None:
    from tests.factories import ChallengeFactory

    challenge = ChallengeFactory(territory=territory)
    ctx = content.report_context(challenge, Audience.PUBLIC)
    assert ctx["people"]["households"] == 0
    assert ctx["events"]["rows"] == []
    assert ctx["photos"] == []
    assert ctx["testimonies"] == []


def test_the_data_key_changes_with_the_data_and_the_selection(closed_challenge) -> None:
    challenge, *_ = closed_challenge
    payload = content.payload_of(challenge)
    key = content.data_key(challenge, payload, 0)
    assert content.data_key(challenge, payload, 0) == key
    assert content.data_key(challenge, payload, 1) != key
    challenge.data_version += 1
    assert content.data_key(challenge, payload, 0) != key
