"""Every URL pattern × every role, with the status each role must get.

Each module declares the expectations for its own URLs in
`tests/<module>/permission_matrix*.py` (a MATRIX dict); this file collects them,
and `test_every_url_is_in_the_matrix` fails as soon as a module adds a URL
without saying who may open it.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from tests.matrix import ROLES, World, build_world

# Namespaces and URL names that are ours (allauth's and the admin's own pages
# are tested by their projects; a few of them are in the matrix all the same).
OUR_NAMESPACES = {
    "territories",
    "accounts",
    "api",
    "api_tokens",
    "challenges",
    "measures",
    "questionnaires",
    "events",
    "pledges",
    "network",
    "commons",
    "reports",
    "mail",
}


def _collect_matrix() -> dict:
    matrix: dict = {}
    for module in pkgutil.walk_packages(tests.__path__, "tests."):
        if module.name.rsplit(".", 1)[-1].startswith("permission_matrix"):
            matrix.update(importlib.import_module(module.name).MATRIX)
    return matrix


MATRIX = _collect_matrix()


def _walk(patterns, namespace: str | None = None) -> Iterator[tuple[str | None, URLPattern]]:  # type: ignore[no-untyped-def]
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern):
            yield namespace, entry


def _our_url_names() -> set[str]:
    names = set()
    for namespace, pattern in _walk(get_resolver().url_patterns):
        if namespace in OUR_NAMESPACES:
            assert pattern.name, f"URL sans nom dans {namespace}: {pattern.pattern}"
            names.add(f"{namespace}:{pattern.name}")
    return names


def test_every_url_is_in_the_matrix() -> None:
    missing = sorted(_our_url_names() - set(MATRIX))
    assert not missing, f"URL absentes de la matrice des permissions : {missing}"


def test_matrix_names_every_role() -> None:
    for name, spec in MATRIX.items():
        assert set(spec.expected) == set(ROLES), (
            f"{name}: rôles manquants {set(ROLES) - set(spec.expected)}"
        )


CASES = [(name, role) for name in sorted(MATRIX) for role in ROLES]


@pytest.mark.parametrize(("url_name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_status(url_name: str, role: str, client, db) -> None:  # type: ignore[no-untyped-def]
    spec = MATRIX[url_name]
    world: World = build_world()
    user = world.users.get(role)
    if user is not None:
        client.force_login(user)
    url = reverse(url_name, kwargs=spec.kwargs(world))
    response = client.post(url, spec.data) if spec.method == "POST" else client.get(url, spec.data)
    expected = spec.expected[role]
    assert response.status_code == expected, (
        f"{spec.method} {url} en tant que {role} : {response.status_code} au lieu de {expected}"
    )
    if expected == 302 and role == "anonymous" and spec.anonymous_to_login:
        assert "/compte/login/" in response["Location"]
