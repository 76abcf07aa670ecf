"""Search in French on the database the suite runs on (CI: SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from commons import search, selectors
from commons.search import stem
from tests.commons.factories import resource
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheets():  # type: ignore[no-untyped-def]
    return {
        "compost": resource(title="Le lombricompostage au village", body="Des bacs partagés."),
        "verb": resource(
            title="Jardiner", body="Lombricomposter les épluchures du jardin.", kind="outil"
        ),
        "other": resource(
            title="Monnaie locale", body="Faire circuler l'argent.", licence="cc-by-4.0"
        ),
        "accent": resource(title="Équarrissage citoyen", body="Une filière locale."),
    }


def _found(query: str) -> set[str]:
    page = selectors.search_page(user=UserFactory(), query=query, filters=selectors.Filters())
    return {r.title for r in page.results}


def test_the_light_stemmer_meets_in_the_middle():
    assert (
        stem("compostage")
        == stem("composter")
        == stem("Compostage")
        == stem("composteur")
        == "compost"
    )
    assert stem("Énergies") == stem("énergie")
    assert stem("locaux") == stem("local")


@pytest.mark.parametrize(
    "query", ["lombricompostage", "lombricomposter", "Lombricompostage", "LOMBRICOMPOSTAGES"]
)
def test_every_form_of_the_word_finds_the_same_sheets(sheets, query):  # type: ignore[no-untyped-def]
    assert _found(query) == {"Le lombricompostage au village", "Jardiner"}


@pytest.mark.parametrize("query", ["compostage", "composter", "Compostage"])
def test_the_shipped_compost_sheets_are_found_by_every_form(query):  # type: ignore[no-untyped-def]
    found = _found(query)
    assert "Mettre en place le compostage partagé de quartier" in found
    assert found == _found("compostage")


def test_accents_are_ignored(sheets):  # type: ignore[no-untyped-def]
    assert _found("equarrissage") == {"Équarrissage citoyen"}
    assert _found("ÉQUARRISSAGES") == {"Équarrissage citoyen"}


def test_all_words_must_match(sheets):  # type: ignore[no-untyped-def]
    assert _found("lombricompostage village") == {"Le lombricompostage au village"}


def test_a_word_in_the_title_ranks_first(sheets):  # type: ignore[no-untyped-def]
    page = selectors.search_page(
        user=UserFactory(), query="lombricompostage", filters=selectors.Filters()
    )
    assert page.results[0].title == "Le lombricompostage au village"


def test_snippets_highlight_the_words_and_escape_the_rest():
    found = resource(title="Piège", body="<b>Gras</b> puis le compostage des biodéchets.")
    snippet = search.snippets([found], "composter")[found.pk]
    assert "<mark>compostage</mark>" in snippet
    assert "<b>" not in snippet


def test_an_edit_reindexes_the_resource():
    from commons import services

    found = resource(title="Vélo", body="Rouler.")
    assert _found("trottinette") == set()
    services.resource_edit(
        resource=found,
        user=UserFactory(),
        data={"body": "Trottinettes partagées"},
        base_revision_id=found.current_revision_id,
    )
    assert _found("trottinette") == {"Vélo"}


def test_facets_count_the_matching_resources(sheets):  # type: ignore[no-untyped-def]
    page = selectors.search_page(
        user=UserFactory(), query="lombricompostage", filters=selectors.Filters()
    )
    facets = {f.name: {v.value: v.count for v in f.values} for f in page.facets}
    assert facets["type"] == {"fiche_action": 1, "outil": 1}
    assert facets["licence"] == {"cc-by-sa-4.0": 2}
    assert facets["territoire"] == {"rural": 2}
    narrowed = selectors.search_page(
        user=UserFactory(), query="lombricompostage", filters=selectors.Filters(kind="outil")
    )
    assert [r.title for r in narrowed.results] == ["Jardiner"]


def test_filtering_by_axis_without_a_query_counts_shipped_sheets():
    page = selectors.search_page(
        user=UserFactory(), query="", filters=selectors.Filters(axis="alimentation")
    )
    assert page.total >= 4
    assert {r.axis.code for r in page.results} == {"alimentation"}


def test_drafts_are_not_found():
    resource(title="Compostage secret", status="brouillon")
    assert "Compostage secret" not in _found("compostage")


@pytest.mark.parametrize("query", ["", "   "])
def test_an_empty_query_lists_everything_with_a_hint(client, query):  # type: ignore[no-untyped-def]
    response = client.get("/commun/recherche/", {"q": query})
    assert response.status_code == 200
    assert "Saisissez un ou plusieurs mots" in response.content.decode()


def test_a_query_of_2000_characters_is_a_clear_400(client):  # type: ignore[no-untyped-def]
    response = client.get("/commun/recherche/", {"q": "compostage " * 182})
    assert response.status_code == 400
    assert "Raccourcissez-la" in response.content.decode()


def test_punctuation_only_is_a_clear_400(client):  # type: ignore[no-untyped-def]
    response = client.get("/commun/recherche/", {"q": '"*) OR ( NEAR'})
    assert response.status_code == 200  # words remain: searched, never a syntax error
    response = client.get("/commun/recherche/", {"q": "*** ((( ^^^"})
    assert response.status_code == 400
    assert "au moins un mot" in response.content.decode()


def test_an_unknown_facet_value_is_a_400_not_a_500(client):  # type: ignore[no-untyped-def]
    assert client.get("/commun/recherche/", {"type": "inconnu"}).status_code == 400


def test_the_page_shows_facets_with_counts(client, sheets):  # type: ignore[no-untyped-def]
    page = client.get("/commun/recherche/", {"q": "lombricompostage"}).content.decode()
    assert "Fiche action (1)" in page
    assert "Outil (1)" in page


# Added with the benchmark's fixes (docs/commons.md, « Mesures »): the facets of a
# query are counted from its ranked rows, and the result list joins its version.
@pytest.mark.parametrize("query", ["compostage", "commune", "énergie solaire"])
def test_facets_counted_from_the_ranked_rows_equal_those_counted_in_sql(query):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import AnonymousUser

    from commons.models import Resource

    page = selectors.search_page(user=AnonymousUser(), query=query, filters=selectors.Filters())
    matched = search.matching(selectors.base_queryset(AnonymousUser()), query)
    assert page.total == matched.count()
    in_sql = selectors.facets(
        Resource.objects.filter(pk__in=matched.values("pk")), selectors.Filters()
    )
    assert [(f.name, [(v.value, v.count) for v in f.values]) for f in page.facets] == [
        (f.name, [(v.value, v.count) for v in f.values]) for f in in_sql
    ]


def test_the_api_list_reads_a_fixed_number_of_queries(client):  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (1, 20):
        with CaptureQueriesContext(connection) as queries:
            data = client.get("/api/v1/commons/resources", {"q": "commune", "page_size": size})
        assert len(data.json()["items"]) == min(size, data.json()["count"])
        counts.append(len(queries))
    assert counts[0] == counts[1]
