"""French-first UI with an English translation.

Source strings (gettext msgids) are French; ``locale/en`` holds the English
catalogue, committed both as ``django.po`` and compiled ``django.mo`` so that
machines without GNU gettext still get English. ``locale/fr``, committed the
same way, translates nothing: it gives French its plural rule (0 is singular).
"""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import ngettext, override

from elan.french_catalogue import fill
from tests.factories import HouseholdFactory, UserFactory

PO_PATH = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# Python-format placeholders (%(name)s, %s, %d…) and inline HTML tags.
PLACEHOLDER_RE = re.compile(r"%(?:\([A-Za-z_]\w*\))?[sdif]")
TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>")


def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def parse_po(path: Path) -> list[dict]:
    """Minimal .po reader: one dict per entry with flags, msgid, msgid_plural, msgstr list."""
    entries: list[dict] = []
    entry: dict | None = None
    field: str | None = None

    def flush() -> None:
        nonlocal entry
        if entry is not None and "msgid" in entry:
            entries.append(entry)
        entry = None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if match:
            keyword, index, value = match.groups()
            if keyword.startswith("msgstr"):
                field = f"msgstr{int(index or 0)}"
                entry["msgstr"][int(index or 0)] = _unquote(value)
            else:
                field = keyword
                entry[keyword] = _unquote(value)
        else:
            assert line.startswith('"'), f"unexpected line in {path.name}: {raw!r}"
            if field is not None and field.startswith("msgstr"):
                entry["msgstr"][int(field[6:])] += _unquote(line)
            else:
                entry[field] += _unquote(line)
    flush()
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[dict]:
    entries = parse_po(PO_PATH)
    # Skip the header (empty msgid).
    return [e for e in entries if e["msgid"]]


def test_home_page_is_french_by_default(client, db) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Aller au contenu" in html
    assert "Territoires" in html
    assert "Skip to content" not in html


def test_language_switch_to_english(client, db) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"

    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Skip to content" in html
    assert "Territories" in html
    assert "Aller au contenu" not in html


def test_language_switch_back_to_french(client, db) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="fr">' in html
    assert "Aller au contenu" in html


def test_po_file_is_complete(po_entries) -> None:
    assert len(po_entries) > 100
    fuzzy = [e["msgid"] for e in po_entries if "fuzzy" in e["flags"]]
    assert fuzzy == []
    untranslated = [
        e["msgid"] for e in po_entries if not e["msgstr"] or not all(e["msgstr"].values())
    ]
    assert untranslated == []
    plurals = [e for e in po_entries if "msgid_plural" in e]
    assert all(sorted(e["msgstr"]) == [0, 1] for e in plurals)


def test_po_header_has_no_fuzzy_flag() -> None:
    header = parse_po(PO_PATH)[0]
    assert header["msgid"] == ""
    assert "fuzzy" not in header["flags"]
    assert "Language: en\n" in header["msgstr"][0]


def test_placeholders_and_markup_are_kept(po_entries) -> None:
    problems = []
    for entry in po_entries:
        sources = [entry["msgid"], entry.get("msgid_plural", entry["msgid"])]
        for index, translation in entry["msgstr"].items():
            source = sources[min(index, 1)]
            if sorted(PLACEHOLDER_RE.findall(source)) != sorted(
                PLACEHOLDER_RE.findall(translation)
            ):
                problems.append(("placeholders", entry["msgid"], translation))
            if TAG_RE.findall(source) != TAG_RE.findall(translation):
                problems.append(("markup", entry["msgid"], translation))
    assert problems == []


def test_compiled_catalogue_matches_po(po_entries) -> None:
    """The committed .mo must be compiled from the current .po."""
    assert MO_PATH.exists()
    with MO_PATH.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    stale = []
    for entry in po_entries:
        msgid, context = entry["msgid"], entry.get("msgctxt")
        if "msgid_plural" in entry:
            plural = entry["msgid_plural"]
            got = [
                catalogue.npgettext(context, msgid, plural, n)
                if context
                else catalogue.ngettext(msgid, plural, n)
                for n in (1, 2)
            ]
            want = [entry["msgstr"][0], entry["msgstr"][1]]
        else:
            got = catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)
            want = entry["msgstr"][0]
        if got != want:
            stale.append(entry["msgid"])
    assert stale == []


