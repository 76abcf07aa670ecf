"""French-first UI with an English translation.

Source strings (gettext msgids) are French; ``locale/en`` holds the English
catalogue, committed both as ``django.po`` and compiled ``django.mo`` so that
machines without GNU gettext still get English.
"""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

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
