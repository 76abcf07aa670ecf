"""The network's dashboard: members per year by type, activity per year,
overdue members, training impact and campaign editions — the figures, the
page (chart and table with the same numbers), the downloads, and query
counts that do not grow with the network."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Attendance, Audience, EventKind, EventRegistration, RegistrationStatus
from network import indicators
from network.models import (
    ActionStatus,
    ActorKind,
    Invitation,
    MembershipStatus,
    Newsletter,
    NewsletterStatus,
)
from tests.commons.factories import resource
from tests.events.factories import EventFactory
from tests.network.campaign_factories import CampaignWeekFactory, action_with_dates
from tests.network.factories import (
    ActorFactory,
    ContactFactory,
    ContactLogFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_YEAR = TODAY.year


def _member(territory, joined: dt.date, *, kind=ActorKind.ASSOCIATION, left: dt.date | None = None):  # type: ignore[no-untyped-def]
    actor = ActorFactory(territory=territory, kind=kind)
    MembershipFactory(
        actor=actor,
        joined_on=joined,
        left_on=left,
        status=MembershipStatus.LEFT if left else MembershipStatus.MEMBER,
    )
    return actor


def _growth(territory):  # type: ignore[no-untyped-def]
    """Two years ago: 2 communes and 1 association; last year one more
    association and a company; this year the company left."""
    two, one = THIS_YEAR - 2, THIS_YEAR - 1
    _member(territory, dt.date(two, 3, 1), kind=ActorKind.COMMUNE)
    _member(territory, dt.date(two, 3, 1), kind=ActorKind.COMMUNE)
    _member(territory, dt.date(two, 6, 1))
    _member(territory, dt.date(one, 2, 1))
    _member(territory, dt.date(one, 5, 1), kind=ActorKind.COMPANY, left=dt.date(THIS_YEAR, 1, 2))
    # Neither a candidate nor a declined request is a member.
    candidate = ActorFactory(territory=territory)
    MembershipFactory(actor=candidate, status=MembershipStatus.CANDIDATE, joined_on=None)


def test_members_at_each_year_end_by_type(territory) -> None:
    _growth(territory)
    years = indicators.years_shown(territory, TODAY)
    assert years == [THIS_YEAR - 2, THIS_YEAR - 1, THIS_YEAR]
    rows = indicators.members_per_year(territory, years, today=TODAY)
    assert [row.total for row in rows] == [3, 5, 4]
    assert rows[0].by_kind == {ActorKind.COMMUNE: 2, ActorKind.ASSOCIATION: 1}
    assert rows[1].by_kind[ActorKind.COMPANY] == 1
    assert ActorKind.COMPANY not in rows[2].by_kind
    assert [(row.joined, row.left) for row in rows] == [(3, 0), (2, 0), (0, 1)]
    assert rows[0].group(indicators.KIND_GROUPS[0][1]) == 2


def test_a_network_without_members_shows_this_year_only(territory) -> None:
    board = indicators.dashboard(territory)
    assert board.years == [THIS_YEAR]
    assert [row.total for row in board.members] == [0]
    assert board.overdue.members == 0
    assert board.overdue.overdue_percent is None
    assert board.training.trained_actors == 0
    assert board.editions == []


def test_at_most_ten_years_are_shown(territory) -> None:
    _member(territory, dt.date(THIS_YEAR - 25, 1, 1))
    assert len(indicators.years_shown(territory, TODAY)) == indicators.MAX_YEARS


def _held_council(territory, year: int, present: int, excused: int, absent: int):  # type: ignore[no-untyped-def]
    starts = dt.datetime(year, 3, 10, 18, tzinfo=timezone.get_current_timezone())
    if starts > timezone.now():
        starts = timezone.now() - dt.timedelta(hours=3)
    event = EventFactory(
        territory=territory,
        kind=EventKind.ACTOR_COUNCIL,
        audience=Audience.INVITATION,
        theme="",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
    )
    actor = ActorFactory(territory=territory)
    marks = (
        [Attendance.PRESENT] * present
        + [Attendance.EXCUSED] * excused
        + [Attendance.ABSENT] * absent
    )
    for mark in marks:
        contact = ContactFactory(actor=actor)
        registration = EventRegistration.objects.create(
            event=event,
            email=contact.email,
            name=contact.full_name,
            status=RegistrationStatus.CONFIRMED,
            attendance=mark,
        )
        Invitation.objects.create(
            event=event, actor=actor, contact=contact, registration=registration
        )
    return event


def test_activity_per_year(territory) -> None:
    _growth(territory)
    last = THIS_YEAR - 1
    Newsletter.objects.create(
        territory=territory,
        subject="Lettre de printemps",
        body="Bonjour",
        status=NewsletterStatus.SENT,
        sent_at=dt.datetime(last, 4, 2, 9, tzinfo=timezone.get_current_timezone()),
        recipients_count=120,
    )
    Newsletter.objects.create(territory=territory, subject="Brouillon", body="…")
    sheet = resource()
    actor = ActorFactory(territory=territory)
    actor.practice_sheets.add(sheet)
    ActorFactory(territory=territory).practice_sheets.add(sheet)  # one sheet, two authors
    _held_council(territory, last, present=4, excused=2, absent=2)
    ContactLogFactory(actor=actor, happened_on=dt.date(last, 5, 1))
    ContactLogFactory(actor=actor, happened_on=dt.date(last, 9, 1))
    rows = {row.year: row for row in indicators.activity_per_year(territory, [last, THIS_YEAR])}
    assert (rows[last].newsletters, rows[last].newsletter_recipients) == (1, 120)
    assert (rows[last].meetings, rows[last].councils) == (1, 1)
    assert (rows[last].invited, rows[last].present, rows[last].excused) == (8, 4, 2)
    assert rows[last].attendance_percent == 50
    assert (rows[last].contact_logs, rows[last].actors_contacted) == (2, 1)
    assert rows[THIS_YEAR].sheets == 1  # created this year
    assert rows[THIS_YEAR].newsletters == 0


def test_overdue_figures_follow_the_overdue_list(territory) -> None:
    fresh = _member(territory, TODAY - dt.timedelta(days=400))
    ContactLogFactory(actor=fresh, happened_on=TODAY - dt.timedelta(days=10))
    old = _member(territory, TODAY - dt.timedelta(days=400))
    ContactLogFactory(actor=old, happened_on=TODAY - dt.timedelta(days=200))
    _member(territory, TODAY - dt.timedelta(days=400))  # never contacted, joined long ago
    _member(territory, TODAY - dt.timedelta(days=5))  # never contacted, just joined
    figures = indicators.overdue_figures(territory, today=TODAY)
    assert (figures.members, figures.overdue, figures.never_contacted) == (4, 2, 2)
    assert figures.overdue_percent == 50


def test_campaign_editions_compare_with_the_previous_edition_of_the_theme(territory) -> None:
    start = TODAY - dt.timedelta(days=800)
    older = CampaignWeekFactory(
        territory=territory,
        title="SERD 1",
        starts_on=start,
        ends_on=start + dt.timedelta(days=8),
        declaration_deadline=start - dt.timedelta(days=5),
    )
    newer = CampaignWeekFactory(
        territory=territory,
        title="SERD 2",
        starts_on=start + dt.timedelta(days=365),
        ends_on=start + dt.timedelta(days=373),
        declaration_deadline=start + dt.timedelta(days=360),
    )
    other_theme = CampaignWeekFactory(
        territory=territory,
        title="Semaine de la mobilité",
        theme="mobilite",
        starts_on=start + dt.timedelta(days=400),
        ends_on=start + dt.timedelta(days=407),
        declaration_deadline=start + dt.timedelta(days=395),
    )
    action_with_dates(0, week=older, status=ActionStatus.ACCEPTED)
    action_with_dates(0, 1, 2, week=newer, status=ActionStatus.ACCEPTED)
    action_with_dates(0, week=newer, status=ActionStatus.ACCEPTED)
    action_with_dates(0, week=newer, status=ActionStatus.REFUSED)
    editions = indicators.campaign_editions(territory)
    assert [e.current.week for e in editions] == [other_theme, newer, older]
    assert editions[0].previous is None
    assert editions[1].previous is not None
    assert editions[1].previous.week == older
    assert (editions[1].current.actions, editions[1].current.distinct_actions) == (4, 2)
    assert editions[1].current.valued_expenses == 2 * (Decimal("1.5") * 200 + 120)


_made = {"weeks": 0}


def _big_network(territory, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        _made["weeks"] += 1
        actor = _member(territory, dt.date(THIS_YEAR - 1 - i % 3, 1 + i % 12, 1))
        ContactLogFactory(actor=actor, happened_on=TODAY - dt.timedelta(days=i * 20))
        actor.practice_sheets.add(resource())
        _held_council(territory, THIS_YEAR - 1 - i % 3, present=2, excused=1, absent=1)
        week = CampaignWeekFactory(territory=territory, title=f"SERD n° {_made['weeks']}")
        action_with_dates(0, 1, week=week, status=ActionStatus.ACCEPTED)


def test_the_dashboard_takes_as_many_queries_for_a_larger_network(territory) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            indicators.dashboard(territory)
        return len(queries)

    _big_network(territory, 2)
    small = count()
    _big_network(territory, 5)
    assert count() == small
    assert small <= 20


# --- the page and the downloads ---------------------------------------------------


def test_the_page_shows_the_chart_and_the_table_with_the_same_numbers(
    client, territory, organiser
) -> None:
    _growth(territory)
    client.force_login(organiser)
    response = client.get(reverse("network:indicators", args=[territory.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="graphique-membres-titre"' in page
    assert "<svg" in page
    members = response.context["tables"]["membres"]
    assert [row[members.header.index("Total des membres")] for row in members.rows] == [3, 5, 4]
    assert 'id="tableau-membres"' in page
    assert 'id="tableau-activite"' in page
    assert "Aucune semaine thématique pour l'instant." in page
    assert 'aria-current="page"' in page


def test_the_page_of_an_empty_network_says_so(client, territory, organiser) -> None:
    client.force_login(organiser)
    page = client.get(reverse("network:indicators", args=[territory.slug])).content.decode()
    assert "Aucun membre pour l'instant" in page
    assert "Aucune session de formation tenue pour l'instant." in page


def test_the_page_takes_as_many_queries_for_a_larger_network(client, territory, organiser) -> None:
    client.force_login(organiser)
    url = reverse("network:indicators", args=[territory.slug])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _big_network(territory, 2)
    small = count()
    _big_network(territory, 4)
    assert count() == small


@pytest.mark.parametrize("table", ["membres", "activite", "formation", "semaines"])
def test_each_table_downloads_as_csv_with_the_page_numbers(
    client, territory, organiser, table
) -> None:
    _growth(territory)
    client.force_login(organiser)
    url = reverse("network:indicators_export", args=[territory.slug])
    response = client.get(url, {"tableau": table})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"val-de-drome-reseau-{table}.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    page = client.get(reverse("network:indicators", args=[territory.slug]))
    shown = page.context["tables"][table]
    assert rows[0] == list(shown.header)
    assert len(rows) == len(shown.rows) + 1
    if table == "membres":
        assert [row[-3] for row in rows[1:]] == ["3", "5", "4"]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_tables_download_as_spreadsheets(client, territory, organiser, fmt) -> None:
    _growth(territory)
    client.force_login(organiser)
    url = reverse("network:indicators_export", args=[territory.slug])
    response = client.get(url, {"tableau": "membres", "format": fmt})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    assert response.content[:2] == b"PK"


def test_a_bad_format_or_table_is_refused_plainly(client, territory, organiser) -> None:
    client.force_login(organiser)
    url = reverse("network:indicators_export", args=[territory.slug])
    response = client.get(url, {"tableau": "membres", "format": "pdf"})
    assert response.status_code == 400
    assert "Format inconnu" in response.content.decode()
    assert client.get(url, {"tableau": "inconnu"}).status_code == 404
    assert client.get(url).status_code == 404


def test_another_territorys_organiser_is_refused(
    client, territory, other_territory, other_organiser
) -> None:
    client.force_login(other_organiser)
    assert client.get(reverse("network:indicators", args=[territory.slug])).status_code == 403
    url = reverse("network:indicators_export", args=[territory.slug])
    assert client.get(url, {"tableau": "membres"}).status_code == 403


def test_the_regional_coordinator_reads_the_dashboard(client, territory, coordinator) -> None:
    client.force_login(coordinator)
    assert client.get(reverse("network:indicators", args=[territory.slug])).status_code == 200