@pytest.mark.django_db
def test_a_browser_asking_for_english_still_gets_french_until_the_switch_is_used(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="fr"' in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR").content.decode()


# --- French: the msgids are French; the catalogue gives French plural rules --------

FR_PO_PATH = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
FR_MO_PATH = FR_PO_PATH.with_suffix(".mo")


@pytest.fixture(scope="module")
def fr_entries() -> list[dict]:
    return [e for e in parse_po(FR_PO_PATH) if e["msgid"]]


def test_the_french_catalogue_counts_0_and_1_as_singular() -> None:
    header = parse_po(FR_PO_PATH)[0]
    assert "fuzzy" not in header["flags"]
    assert "Language: fr\n" in header["msgstr"][0]
    assert "Plural-Forms: nplurals=2; plural=(n > 1);\n" in header["msgstr"][0]


def test_every_plural_message_has_its_two_french_forms(fr_entries, po_entries) -> None:
    plurals = [e for e in fr_entries if "msgid_plural" in e]
    assert [
        e["msgid"] for e in plurals if e["msgstr"] != {0: e["msgid"], 1: e["msgid_plural"]}
    ] == []
    # Singular messages fall back to their (French) msgid.
    assert [e["msgid"] for e in fr_entries if "msgid_plural" not in e and e["msgstr"][0]] == []
    assert not [e for e in fr_entries if "fuzzy" in e["flags"]]
    # Both catalogues come from the same `make messages`: no plural missing in French.
    english = {(e.get("msgctxt"), e["msgid"]) for e in po_entries if "msgid_plural" in e}
    assert english - {(e.get("msgctxt"), e["msgid"]) for e in plurals} == set()


def test_the_compiled_french_catalogue_matches_its_po(fr_entries) -> None:
    with FR_MO_PATH.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    stale = [
        e["msgid"]
        for e in fr_entries
        if "msgid_plural" in e
        and [catalogue.ngettext(e["msgid"], e["msgid_plural"], n) for n in (0, 1, 2)]
        != [e["msgid"], e["msgid"], e["msgid_plural"]]
    ]
    assert stale == []


@pytest.mark.parametrize(
    ("singular", "plural"),
    [
        ("%(count)s ligne importée", "%(count)s lignes importées"),
        ("%(n)s foyer", "%(n)s foyers"),
        ("%(counter)s enfant", "%(counter)s enfants"),
        (
            "La page %(page)s n'existe pas : la liste compte %(last)s page.",
            "La page %(page)s n'existe pas : la liste compte %(last)s pages.",
        ),
    ],
)
def test_french_says_0_and_1_in_the_singular_and_2_in_the_plural(
    singular: str, plural: str
) -> None:
    with override("fr"):
        said = [ngettext(singular, plural, n) for n in (0, 1, 2)]
    assert said == [singular, singular, plural]


@pytest.mark.django_db
def test_a_household_with_no_child_reads_0_enfant(client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(UserFactory(household=HouseholdFactory(adults=1, children=0)))
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "1 adulte, 0 enfant</li>" in html


def test_the_french_catalogue_is_derived_from_the_sources_alone() -> None:
    made = (
        '#, fuzzy\nmsgid ""\nmsgstr ""\n"POT-Creation-Date: 2026-01-02 10:00+0100\\n"\n'
        '"Language: \\n"\n"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;\\n"\n\n'
        '#: a.py:1\nmsgid "Bonjour"\nmsgstr ""\n\n'
        '#: a.py:2\n#, fuzzy, python-format\n#| msgid "%(n)s foyé"\nmsgid "%(n)s foyer"\n'
        'msgid_plural "%(n)s foyers"\nmsgstr[0] "%(n)s foyé"\nmsgstr[1] ""\n\n'
        '#~ msgid "Ancien"\n#~ msgstr "Ancien"\n'
    )
    filled = fill(made)
    assert fill(filled) == filled
    assert '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"' in filled
    assert '"PO-Revision-Date: 2026-01-02 10:00+0100\\n"' in filled
    assert '#: a.py:1\nmsgid "Bonjour"\nmsgstr ""\n' in filled
    assert (
        '#: a.py:2\n#, python-format\nmsgid "%(n)s foyer"\nmsgid_plural "%(n)s foyers"\n'
        'msgstr[0] "%(n)s foyer"\nmsgstr[1] "%(n)s foyers"\n'
    ) in filled
    assert "fuzzy" not in filled
    assert "Ancien" not in filled
