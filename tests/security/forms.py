"""The forms of a page, read with html.parser, and a plausible value for each
field (so that one hostile field among sane ones gets past the others)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

SANE = {
    "email": "hostile@example.org",
    "number": "1",
    "range": "1",
    "date": "2026-06-15",
    "time": "14:00",
    "datetime-local": "2026-06-15T14:00",
    "month": "2026-06",
    "url": "https://example.org/",
    "tel": "0601020304",
    "password": "Mot-de-passe-1234!",
    "color": "#1f6f50",
}
# Input types whose value a browser sends as typed text.
TEXT_TYPES = {"text", "search", "email", "url", "tel", "password", "textarea", ""}


@dataclass
class Field:
    name: str
    kind: str  # the input type, or "select" / "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False
    required: bool = False
    multiple: bool = False


@dataclass
class Form:
    method: str
    action: str
    multipart: bool
    fields: list[Field] = field(default_factory=list)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted({f.name for f in self.fields}))

    def baseline(self) -> dict[str, list[str]]:
        """The values a user who changes nothing (or fills in the obvious) sends."""
        data: dict[str, list[str]] = {}
        submitted = False
        for f in self.fields:
            if f.kind in {"submit", "button", "image"}:
                if not submitted:
                    data.setdefault(f.name, []).append(f.value)
                    submitted = True
            elif f.kind == "radio":
                if f.checked or f.name not in data:
                    data[f.name] = [f.value or "on"]
            elif f.kind == "checkbox":
                if f.checked or f.required:
                    data.setdefault(f.name, []).append(f.value or "on")
            elif f.kind == "select":
                chosen = f.value or next((o for o in f.options if o), "")
                data.setdefault(f.name, []).append(chosen)
            elif f.kind == "file":
                continue
            else:
                data.setdefault(f.name, []).append(f.value or SANE.get(f.kind, "Texte"))
        return data


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None
        self._option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(
                method=a.get("method", "get").lower(),
                action=a.get("action", ""),
                multipart="multipart" in a.get("enctype", ""),
            )
            self.forms.append(self._form)
        if self._form is None or "disabled" in a:
            return
        name = a.get("name")
        required = "required" in a
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            self._form.fields.append(
                Field(name, kind, a.get("value", ""), checked="checked" in a, required=required)
            )
        elif tag == "button" and name:
            self._form.fields.append(Field(name, "submit", a.get("value", "")))
        elif tag == "select" and name:
            self._select = Field(name, "select", required=required, multiple="multiple" in a)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value")
            self._option = value
            if value is not None:
                self._select.options.append(value)
                if "selected" in a and not self._select.value:
                    self._select.value = value
        elif tag == "textarea" and name:
            self._textarea = Field(name, "textarea", required=required)
            self._form.fields.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data
        elif self._select is not None and self._option is None and data.strip():
            # <option>text</option> without a value sends its text.
            self._select.options.append(data.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "option":
            self._option = None


def parse_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms
