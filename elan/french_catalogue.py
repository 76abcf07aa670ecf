"""Derive the French catalogue (locale/fr) from the one makemessages writes.

Élan's msgids are French, so French needs no translation but its plural rule:
without a French catalogue, gettext counts « 0 foyer » as a plural (n != 1).
`make messages` runs makemessages for fr, then this, which gives every plural
entry its own two forms, leaves singular entries empty (they fall back to the
msgid, as before) and sets the header's French Plural-Forms (n > 1). The
result depends on the sources only, never on a previous catalogue.

    python -m elan.french_catalogue locale/fr/LC_MESSAGES/django.po
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

TITLE = (
    "# French catalogue of Élan. The msgids are French already: only the plural\n"
    "# entries are filled, by elan/french_catalogue.py (`make messages`). Do not edit."
)
HEADER = {
    "Project-Id-Version": "Élan",
    "Last-Translator": "Élan team",
    "Language-Team": "French",
    "Language": "fr",
    "Plural-Forms": "nplurals=2; plural=(n > 1);",
}
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$')


def fill(text: str) -> str:
    blocks = [_entry(block) for block in re.split(r"\n\s*\n", text.strip())]
    return "\n\n".join(block for block in blocks if block) + "\n"


def _fields(lines: list[str]) -> dict[str, list[str]]:
    """Each keyword with its quoted lines, in the file's order."""
    fields: dict[str, list[str]] = {}
    current = ""
    for line in lines:
        match = KEYWORD.match(line)
        if match:
            current = match.group(1)
            fields[current] = [match.group(2)]
        elif line.startswith('"') and current:
            fields[current].append(line)
    return fields


def _entry(block: str) -> str:
    lines = block.splitlines()
    fields = _fields(lines)
    if "msgid" not in fields:
        return ""  # obsolete (#~): no longer in the sources
    # References and extracted comments stay; so do the format flags, not a
    # fuzzy one; previous msgids (#|) and translator comments go.
    comments = [line for line in lines if line.startswith(("#.", "#:"))]
    flags = [f for line in lines if line.startswith("#,") for f in line[2:].split(",")]
    flags = [f.strip() for f in flags if f.strip() != "fuzzy"]
    if flags:
        comments.append("#, " + ", ".join(flags))
    out = {name: value for name, value in fields.items() if not name.startswith("msgstr")}
    if fields["msgid"] == ['""']:
        return "\n".join([TITLE, *_write(out), "msgstr " + "\n".join(_header(fields["msgstr"]))])
    if "msgid_plural" in fields:
        out["msgstr[0]"] = fields["msgid"]
        out["msgstr[1]"] = fields["msgid_plural"]
    else:
        out["msgstr"] = ['""']
    return "\n".join([*comments, *_write(out)])


def _header(lines: list[str]) -> list[str]:
    values = dict(line.strip('"').removesuffix("\\n").split(": ", 1) for line in lines[1:])
    # Nothing is revised by hand: the revision is the extraction.
    values |= HEADER | {"PO-Revision-Date": values.get("POT-Creation-Date", "")}
    return ['""', *(f'"{name}: {value}\\n"' for name, value in values.items())]


def _write(fields: dict[str, list[str]]) -> list[str]:
    # One line a string, however makemessages wrapped it (it wraps a merged
    # file and a new one differently): the output is the same either way.
    return [f'{name} "{"".join(part[1:-1] for part in parts)}"' for name, parts in fields.items()]


def main(path: str) -> None:
    po = Path(path)
    po.write_text(fill(po.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
