"""Finding resources in French, on both databases.

- PostgreSQL: a `search_vector` column in the `elan_french` text search
  configuration (the `french` stemmer behind `unaccent`, created by
  migration 0002), ranked with ts_rank, snippets from ts_headline.
- SQLite: an FTS5 table `commons_resource_fts` (unicode61 tokenizer,
  diacritics removed) holding the words already reduced by the light French
  stemmer below, ranked with bm25; snippets are cut in Python.

Both are written by `index_resources`, which `commons.services` calls after
every revision (never a signal). The light stemmer runs on the query on both
databases, so that « compostage », « composter » and « Compostage » reach the
same sheets: on PostgreSQL each word matches its own Snowball stem OR the
prefix of its light stem (Snowball makes « compostag » and « compost »).
"""

# ruff: noqa: S608, S611 - the SQL below names only this module's constants; every value
# that comes from a person (query words, ids) is passed as a parameter.
from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection as default_connection
from django.db import connections, transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

CONFIG = "elan_french"
FTS_TABLE = "commons_resource_fts"
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
SNIPPET_WORDS = 30
_WORD = re.compile(r"\w+", re.UNICODE)

# Longest first; a suffix is removed only if a stem of 4 letters or more stays.
_SUFFIXES = sorted(
    [
        "issement", "ations", "ation", "atrice", "ateur", "ement", "ment", "ance", "ence",
        "aire", "ages", "age", "able", "ible", "isme", "iste", "ique", "ite", "ive", "if",
        "euse", "eur", "ion", "ons", "ees", "ee", "er", "ez", "es", "e",
    ],
    key=len,
    reverse=True,
)  # fmt: skip


