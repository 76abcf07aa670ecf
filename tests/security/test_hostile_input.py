"""Hostile input: every page of the permission matrix, as every role that may
open it, gets hostile query strings, and every form it shows to any of these
roles gets hostile values posted with the page's CSRF token; every API
operation of the OpenAPI schema gets hostile parameters and JSON bodies with a
valid token.

Never a server error, and a script sent is never sent back unescaped in HTML.
Each hostile request runs in a savepoint rolled back afterwards, so that a
delete or a save does not change what the next request finds."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, Resolver404, get_resolver, resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.services import token_create
from api.urls import api
from tests.matrix import World, build_world
from tests.pledges.factories import CampaignFactory, CommitmentFactory
from tests.security.forms import TEXT_TYPES, Form, parse_forms
from tests.security.payloads import (
    BAD_ENCODINGS,
    ONE_MB,
    PAYLOADS,
    QUERY_NAMES,
    XSS,
    XSS_ATTRIBUTE,
    hostile_value,
)
from tests.security.probe import Probe, rolled_back
from tests.test_permission_matrix import MATRIX, _walk

pytestmark = pytest.mark.django_db

# Who opens a page: every role of this list the matrix lets in (in this
# order, so that a form several roles see is attacked by the first of them).
PREFERENCE = ["organiser", "member", "captain", "admin", "coordinator", "anonymous"]
# Posting to these would end the session the rest of the test needs.
NEVER_POST = {"account_logout"}
# Values that break a number, a date, a choice or a key.
TYPE_BREAKERS = [
    "1e308",
    "NaN",
    "99999999999999999999999999999999",
    "-9223372036854775809",
    "9999-12-31",
    "0000-00-00",
    XSS,
    "",
]


def _roles(expected: dict[str, int]) -> list[str]:
    """Every role the matrix lets in; else the first one it does not turn away
    (a page that answers with a redirect or a 400 to everybody)."""
    reachable = [r for r in PREFERENCE if expected[r] < 300]
    if reachable:
        return reachable
    others = [r for r in PREFERENCE if expected[r] not in (401, 403, 404, 405) and r != "anonymous"]
    return others[:1]


def _cases() -> list[tuple[str, str]]:
    cases = []
    for name, spec in sorted(MATRIX.items()):
        if name.startswith("api:") and name != "api:openapi-view":
            continue  # the API is probed from its schema below
        cases.extend((name, role) for role in _roles(spec.expected))
    # allauth's pages without parameters (login, signup, password reset…),
    # which are not ours but take the same hostile visitors.
    for namespace, pattern in _walk(get_resolver().url_patterns):
        name = pattern.name or ""
        plain = not pattern.pattern.regex.groups and "<" not in str(pattern.pattern)
        ours = namespace is None and name.startswith("account_") and name not in NEVER_POST
        if ours and plain:
            cases.append((name, "anonymous"))
            cases.append((name, "member"))
    return cases


CASES = _cases()
# The forms already attacked: a form with the same fields posting to the same
# view is attacked once, by the first role that sees it; an endpoint the
# matrix posts to is attacked by every role it lets in.
SEEN_FORMS: set[tuple[str, str | None, tuple[str, ...]]] = set()


def _login(probe: Probe, world: World, role: str) -> None:
    user = world.users.get(role)
    if user is not None:
        probe.client.force_login(user)


def _url_name(action: str, page: str) -> str | None:
    path = urlsplit(action or page).path
    if urlsplit(action).netloc:
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _hostile_queries(probe: Probe, url: str, names: list[str]) -> None:
    """A few GETs spread every payload over every name, then bytes that are no
    UTF-8 and names repeated."""
    names = sorted(set(names))
    values = PAYLOADS
    for round_ in range(2):
        params = {n: values[(i + 7 * round_) % len(values)] for i, n in enumerate(names)}
        probe.get(url, params)
    bad = "&".join(f"{quote(n)}={BAD_ENCODINGS[i % 4]}" for i, n in enumerate(names))
    probe.get(f"{url}?{bad}")
    probe.get(url, {n: [XSS, "1", "9999-12-31"] for n in names})


def _with_files(form: Form, data: dict[str, Any]) -> dict[str, Any]:
    for f in form.fields:
        if f.kind == "file":
            data[f.name] = SimpleUploadedFile(
                f"{XSS}.png", b"\x89PNG\r\n\x1a\n\x00\xff" + XSS.encode(), "image/png"
            )
    return data


def _form_posts(form: Form, token: str) -> list[dict[str, Any] | bytes]:
    """The hostile bodies for one form."""
    base = form.baseline()
    base.setdefault("csrfmiddlewaretoken", [token])
    text = [f.name for f in form.fields if f.kind in TEXT_TYPES or f.kind == "textarea"]
    other = [
        f.name
        for f in form.fields
        if f.name not in text and f.kind not in {"submit", "button", "image", "file"}
    ]
    other = [n for n in dict.fromkeys(other) if n != "csrfmiddlewaretoken"]
    bodies: list[dict[str, Any] | bytes] = []
    # Scripts in every text field (followed to where they are shown), then
    # every other payload, spread over the text fields in a few rounds.
    for payload in (XSS, XSS_ATTRIBUTE, "a\x00b"):
        bodies.append(base | dict.fromkeys(text, payload))
    for round_ in range(3):
        bodies.append(
            base | {n: PAYLOADS[(i + 5 * round_) % len(PAYLOADS)] for i, n in enumerate(text)}
        )
    # 1 MB in a few text fields (the whole body stays under the 10 MB limit).
    bodies.append(base | dict.fromkeys(text[:6], ONE_MB))
    # Every field at once, hidden ones and choices included.
    for round_ in range(3):
        spread = text + other
        bodies.append(
            base
            | {
                n: TYPE_BREAKERS[(i + 3 * round_) % len(TYPE_BREAKERS)]
                for i, n in enumerate(spread)
            }
        )
    # Each number, date, choice or key alone, the rest sane.
    for i, name in enumerate(other[:8]):
        bodies.append(base | {name: TYPE_BREAKERS[i % len(TYPE_BREAKERS)]})
    # A list where one value is expected.
    bodies.append(base | {n: [XSS, "1", "9999-12-31"] for n in text + other})
    # Bytes that are no UTF-8, sent as they come.
    raw = [(n, v) for n, values in base.items() for v in values]
    encoded = urlencode([(n, v) for n, v in raw if n not in text])
    bad = "&".join(f"{quote(n)}={BAD_ENCODINGS[i % 4]}" for i, n in enumerate(text + other))
    bodies.append(f"{encoded}&{bad}".encode())
    return bodies


def _attack_form(
    probe: Probe, world: World, role: str, page: str, form: Form, *, per_role: bool = False
) -> None:
    target = form.action or page
    name = _url_name(target, page)
    if name is None or name in NEVER_POST:
        return
    key = (name, role if per_role else None, form.names)
    if key in SEEN_FORMS:
        return
    SEEN_FORMS.add(key)
    for body in _form_posts(form, probe.csrf_token):
        with rolled_back():
            if isinstance(body, bytes):
                probe.post(target, body, content_type="application/x-www-form-urlencoded")
            else:
                follow = XSS in str(body)[:2000]
                probe.post(target, _with_files(form, body), follow=follow)
        _login(probe, world, role)


@pytest.mark.parametrize(("url_name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_hostile_values_on_every_page_and_form(url_name: str, role: str) -> None:
    world = build_world()
    probe = Probe()
    _login(probe, world, role)
    spec = MATRIX.get(url_name)
    kwargs = spec.kwargs(world) if spec else {}
    url = reverse(url_name, kwargs=kwargs)
    if spec is not None and spec.method == "POST":
        # Pages post here through their forms (tested with those pages); here
        # the matrix's own body and the usual names, all hostile.
        names = [*spec.data, "body", "reason", "name", "email", "next", "registration"]
        form = Form("post", url, False)
        form.fields = [
            *(_field(n) for n in dict.fromkeys(names)),
        ]
        _attack_form(probe, world, role, url, form, per_role=True)
        probe.assert_clean()
        return
    response = probe.get(url)
    forms: list[Form] = []
    if "text/html" in response.get("Content-Type", "") and not response.streaming:
        forms = parse_forms(response.content.decode())
    get_names = [f.name for form in forms if form.method == "get" for f in form.fields]
    _hostile_queries(probe, url, QUERY_NAMES + get_names)
    for form in forms:
        if form.method == "post":
            _attack_form(probe, world, role, url, form)
    probe.assert_clean()


def _field(name: str):  # type: ignore[no-untyped-def]
    from tests.security.forms import Field

    return Field(name, "text")


# --- The same pages and forms, with values hypothesis draws ------------------

GET_CASES = [(n, r) for n, r in CASES if n not in MATRIX or MATRIX[n].method == "GET"]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=st.sampled_from(GET_CASES), data=st.data())
def test_random_hostile_values(case: tuple[str, str], data: st.DataObject) -> None:
    url_name, role = case
    probe = Probe()
    with rolled_back():
        world = build_world()
        _login(probe, world, role)
        spec = MATRIX.get(url_name)
        url = reverse(url_name, kwargs=spec.kwargs(world) if spec else {})
        response = probe.get(url)
        names = data.draw(st.lists(st.sampled_from(QUERY_NAMES), max_size=4))
        probe.get(url, {n: data.draw(hostile_value) for n in names})
        forms = []
        if "text/html" in response.get("Content-Type", "") and not response.streaming:
            forms = [f for f in parse_forms(response.content.decode()) if f.method == "post"]
        forms = [f for f in forms if _url_name(f.action, url) not in NEVER_POST | {None}]
        if forms:
            form = data.draw(st.sampled_from(forms))
            body: dict[str, Any] = form.baseline()
            for f in form.fields:
                if f.kind not in {"submit", "file"} and data.draw(st.booleans()):
                    body[f.name] = data.draw(hostile_value)
            body["csrfmiddlewaretoken"] = probe.csrf_token
            probe.post(form.action or url, _with_files(form, body), follow=True)
    probe.assert_clean()


# --- The API, operation by operation from its OpenAPI schema -----------------

SCHEMA = api.get_openapi_schema(path_prefix="/api/v1/")
OPERATIONS = [
    (method.upper(), path, op)
    for path, ops in SCHEMA["paths"].items()
    for method, op in ops.items()
]
JSON_PAYLOADS: list[Any] = [
    *PAYLOADS,
    "A" * 1_000_000,
    1e308,
    -1e308,
    10**30,
    -(10**30),
    2**63,
    0,
    -1,
    True,
    None,
    [],
    [XSS, 1],
    {},
    {"$gt": ""},
    [[[[[[[[[[[]]]]]]]]]]],
]
RAW_BODIES = [
    b"",
    b"{",
    b"[]",
    b'"x"',
    b"null",
    b"1e308",
    b'{"a": NaN, "b": Infinity}',
    b"\xff\xfe\x00{}",
    b'{"\xed\xa0\x80": "\xc0\xaf"}',
    b"[" * 5000 + b"]" * 5000,
]


def _ref(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _sane(schema: dict[str, Any], depth: int = 0) -> Any:
    """A value the schema accepts, as far as types go."""
    schema = _ref(schema)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if _ref(s).get("type") != "null"]
            return _sane(options[0], depth) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    kind, fmt = schema.get("type"), schema.get("format", "")
    if kind == "object" or "properties" in schema:
        if depth > 3:
            return {}
        return {k: _sane(v, depth + 1) for k, v in schema.get("properties", {}).items()}
    if kind == "array":
        return [_sane(schema.get("items", {}), depth + 1)] if depth < 3 else []
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return False
    return {
        "date": "2026-06-15",
        "date-time": "2026-06-15T14:00:00+02:00",
        "time": "14:00:00",
        "uuid": str(uuid.uuid4()),
        "email": "hostile@example.org",
        "uri": "https://example.org/",
    }.get(fmt, "Texte")


def _sample_path(template: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", template)


def _real_path(world: World, template: str) -> str:
    """The template with the keys of objects of the world, found through the
    permission matrix entry of the same URL."""
    try:
        name = resolve(_sample_path(template)).view_name
    except Resolver404:
        return _sample_path(template)
    candidates = [name] + [n for n in MATRIX if n.startswith("api:")]
    pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$")
    for candidate in candidates:
        spec = MATRIX.get(candidate)
        if spec is None:
            continue
        try:
            path = reverse(candidate, kwargs=spec.kwargs(world))
        except NoReverseMatch:
            continue
        if pattern.match(path):
            return path
    return _sample_path(template)


def _tokens(world: World) -> dict[str, str]:
    tokens = {
        role: token_create(user=world.users[role], name="Hostile")[1] for role in PREFERENCE[:4]
    }
    commitment = CommitmentFactory(
        campaign=CampaignFactory(territory=world.territory, sponsor=world.partner)
    )
    tokens["report"] = commitment.report_token
    return tokens


def _send_json(probe: Probe, method: str, url: str, token: str, body: Any) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return probe.send(
        method,
        url,
        body if not isinstance(body, str) or len(body) < 300 else body[:300],
        data=raw,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


@pytest.mark.parametrize(
    ("method", "path", "operation"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS]
)
def test_hostile_values_on_every_api_operation(method: str, path: str, operation: dict) -> None:
    world = build_world()
    probe = Probe()
    tokens = _tokens(world)
    url = _real_path(world, path)
    params = operation.get("parameters", [])
    query = [p["name"] for p in params if p["in"] == "query"]
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    body_schema = _ref(content["schema"]) if content else None
    sane = _sane(body_schema) if body_schema else None
    security = str(operation.get("security", ""))
    roles = ["report"] if "ReportTokenAuth" in security else PREFERENCE[:4]

    # The role whose token gets furthest with a sane request.
    token = tokens[roles[0]]
    for role in roles:
        with rolled_back():
            status = _send_json(probe, method, url, tokens[role], sane).status_code
        if status not in (401, 403, 404):
            token = tokens[role]
            break

    def send(target: str, body: Any) -> None:
        with rolled_back():
            _send_json(probe, method, target, token, body)

    # Hostile path segments: the view must answer 404 or 422, not fail.
    for param in (p for p in params if p["in"] == "path"):
        for value in ("%00", "%FF%FE", quote(XSS, safe=""), "9" * 30, "-1", "1e308"):
            send(_swap(path, url, param["name"], value), sane)
    # Hostile query strings.
    if query:
        for round_ in range(4):
            values = {n: PAYLOADS[(i + 5 * round_) % len(PAYLOADS)] for i, n in enumerate(query)}
            send(f"{url}?{urlencode(values)}", sane)
        bad = "&".join(f"{n}={BAD_ENCODINGS[i % 4]}" for i, n in enumerate(query))
        send(f"{url}?{bad}", sane)
        send(f"{url}?{urlencode([(n, v) for n in query for v in (XSS, '1')])}", sane)
    if not isinstance(sane, dict):
        return probe.assert_clean()
    # Hostile bodies: every property at once, each property alone, then no JSON.
    for payload in JSON_PAYLOADS:
        send(url, dict.fromkeys(sane, payload))
    for i, key in enumerate(sane):
        for j in range(2):
            send(url, sane | {key: JSON_PAYLOADS[(2 * i + j) % len(JSON_PAYLOADS)]})
    for raw in RAW_BODIES:
        send(url, raw)
    send(url, [sane, sane])
    send(url, sane | {"unknown": XSS, "id": 1, "pk": 1, "territory_id": 1})
    probe.assert_clean()


def _swap(template: str, real: str, name: str, value: str) -> str:
    """The real path, the segment of one parameter replaced by a hostile value."""
    parts, real_parts = template.split("/"), real.split("/")
    if len(parts) != len(real_parts):
        return template.replace("{" + name + "}", value)
    return "/".join(
        value if p == "{" + name + "}" else r for p, r in zip(parts, real_parts, strict=True)
    )
