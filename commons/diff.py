"""What changed between two snapshots of a resource: prose word by word
(difflib), the other fields as « before → after », lists as added / removed."""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass
from typing import Any

from commons.models import SNAPSHOT_FIELDS, SnapshotField

# A word with the spaces after it, or a punctuation mark: half as many tokens
# as words and spaces apart, which is what difflib's quadratic worst case costs.
_TOKEN = re.compile(r"\w+\s*|[^\w\s]+\s*|\s+", re.UNICODE)
# Sentences and lines: a long text is first compared unit by unit, then word
# by word inside the units that changed (a 5,000-word text in milliseconds).
_UNIT = re.compile(r"[^.!?\n]*(?:[.!?]+|\n+|$)\s*")


@dataclass
class Segment:
    op: str  # "same", "ins" or "del"
    text: str


@dataclass
class FieldChange:
    field: SnapshotField
    before: Any
    after: Any
    before_text: str = ""
    after_text: str = ""
    segments: list[Segment] = dataclasses.field(default_factory=list)  # prose only
    added: list[str] = dataclasses.field(default_factory=list)  # lists only
    removed: list[str] = dataclasses.field(default_factory=list)

    @property
    def is_prose(self) -> bool:
        return self.field.prose

    @property
    def is_list(self) -> bool:
        return isinstance(self.before, list) or isinstance(self.after, list)


def _units(text: str) -> list[str]:
    return [u for u in _UNIT.findall(text or "") if u]


def words(before: str, after: str) -> list[Segment]:
    """Word-level segments turning `before` into `after`."""
    segments: list[Segment] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if segments and segments[-1].op == op:
            segments[-1].text += text
        else:
            segments.append(Segment(op, text))

    old_units, new_units = _units(before), _units(after)
    units = difflib.SequenceMatcher(None, old_units, new_units, autojunk=False)
    for tag, i1, i2, j1, j2 in units.get_opcodes():
        if tag == "equal":
            add("same", "".join(old_units[i1:i2]))
            continue
        old = _TOKEN.findall("".join(old_units[i1:i2]))
        new = _TOKEN.findall("".join(new_units[j1:j2]))
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        for op, a1, a2, b1, b2 in matcher.get_opcodes():
            if op == "equal":
                add("same", "".join(old[a1:a2]))
            else:
                add("del", "".join(old[a1:a2]))
                add("ins", "".join(new[b1:b2]))
    return segments


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[FieldChange]:
    """The fields that differ, in the order of the sheet."""
    found = []
    for spec in SNAPSHOT_FIELDS:
        old, new = before.get(spec.name), after.get(spec.name)
        if (old or None) == (new or None):
            continue
        change = FieldChange(spec, old, new)
        if isinstance(old, list) or isinstance(new, list):
            change.added = [v for v in new or [] if v not in (old or [])]
            change.removed = [v for v in old or [] if v not in (new or [])]
        elif spec.prose:
            change.segments = words(str(old or ""), str(new or ""))
        else:
            change.before_text = display(spec.name, old)
            change.after_text = display(spec.name, new)
        found.append(change)
    return found


def value_labels() -> dict[str, dict[str, str]]:
    from commons.licences import Licence
    from commons.models import Kind, Stage, TerritoryType
    from territories.themes import Theme

    def of(choices: Any) -> dict[str, str]:
        return {str(code): str(label) for code, label in choices}

    return {
        "kind": of(Kind.choices),
        "licence": of(Licence.choices),
        "stage": of(Stage.choices),
        "theme": of(Theme.choices),
        "territory_types": of(TerritoryType.choices),
    }


def display(name: str, value: Any) -> str:
    """A snapshot value as a person reads it."""
    from commons.models import Action, Axis
    from questionnaires.models import Questionnaire

    if value in (None, "", []):
        return "—"
    models: dict[str, Any] = {"axis": Axis, "action": Action, "questionnaire": Questionnaire}
    if name in models:
        found = models[name].objects.filter(pk=value).first()
        return str(found) if found else f"n° {value}"
    labels = value_labels().get(name, {})
    if isinstance(value, list):
        return ", ".join(labels.get(str(v), str(v)) for v in value)
    return labels.get(str(value), str(value))
