"""The public-page cache (elan/pagecache.py): anonymous visitors without a
session get the kept bytes, fresh after every write, with their own CSRF token."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from elan import pagecache
from territories.models import Territory
from tests.factories import TerritoryFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/t/val-de-drome/"


@pytest.fixture
def territory():  # type: ignore[no-untyped-def]
    return TerritoryFactory(slug="val-de-drome", name="Val de Drôme")


@pytest.fixture(autouse=True)
def settled(monkeypatch):  # type: ignore[no-untyped-def]
    # The factories have just written: without this the first pages would be
    # served but not kept (the settling delay after a write).
    monkeypatch.setattr(pagecache, "SETTLE_NS", 0)


def _token(response) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert found
    return found.group(1)


def test_a_second_visitor_gets_the_kept_page_without_a_query(territory) -> None:
    first = Client().get(URL)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as hit:
        second = Client().get(URL)
    assert second.status_code == 200
    assert len(hit.captured_queries) == 0
    assert "Val de Drôme" in second.content.decode()


def test_a_write_renders_the_page_again(territory) -> None:
    assert "Val de Drôme" in Client().get(URL).content.decode()
    territory.name = "Vallée de la Drôme"
    territory.save()
    with CaptureQueriesContext(connection) as miss:
        page = Client().get(URL).content.decode()
    assert len(miss.captured_queries) > 0
    assert "Vallée de la Drôme" in page


def test_a_write_to_an_app_the_page_does_not_show_keeps_it(territory) -> None:
    from tests.factories import ChallengeFactory

    challenge = ChallengeFactory(territory=territory)
    Client().get(URL)
    challenge.save()  # challenges: not on the territory page
    with CaptureQueriesContext(connection) as hit:
        Client().get(URL)
    assert len(hit.captured_queries) == 0


@pytest.mark.parametrize("precomputed", [True, False])
def test_a_reading_bumps_the_results_pages_only_when_they_read_it(settings, precomputed) -> None:
    """With precomputed results public pages show the challenge's snapshot: a
    household's reading leaves them kept (the snapshot's save refreshes them).
    Computed on the fly, the page reads the readings: each one renders it again."""
    from measures.models import FactorSet, ResultSnapshot
    from tests.factories import ChallengeFactory, MeterFactory, ReadingFactory

    settings.ELAN_RESULTS_PRECOMPUTE = precomputed
    meter = MeterFactory()
    before = pagecache.cache.get("elan:page-generation:measures")
    ReadingFactory(meter=meter)
    after = pagecache.cache.get("elan:page-generation:measures")
    assert (after == before) is precomputed
    challenge = ChallengeFactory()
    scoped = pagecache._keys(["measures"], challenge.territory.slug)
    kept = pagecache.cache.get_many(scoped)
    ResultSnapshot.objects.create(
        challenge=challenge,
        data_version=1,
        factor_set=FactorSet.objects.first(),
        payload={},
    )
    assert pagecache.cache.get_many(scoped) != kept


def test_a_write_of_one_territory_keeps_the_other_territories_pages(territory) -> None:
    """A results snapshot renews its own territory's pages and the pages of no
    territory (the home page), not the other territories'."""
    from measures.models import FactorSet, ResultSnapshot
    from tests.factories import ChallengeFactory

    other = TerritoryFactory(slug="diois", name="Diois")
    here = ChallengeFactory(territory=territory)
    there = ChallengeFactory(territory=other)
    pages = [f"/t/{c.territory.slug}/defis/{c.slug}/" for c in (here, there)]

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as ran:
            assert Client().get(path).status_code == 200
        return len(ran.captured_queries)

    for path in pages:
        queries(path)
    assert [queries(path) for path in pages] == [0, 0]
    ResultSnapshot.objects.create(
        challenge=there, data_version=1, factor_set=FactorSet.objects.first(), payload={}
    )
    assert queries(pages[0]) == 0  # the other territory's challenge page: kept
    assert queries(pages[1]) > 0  # the snapshot's own territory: rendered again
    home = pagecache._keys(["measures"], None)
    assert pagecache.cache.get(home[1]) is not None  # pages of no territory renew too