def fold(text: str) -> str:
    """Lower case without accents: « Énergie » → « energie »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("œ", "oe")


def stem(word: str) -> str:
    """A light French stemmer: plural, then one derivational or verbal suffix."""
    w = fold(word)
    if len(w) <= 3 or w.isdigit():
        return w
    if w.endswith("aux") and len(w) > 5:
        w = w[:-3] + "al"
    elif w.endswith(("s", "x")) and len(w) > 4:
        w = w[:-1]
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: -len(suffix)]
    return w


def stem_text(text: str) -> str:
    return " ".join(stem(w) for w in _WORD.findall(text or ""))


def query_terms(query: str) -> list[tuple[str, str]]:
    """(folded word, light stem) of each word of a query, duplicates dropped."""
    seen: dict[str, tuple[str, str]] = {}
    for word in _WORD.findall(query):
        folded = fold(word)
        if folded not in seen:
            seen[folded] = (folded, stem(word))
    return list(seen.values())[:MAX_TERMS]


class QueryError(ValueError):
    """A query that cannot be searched; the message says why, in French."""


def check_query(query: str) -> str:
    query = " ".join(query.split())
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(
            _("Votre recherche compte %(n)s caractères : %(max)s au plus. Raccourcissez-la.")
            % {"n": len(query), "max": MAX_QUERY_LENGTH}
        )
    if query and not query_terms(query):
        raise QueryError(_("Saisissez au moins un mot (des lettres ou des chiffres)."))
    return query


# --- writing the index -------------------------------------------------------------


def is_postgres(connection: Any = None) -> bool:
    return (connection or default_connection).vendor == "postgresql"


def index_resources(ids: Iterable[int], connection: Any = None) -> None:
    """(Re)write the search index of these resources from their table row.

    Works on the table only, so that data migrations may call it too."""
    connection = connection or default_connection
    ids = list(ids)
    if not ids:
        return
    with connection.cursor() as cursor:
        if is_postgres(connection):
            cursor.execute(
                f"""UPDATE commons_resource SET search_vector =
                    setweight(to_tsvector('{CONFIG}', coalesce(title, '')), 'A')
                    || setweight(to_tsvector('{CONFIG}', coalesce(summary, '')), 'B')
                    || setweight(to_tsvector('{CONFIG}', coalesce(search_text, '')), 'C')
                    WHERE id = ANY(%s)""",
                [ids],
            )
            return
        if connection.vendor != "sqlite":
            return
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join(["%s"] * len(chunk))
            cursor.execute(
                "SELECT id, title, summary, search_text FROM commons_resource "
                f"WHERE id IN ({marks})",
                chunk,
            )
            rows = cursor.fetchall()
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", chunk)
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, title, summary, body) VALUES (%s, %s, %s, %s)",
                [(pk, stem_text(t), stem_text(s), stem_text(b)) for pk, t, s, b in rows],
            )


def forget_orphans(connection: Any = None) -> None:
    """Drop SQLite index rows whose resource is gone (a flushed test database)."""
    connection = connection or default_connection
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE rowid NOT IN (SELECT id FROM commons_resource)"
            )


# --- reading -----------------------------------------------------------------------


def _fts_match(terms: Sequence[tuple[str, str]]) -> str:
    return " ".join(f'"{light}"*' for _folded, light in terms)


def _pg_query(terms: Sequence[tuple[str, str]]) -> Any:
    from django.contrib.postgres.search import SearchQuery

    combined = None
    for folded, light in terms:
        one = SearchQuery(folded, config=CONFIG, search_type="plain") | SearchQuery(
            f"{light}:*", config=CONFIG, search_type="raw"
        )
        combined = one if combined is None else combined & one
    return combined


def matching(queryset: QuerySet[Any], query: str) -> QuerySet[Any]:
    """The resources that match `query`, annotated with `rank` (higher first)."""
    terms = query_terms(query)
    if not terms:
        return queryset.annotate(rank=RawSQL("0", []))
    if is_postgres():
        from django.contrib.postgres.search import SearchRank

        tsquery = _pg_query(terms)
        return queryset.filter(search_vector=tsquery).annotate(
            rank=SearchRank(F("search_vector"), tsquery)
        )
    match = _fts_match(terms)
    # The order comes from `ranked_rows` (one FTS scan): a bm25 subquery per
    # row would cost a lookup per matching resource.
    return queryset.filter(
        pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])
    ).annotate(rank=RawSQL("0", []))


# The planner costs a table scan by its pages and does not count detoasting
# each row's tsvector, which is most of the time of a scan (about 45 ms over
# 10,000 resources against 5–20 ms through the GIN index for a word found in
# one resource in five). With random_page_cost at 4 (the default, spinning
# disks) it already scans the whole table from about 2,000 matches; at 1.1
# (SSD, or everything in cache) it keeps the index until most resources match,
# where a scan is right. Set for the ranking query only, never lowered if the
# database is already set lower.
PLANNER_PAGE_COST = 1.1


@contextmanager
def _index_friendly(using: str) -> Iterator[None]:
    """A transaction with random_page_cost at most PLANNER_PAGE_COST. Within a
    larger transaction the previous value is put back afterwards (on an error,
    rolling back the savepoint undoes the setting)."""
    connection = connections[using]
    nested = connection.in_atomic_block
    with transaction.atomic(using=using), connection.cursor() as cursor:
        # OFFSET 0 keeps the old value read before the new one is set.
        cursor.execute(
            "SELECT before, set_config('random_page_cost', "
            "LEAST(before::float8, %s)::text, true) "
            "FROM (SELECT current_setting('random_page_cost') AS before OFFSET 0) AS s",
            [PLANNER_PAGE_COST],
        )
        previous = cursor.fetchone()[0]
        yield
        if nested:
            cursor.execute("SELECT set_config('random_page_cost', %s, true)", [previous])


def ranked_rows(
    queryset: QuerySet[Any], query: str, columns: Sequence[str]
) -> list[tuple[Any, ...]] | None:
    """(pk, *columns) of every resource of `queryset` (already `matching`), best
    first, read in one pass; None for an empty query or another database.

    The caller counts its facets from these rows: matching again for each facet
    would, on PostgreSQL, read every resource's tsvector once more per facet
    (the planner scans the table when a word is common, and detoasting the
    vectors is most of the time: 45 ms a pass over 10,000 resources)."""
    terms = query_terms(query)
    if not terms:
        return None
    if is_postgres():
        ordered = queryset.order_by("-rank", "title")
        with _index_friendly(queryset.db):
            return list(ordered.values_list("pk", *columns))
    if default_connection.vendor != "sqlite":
        return None
    with default_connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
            f"ORDER BY bm25({FTS_TABLE}, 10.0, 4.0, 1.0)",
            [_fts_match(terms)],
        )
        order = [row[0] for row in cursor.fetchall()]
    allowed = {row[0]: row for row in queryset.order_by().values_list("pk", *columns)}
    return [allowed[pk] for pk in order if pk in allowed]


START, STOP = "\x02", "\x03"


def _marked(text: str) -> SafeString:
    escaped = html.escape(text).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(escaped)  # noqa: S308 - escaped just above


def snippets(resources: Sequence[Any], query: str) -> dict[int, SafeString]:
    """A highlighted extract of each resource's text around the query's words."""
    terms = query_terms(query)
    if not terms or not resources:
        return {}
    if is_postgres():
        from django.contrib.postgres.search import SearchHeadline
        from django.db.models import TextField, Value
        from django.db.models.functions import Concat

        rows = (
            type(resources[0])
            .objects.filter(pk__in=[r.pk for r in resources])
            .annotate(
                headline=SearchHeadline(
                    Concat("summary", Value(" "), "search_text", output_field=TextField()),
                    _pg_query(terms),
                    config=CONFIG,
                    start_sel=START,
                    stop_sel=STOP,
                    max_words=SNIPPET_WORDS,
                    min_words=12,
                )
            )
            .values_list("pk", "headline")
        )
        return {pk: _marked(text or "") for pk, text in rows}
    return {r.pk: _python_snippet(f"{r.summary} {r.search_text}", terms) for r in resources}


def _python_snippet(text: str, terms: Sequence[tuple[str, str]]) -> SafeString:
    words = text.split()
    stems = [light for _folded, light in terms]

    def hit(word: str) -> bool:
        core = _WORD.findall(word)
        return bool(core) and any(stem(core[0]).startswith(s) for s in stems)

    first = next((i for i, w in enumerate(words) if hit(w)), 0)
    start = max(0, first - SNIPPET_WORDS // 3)
    window = words[start : start + SNIPPET_WORDS]
    marked = " ".join(f"{START}{w}{STOP}" if hit(w) else w for w in window)
    prefix = "… " if start else ""
    suffix = " …" if start + SNIPPET_WORDS < len(words) else ""
    return _marked(prefix + marked + suffix)


# --- facets ------------------------------------------------------------------------


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    url: str = ""  # this page with the filter added, or removed when selected


@dataclass
class Facet:
    name: str  # the GET parameter
    label: str
    values: list[FacetValue] = field(default_factory=list)


def count_by(queryset: QuerySet[Any], column: str) -> dict[Any, int]:
    rows = queryset.order_by().values(column).annotate(n=Count("pk")).values_list(column, "n")
    return {value: n for value, n in rows if value not in (None, "")}


def territory_type_counts(queryset: QuerySet[Any]) -> dict[str, int]:
    figures = queryset.order_by().aggregate(
        rural=Count("pk", filter=Q(for_rural=True)),
        periurbain=Count("pk", filter=Q(for_periurban=True)),
        urbain=Count("pk", filter=Q(for_urban=True)),
    )
    return {key: n for key, n in figures.items() if n}
