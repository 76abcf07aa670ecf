"""pledges.activities: the rules of an activity report, its effect on the
campaign's counter, and the figures (METHODOLOGY §6) computed in SQL."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from measures.factors import DEFAULT_FACTOR_SET_NAME, TRAVEL_MODE_KEYS, factor_values
from measures.models import Factor, FactorSet
from pledges import activities
from pledges.models import ActivityReport, Campaign, CampaignStatus, CommitmentStatus
from tests.pledges.factories import (
    ActivityReportFactory,
    CampaignFactory,
    CommitmentFactory,
    FieldProposalFactory,
    OperationFactory,
)

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    # Read at each use: a run that crosses midnight must not compare
    # yesterday's date with the server's today.
    return timezone.localdate()


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


@pytest.fixture
def campaign(territory):  # type: ignore[no-untyped-def]
    """Opened 9 days ago (10 campaign days so far), deadline in 20 days."""
    return CampaignFactory(
        territory=territory,
        reports_activities=True,
        participants_goal=2,
        published_at=_at(today() - dt.timedelta(days=9)),
        deadline=_at(today() + dt.timedelta(days=20)),
    )


@pytest.fixture
def commitment(campaign):  # type: ignore[no-untyped-def]
    return CommitmentFactory(campaign=campaign, first_name="Lou")


def report(commitment, km="12", mode="velo", day=None, **kwargs):  # type: ignore[no-untyped-def]
    values = {"day": day or today(), "mode": mode, "km": None if km is None else Decimal(km)}
    values.update(kwargs)
    return activities.activity_report_create(commitment=commitment, **values)


def refreshed(campaign: Campaign) -> Campaign:
    campaign.refresh_from_db()
    return campaign


# --- The factor table ---------------------------------------------------------------


def test_the_default_factor_set_has_every_travel_mode_with_its_source() -> None:
    factor_set = FactorSet.objects.get(name=DEFAULT_FACTOR_SET_NAME)
    values = factor_values(factor_set)
    for key in TRAVEL_MODE_KEYS:
        assert ("co2_par_km", key) in values, key
    rows = Factor.objects.filter(factor_set=factor_set, kind="co2_par_km")
    assert all(row.source and row.unit == "kgCO2e/km" for row in rows)
    car = values[("co2_par_km", "voiture")]
    assert car == Decimal("0.218")
    assert values[("co2_par_km", "covoiturage")] == car / 2
    assert values[("co2_par_km", "velo")] == values[("co2_par_km", "marche")] == 0
    assert 0 < values[("co2_par_km", "transport_commun")] < car
    assert 0 < values[("co2_par_km", "trottinette")] < values[("co2_par_km", "transport_commun")]


def test_the_mode_factors_migration_reverses_and_replays() -> None:
    from django.apps import apps

    from measures.migrations import __name__ as package

    module = __import__(f"{package}.0004_mode_factors", fromlist=["FACTORS"])
    module.remove_mode_factors(apps, None)
    assert not Factor.objects.filter(kind="co2_par_km", key="velo").exists()
    assert Factor.objects.filter(kind="co2_par_km", key="voiture").exists()  # 0003's stays
    module.add_mode_factors(apps, None)
    module.add_mode_factors(apps, None)  # idempotent
    assert Factor.objects.filter(kind="co2_par_km", key="velo").count() == 1


# --- The rules of a report ---------------------------------------------------------


def _codes(error: ValidationError) -> dict[str, list[str | None]]:
    return {name: [e.code for e in errors] for name, errors in error.error_dict.items()}


def check(campaign, day=None, mode="velo", km="10", count=None, confirmed=False):  # type: ignore[no-untyped-def]
    activities.report_check(
        campaign=campaign,
        day=day or today(),
        mode=mode,
        km=None if km is None else Decimal(km),
        count=count,
        confirmed=confirmed,
        today=today(),
    )


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (today() + dt.timedelta(days=2), "future"),
        (today() - dt.timedelta(days=10), "before"),
    ],
)
def test_it_refuses_a_date_outside_the_campaign(campaign, day, code) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(activities.ActivityRefused) as refused:
        check(campaign, day=day)
    assert _codes(refused.value) == {"date": [code]}


def test_it_refuses_a_date_after_the_deadline_and_its_week_of_grace(campaign) -> None:  # type: ignore[no-untyped-def]
    campaign.deadline = _at(today() - dt.timedelta(days=8))
    campaign.published_at = _at(today() - dt.timedelta(days=30))
    last_day = today() - dt.timedelta(days=1)
    activities.report_check(
        campaign=campaign,
        day=last_day,
        mode="velo",
        km=Decimal(5),
        count=None,
        confirmed=False,
        today=last_day,
    )
    with pytest.raises(activities.ActivityRefused) as refused:
        check(campaign)
    assert _codes(refused.value) == {"date": ["after"]}
    assert "7 jours après la date limite" in refused.value.messages[0]


def test_it_refuses_negative_km_and_a_mode_the_campaign_does_not_offer(campaign) -> None:  # type: ignore[no-untyped-def]
    campaign.activity_modes = ["velo", "marche"]
    with pytest.raises(activities.ActivityRefused) as refused:
        check(campaign, mode="covoiturage", km="-3")
    assert _codes(refused.value) == {"mode": ["mode"], "km": ["negative"]}
    assert "ne peut pas être négatif" in " ".join(refused.value.messages)


@pytest.mark.parametrize(
    ("mode", "fine", "absurd"),
    [
        ("velo", "300", "300.1"),
        ("marche", "80", "81"),
        ("trottinette", "100", "101"),
        ("transport_commun", "1000", "1001"),
        ("covoiturage", "1000", "1200"),
    ],
)
def test_absurd_values_ask_for_confirmation(campaign, mode, fine, absurd) -> None:  # type: ignore[no-untyped-def]
    check(campaign, mode=mode, km=fine)
    with pytest.raises(activities.ActivityRefused) as refused:
        check(campaign, mode=mode, km=absurd)
    assert activities.needs_confirmation(refused.value)
    check(campaign, mode=mode, km=absurd, confirmed=True)


def test_the_question_says_what_was_typed(campaign) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(activities.ActivityRefused) as refused:
        check(campaign, km="350")
    assert refused.value.messages == [
        "Vous avez saisi 350 km à vélo en une journée : confirmez-vous ?"
    ]


def test_an_absurd_value_with_another_error_is_not_only_a_question(campaign) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(activities.ActivityRefused) as refused:
        check(campaign, day=today() + dt.timedelta(days=1), km="350")
    assert not activities.needs_confirmation(refused.value)


def test_campaigns_counted_in_trips_ask_for_a_count(campaign) -> None:  # type: ignore[no-untyped-def]
    campaign.quantity_unit = "trajets"
    with pytest.raises(activities.ActivityRefused) as refused:
        check(campaign, km="10", count=None)
    assert _codes(refused.value) == {"count": ["required"]}
    check(campaign, km=None, count=4)
    with pytest.raises(activities.ActivityRefused):
        check(campaign, km=None, count=25)


# --- Writing reports --------------------------------------------------------------


def test_a_report_adds_its_km_to_the_campaign_total(campaign, commitment) -> None:  # type: ignore[no-untyped-def]
    saved, created = report(commitment, km="12.5")
    assert created
    assert saved.km == Decimal("12.5")
    assert refreshed(campaign).quantity_total == Decimal("12.5")
    report(commitment, km="7.5", mode="marche")
    assert refreshed(campaign).quantity_total == Decimal("20")


def test_the_same_client_key_counts_once(campaign, commitment) -> None:  # type: ignore[no-untyped-def]
    key = uuid.uuid4()
    first, created = report(commitment, client_key=key)
    again, created_again = report(commitment, km="99", client_key=key)
    assert created
    assert not created_again
    assert again.pk == first.pk
    assert again.km == Decimal(12)
    assert ActivityReport.objects.count() == 1
    assert refreshed(campaign).quantity_total == Decimal(12)


def test_someone_elses_client_key_is_refused(campaign, commitment) -> None:  # type: ignore[no-untyped-def]
    key = uuid.uuid4()
    report(commitment, client_key=key)
    other = CommitmentFactory(campaign=campaign)
    with pytest.raises(activities.ActivityRefused):
        report(other, client_key=key)


def test_the_quantity_goal_is_reached_by_reports(campaign, commitment) -> None:  # type: ignore[no-untyped-def]
    Campaign.objects.filter(pk=campaign.pk).update(
        quantity_goal=Decimal(100), participants_goal=1, participants_count=1
    )
    report(commitment, km="60")
    assert refreshed(campaign).status == CampaignStatus.OPEN
    report(commitment, km="45", day=today() - dt.timedelta(days=1))
    campaign = refreshed(campaign)
    assert campaign.status == CampaignStatus.REACHED
    assert campaign.quantity_total == Decimal(105)


def test_a_trips_campaign_adds_the_count(campaign, commitment) -> None:  # type: ignore[no-untyped-def]
    Campaign.objects.filter(pk=campaign.pk).update(quantity_unit="trajets")
    saved, _created = report(commitment, km=None, count=4)
    assert saved.count == 4
    assert saved.km is None
    assert refreshed(campaign).quantity_total == 4


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": CommitmentStatus.PENDING}, "pas (ou plus) confirmé"),
        ({"status": CommitmentStatus.WITHDRAWN}, "pas (ou plus) confirmé"),
    ],
)
def test_only_confirmed_commitments_report(commitment, change, message) -> None:  # type: ignore[no-untyped-def]
    for name, value in change.items():
        setattr(commitment, name, value)
    commitment.save()
    with pytest.raises(activities.ActivityRefused) as refused:
        report(commitment)
    assert message in refused.value.messages[0]
    assert not ActivityReport.objects.exists()


def test_a_campaign_without_reports_refuses_them(campaign, commitment) -> None:  # type: ignore[no-untyped-def]
    Campaign.objects.filter(pk=campaign.pk).update(reports_activities=False)
    with pytest.raises(activities.ActivityRefused, match="ne demande pas"):
        report(commitment)


def test_reporting_closes_a_week_after_the_deadline(campaign, commitment) -> None:  # type: ignore[no-untyped-def]
    Campaign.objects.filter(pk=campaign.pk).update(
        deadline=_at(today() - dt.timedelta(days=8)),
        published_at=_at(today() - dt.timedelta(days=40)),
    )
    with pytest.raises(activities.ActivityRefused, match="closes depuis"):
        report(commitment, day=today() - dt.timedelta(days=10))


def test_deleting_a_report_takes_it_off_the_total(campaign, commitment) -> None:  # type: ignore[no-untyped-def]
    saved, _created = report(commitment, km="12")
    report(commitment, km="8", mode="marche")
    assert activities.activity_report_delete(commitment=commitment, report_id=saved.pk)
    assert refreshed(campaign).quantity_total == Decimal(8)
    # A second click deletes nothing more.
    assert not activities.activity_report_delete(commitment=commitment, report_id=saved.pk)
    assert refreshed(campaign).quantity_total == Decimal(8)


def test_nobody_deletes_someone_elses_report(campaign, commitment) -> None:  # type: ignore[no-untyped-def]
    saved, _created = report(commitment)
    other = CommitmentFactory(campaign=campaign)
    assert not activities.activity_report_delete(commitment=other, report_id=saved.pk)
    assert ActivityReport.objects.filter(pk=saved.pk).exists()


# --- Figures -------------------------------------------------------------------------


def test_totals_by_mode_and_co2_avoided(campaign, commitment) -> None:  # type: ignore[no-untyped-def]
    other = CommitmentFactory(campaign=campaign)
    ActivityReportFactory(commitment=commitment, mode="velo", km=Decimal(100))
    ActivityReportFactory(commitment=other, mode="velo", km=Decimal(20))
    ActivityReportFactory(commitment=other, mode="covoiturage", km=Decimal(50))
    ActivityReportFactory(commitment=other, mode="autre", km=Decimal(30))
    summary = activities.activity_summary(campaign)
    by_mode = {m.mode: m for m in summary.modes}
    assert [m.mode for m in summary.modes] == ["velo", "covoiturage", "autre"]
    assert by_mode["velo"].km == 120
    assert by_mode["velo"].reports == 2
    # 120 km × (0.218 − 0) = 26.16; 50 km × (0.218 − 0.109) = 5.45; « autre » is left out.
    assert by_mode["velo"].co2_avoided_kg == Decimal("26.2")
    assert by_mode["covoiturage"].co2_avoided_kg == Decimal("5.5")
    assert by_mode["autre"].co2_avoided_kg is None
    assert summary.km == 200
    assert summary.co2_avoided_kg == Decimal("31.7")
    assert summary.factor_set == DEFAULT_FACTOR_SET_NAME


def test_the_participation_rate(campaign, commitment) -> None:  # type: ignore[no-untyped-def]
    other = CommitmentFactory(campaign=campaign)
    Campaign.objects.filter(pk=campaign.pk).update(participants_count=2)
    campaign.refresh_from_db()
    for days_ago in (0, 1, 2):
        ActivityReportFactory(commitment=commitment, date=today() - dt.timedelta(days=days_ago))
    # Two reports the same day count as one day; a withdrawn person's reports do not count.
    ActivityReportFactory(commitment=other, date=today(), mode="velo")
    ActivityReportFactory(commitment=other, date=today(), mode="marche")
    gone = CommitmentFactory(campaign=campaign, status=CommitmentStatus.WITHDRAWN)
    ActivityReportFactory(commitment=gone, date=today())
    summary = activities.activity_summary(campaign)
    # 4 active person-days / (2 participants × 10 days) = 0.2
    assert summary.days == 10
    assert summary.active_days == 4
    assert summary.participation_rate == pytest.approx(0.2)


def test_without_participants_there_is_no_rate(campaign) -> None:  # type: ignore[no-untyped-def]
    assert activities.activity_summary(campaign).participation_rate is None


def test_sites_are_ranked_by_participation_then_km(campaign) -> None:  # type: ignore[no-untyped-def]
    Campaign.objects.filter(pk=campaign.pk).update(sites=["Lyon", "Crest", "Die"])
    campaign.refresh_from_db()
    lyon = [CommitmentFactory(campaign=campaign, site="Lyon") for _ in range(2)]
    crest = CommitmentFactory(campaign=campaign, site="Crest")
    for person in lyon:
        ActivityReportFactory(commitment=person, km=Decimal(5))
    ActivityReportFactory(commitment=crest, km=Decimal(30))
    sites = activities.activity_summary(campaign).sites
    assert [s.site for s in sites] == ["Crest", "Lyon", "Die"]
    assert sites[0].participants == 1
    assert sites[0].km == 30
    assert sites[1].participants == 2
    assert sites[1].km == 10
    assert sites[0].participation_rate == pytest.approx(1 / 10)
    assert sites[1].participation_rate == pytest.approx(2 / 20)
    assert sites[2].participants == 0
    assert sites[2].participation_rate is None


def test_the_campaigns_of_an_operation_are_ranked(territory) -> None:  # type: ignore[no-untyped-def]
    operation = OperationFactory(territory=territory, organisation="Humanis")
    bike = CampaignFactory(territory=territory, operation=operation, title="Vélo")
    walk = CampaignFactory(territory=territory, operation=operation, title="Marche")
    CampaignFactory(territory=territory, operation=operation, status=CampaignStatus.DRAFT)
    Campaign.objects.filter(pk=bike.pk).update(participants_count=3, quantity_total=Decimal(42))
    Campaign.objects.filter(pk=walk.pk).update(participants_count=5)
    ranks = activities.operation_ranking(operation)
    assert [(r.campaign, r.participants) for r in ranks] == [("Marche", 5), ("Vélo", 3)]
    assert ranks[1].quantity == Decimal(42)


def test_personal_totals(campaign, commitment) -> None:  # type: ignore[no-untyped-def]
    ActivityReportFactory(commitment=commitment, km=Decimal(12))
    ActivityReportFactory(
        commitment=commitment, km=Decimal(35), date=today() - dt.timedelta(days=1)
    )
    ActivityReportFactory(commitment=CommitmentFactory(campaign=campaign), km=Decimal(99))
    mine = activities.personal_totals(commitment)
    assert mine.km == 47
    assert mine.co2_avoided_kg == Decimal("10.2")  # 47 × 0.218 = 10.246


def test_a_missing_factor_leaves_the_mode_out_of_co2(campaign, commitment) -> None:  # type: ignore[no-untyped-def]
    Factor.objects.filter(kind="co2_par_km", key="trottinette").delete()
    ActivityReportFactory(commitment=commitment, mode="trottinette", km=Decimal(10))
    summary = activities.activity_summary(campaign)
    assert summary.modes[0].co2_avoided_kg is None
    assert summary.co2_avoided_kg == 0


def test_the_summary_is_cached_until_a_report_changes(
    campaign, commitment, django_assert_num_queries, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    ActivityReportFactory(commitment=commitment, km=Decimal(10))
    assert activities.activity_summary(campaign).km == 10
    with django_assert_num_queries(0):
        activities.activity_summary(campaign)
    with django_capture_on_commit_callbacks(execute=True):
        report(commitment, km="5", mode="marche")
    assert activities.activity_summary(refreshed(campaign)).km == 15


def _fill(campaign, people: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(people):
        person = CommitmentFactory(campaign=campaign, site=["Lyon", "Crest"][i % 2])
        ActivityReportFactory(commitment=person, km=Decimal(i + 1))
        ActivityReportFactory(commitment=person, mode="marche", km=Decimal(2))
        FieldProposalFactory(campaign=campaign)


@pytest.mark.parametrize("people", [2, 20])
def test_the_figures_take_the_same_queries_whatever_the_data(
    campaign, people, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    Campaign.objects.filter(pk=campaign.pk).update(sites=["Lyon", "Crest"])
    campaign.refresh_from_db()
    _fill(campaign, people)
    activities.co2_factors()  # cached for ten minutes, shared by every campaign
    # mode totals, active days, sites
    with django_assert_num_queries(3):
        activities.activity_summary(campaign)
    # weeks, communes, sites, field
    with django_assert_num_queries(4):
        activities.campaign_figures(campaign)
    with django_assert_num_queries(1):
        list(activities.csv_rows(campaign, ["velo", "marche"]))


def test_the_sponsor_figures(campaign, territory) -> None:  # type: ignore[no-untyped-def]
    crest = territory.communes.first()
    monday = today() - dt.timedelta(days=today().weekday())
    CommitmentFactory(campaign=campaign, commune=crest, confirmed_at=_at(monday))
    CommitmentFactory(campaign=campaign, commune=crest, confirmed_at=_at(monday))
    CommitmentFactory(campaign=campaign, confirmed_at=_at(monday - dt.timedelta(days=14)))
    CommitmentFactory(campaign=campaign, status=CommitmentStatus.PENDING, confirmed_at=None)
    FieldProposalFactory(campaign=campaign, outcome="engage")
    FieldProposalFactory(campaign=campaign, outcome="refus")
    FieldProposalFactory(campaign=campaign, outcome="absent")
    figures = activities.campaign_figures(campaign)
    assert figures.weeks == [monday - dt.timedelta(days=14), monday - dt.timedelta(days=7), monday]
    assert figures.new_by_week == [1, 0, 2]
    assert figures.cumulative_by_week == [1, 1, 3]
    assert [(c.label, c.participants) for c in figures.communes] == [
        ("Crest", 2),
        ("Non renseigné", 1),
    ]
    assert figures.field.proposals == 3
    assert figures.field.conversion_rate == pytest.approx(0.5)


def test_co2_follows_the_current_factor_version(campaign, commitment) -> None:  # type: ignore[no-untyped-def]
    newer = FactorSet.objects.create(name="2026", valid_from=today() - dt.timedelta(days=1))
    Factor.objects.create(
        factor_set=newer,
        kind="co2_par_km",
        key="voiture",
        unit="kgCO2e/km",
        value="0.2",
        source="x",
    )
    Factor.objects.create(
        factor_set=newer, kind="co2_par_km", key="velo", unit="kgCO2e/km", value="0", source="x"
    )
    ActivityReportFactory(commitment=commitment, km=Decimal(10))
    summary = activities.activity_summary(campaign)
    assert summary.factor_set == "2026"
    assert summary.co2_avoided_kg == Decimal("2.0")