def test_a_page_rendered_just_after_a_write_is_served_but_not_kept(territory, monkeypatch) -> None:
    monkeypatch.setattr(pagecache, "SETTLE_NS", 60 * 10**9)
    Territory.objects.filter(pk=territory.pk).update(name="Avant le commit")
    territory.save(update_fields=["tagline"])  # a write seen by the signal, just now
    assert Client().get(URL).status_code == 200
    with CaptureQueriesContext(connection) as again:
        Client().get(URL)
    assert len(again.captured_queries) > 0


def test_each_visitor_gets_a_token_of_their_own_that_works(territory) -> None:
    one, two = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first, second = one.get(URL), two.get(URL)
    assert pagecache.CSRF_PLACEHOLDER not in second.content.decode()
    assert _token(first) != _token(second)
    assert "csrftoken" in second.cookies
    # The kept page's form posts with the second visitor's token.
    switched = two.post(
        "/i18n/setlang/", {"language": "en", "next": URL, "csrfmiddlewaretoken": _token(second)}
    )
    assert switched.status_code == 302
    refused = two.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": "x" * 64})
    assert refused.status_code == 403


def test_a_signed_in_person_never_gets_the_kept_page(territory) -> None:
    Client().get(URL)
    client = Client()
    client.force_login(UserFactory(email="animatrice@example.org"))
    with CaptureQueriesContext(connection) as own:
        assert client.get(URL).status_code == 200
    assert len(own.captured_queries) > 0


def test_htmx_and_pending_messages_skip_the_cache(territory) -> None:
    Client().get(URL)
    with CaptureQueriesContext(connection) as htmx:
        Client().get(URL, headers={"HX-Request": "true"})
    assert len(htmx.captured_queries) > 0
    client = Client()
    client.cookies["messages"] = "anything"
    with CaptureQueriesContext(connection) as messages:
        client.get(URL)
    assert len(messages.captured_queries) > 0


def test_languages_are_kept_apart(territory) -> None:
    french = Client().get(URL).content.decode()
    english_client = Client()
    english_client.cookies["django_language"] = "en"
    english = english_client.get(URL).content.decode()
    assert 'lang="fr"' in french
    assert 'lang="en"' in english


def test_query_strings_are_kept_apart(territory) -> None:
    Client().get("/")
    with CaptureQueriesContext(connection) as other:
        Client().get("/?page=2")
    assert len(other.captured_queries) > 0


def test_only_a_200_is_kept(territory) -> None:
    assert Client().get("/t/inconnu/").status_code == 404
    with CaptureQueriesContext(connection) as again:
        assert Client().get("/t/inconnu/").status_code == 404
    assert len(again.captured_queries) > 0


def test_an_unpublished_territory_disappears_at_once(territory) -> None:
    assert Client().get(URL).status_code == 200
    territory.is_published = False
    territory.save()
    assert Client().get(URL).status_code == 404


def test_the_page_is_kept_no_longer_than_the_setting(territory, settings, monkeypatch) -> None:
    settings.ELAN_PAGE_CACHE_SECONDS = 7
    kept: list[int] = []
    original = pagecache.cache.set

    def spy(key, value, timeout=None, **kwargs):  # type: ignore[no-untyped-def]
        if key.startswith("elan:page:"):
            kept.append(timeout)
        return original(key, value, timeout, **kwargs)

    monkeypatch.setattr(pagecache.cache, "set", spy)
    Client().get(URL)
    assert kept == [7]


def test_zero_turns_the_cache_off(territory, settings) -> None:
    settings.ELAN_PAGE_CACHE_SECONDS = 0
    Client().get(URL)
    with CaptureQueriesContext(connection) as again:
        Client().get(URL)
    assert len(again.captured_queries) > 0


def test_a_page_must_name_apps_that_are_tracked() -> None:
    with pytest.raises(ValueError, match="non suivies"):
        pagecache.public_page(depends=("accounts",))


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/t/val-de-drome/",
        "/t/val-de-drome/agenda/",
        "/t/val-de-drome/reseau/",
        "/commun/",
        "/comparaisons/",
        "/donnees-ouvertes/",
    ],
)
def test_every_public_page_listed_is_kept(territory, path) -> None:
    assert Client().get(path).status_code == 200
    with CaptureQueriesContext(connection) as hit:
        assert Client().get(path).status_code == 200
    assert len(hit.captured_queries) == 0, path


def test_a_shared_computation_is_kept_until_a_write_to_what_it_reads(territory) -> None:
    calls: list[int] = []

    def compute() -> dict[str, int]:
        calls.append(1)
        return {"n": len(calls)}

    def once() -> dict[str, int]:
        return pagecache.computed_once(
            "essai", depends=("territories",), compute=compute, timeout=30
        )

    assert once() == {"n": 1}
    assert once() == {"n": 1}
    territory.save()  # territories: what it reads
    assert once() == {"n": 2}
    from tests.factories import ChallengeFactory

    ChallengeFactory(territory=territory)  # challenges: not read
    assert once() == {"n": 2}
    with pytest.raises(ValueError, match="non suivies"):
        pagecache.computed_once("essai", depends=("accounts",), compute=compute, timeout=30)


def test_a_shared_computation_just_after_a_write_is_not_kept(territory, monkeypatch) -> None:
    monkeypatch.setattr(pagecache, "SETTLE_NS", 10**12)
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    for expected in (1, 2):
        territory.save()
        assert (
            pagecache.computed_once("essai", depends=("territories",), compute=compute, timeout=30)
            == expected
        )


def test_the_organisers_dashboard_is_computed_once_and_renewed_by_a_write(
    territory, organiser
) -> None:
    from challenges.models import RegistrationStatus
    from tests.factories import ChallengeFactory, HouseholdFactory, RegistrationFactory

    challenge = ChallengeFactory(territory=territory, open_for_registration=True)
    client = Client()
    client.force_login(organiser)
    url = f"/t/{territory.slug}/animation/suivi/"
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).context["figures"]["candidates"] == 0
    with CaptureQueriesContext(connection) as second:
        assert client.get(url).context["figures"]["candidates"] == 0
    assert len(second.captured_queries) < len(first.captured_queries) - 5
    RegistrationFactory(
        challenge=challenge, household=HouseholdFactory(), status=RegistrationStatus.CANDIDATE
    )
    assert client.get(url).context["figures"]["candidates"] == 1


@pytest.mark.parametrize("precomputed", [True, False])
def test_a_results_snapshot_leaves_the_dashboard_kept_when_results_are_precomputed(
    territory, organiser, settings, precomputed
) -> None:
    """A snapshot is saved every few seconds while readings come in; the
    dashboard reads none, so with precomputed results it stays kept. Computed
    on the fly, readings renew the measures' generation and so the dashboard."""
    from measures.models import FactorSet, ResultSnapshot
    from tests.factories import ChallengeFactory, MeterFactory, ReadingFactory

    settings.ELAN_RESULTS_PRECOMPUTE = precomputed
    challenge = ChallengeFactory(territory=territory)
    meter = MeterFactory()
    client = Client()
    client.force_login(organiser)
    url = f"/t/{territory.slug}/animation/suivi/"
    client.get(url)
    with CaptureQueriesContext(connection) as kept:
        client.get(url)
    ResultSnapshot.objects.create(
        challenge=challenge, data_version=1, factor_set=FactorSet.objects.first(), payload={}
    )
    ReadingFactory(meter=meter)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    if precomputed:
        assert len(after.captured_queries) == len(kept.captured_queries)
    else:
        assert len(after.captured_queries) > len(kept.captured_queries) + 5
