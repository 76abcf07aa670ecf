"""Every paginated endpoint refuses impossible pages with a French 4xx.

The endpoints are read from the OpenAPI schema, so an endpoint added later is
covered without touching this file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from api.urls import api
from tests.factories import TerritoryFactory

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1/"
PAGING_PARAMS = {"page", "page_size", "limit", "offset", "cursor"}


# A value for each path parameter of a paginated endpoint, made in the test's
# database (the `territory` fixture is val-de-drome): an endpoint with a new
# parameter fails below until it has one here.
def _actor_id() -> str:
    from territories.models import Territory
    from tests.network.factories import ActorFactory

    return str(ActorFactory(territory=Territory.objects.get(slug="val-de-drome")).pk)


def _week_id() -> str:
    from territories.models import Territory
    from tests.network.campaign_factories import CampaignWeekFactory

    return str(CampaignWeekFactory(territory=Territory.objects.get(slug="val-de-drome")).pk)


PATH_VALUES: dict[str, Callable[[], str]] = {
    "territory": lambda: "val-de-drome",
    "actor_id": _actor_id,
    "week_id": _week_id,
}

HUGE = "99999999999999999999"
BAD_VALUES = [HUGE, "-1", "0", "abc", "1.5", ""]


def _paginated_operations() -> list[tuple[str, set[str]]]:
    schema = api.get_openapi_schema(path_prefix=PREFIX)
    found = []
    for path, methods in schema["paths"].items():
        get = methods.get("get")
        names = {p["name"] for p in (get or {}).get("parameters", []) if p["in"] == "query"}
        if names & PAGING_PARAMS:
            found.append((path, names & PAGING_PARAMS))
    return sorted(found)


def _paginated_views() -> int:
    return sum(
        getattr(operation.view_func, "_ninja_is_paginated", False)
        or getattr(operation.view_func, "_elan_self_paginated", False)
        for _prefix, router in api._routers
        for path_view in router.path_operations.values()
        for operation in path_view.operations
    )


OPERATIONS = _paginated_operations()
CASES = [
    pytest.param(path, param, value, id=f"{path}?{param}={value}")
    for path, params in OPERATIONS
    for param in sorted(params)
    for value in BAD_VALUES
]


def _url(path: str) -> str:
    for name, value in PATH_VALUES.items():
        if "{" + name + "}" in path:
            path = path.replace("{" + name + "}", value())
    assert "{" not in path, f"{path} : ajoutez une valeur à PATH_VALUES"
    return path


def test_the_schema_lists_every_paginated_endpoint() -> None:
    assert {"/api/v1/territories", "/api/v1/events"} <= {path for path, _ in OPERATIONS}
    assert len(OPERATIONS) == _paginated_views()


@pytest.mark.parametrize(("path", "param", "value"), CASES)
def test_an_impossible_page_is_a_french_4xx(
    client, admin_user, territory, path, param, value
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(admin_user)  # past any authentication, down to the paginator
    response = client.get(_url(path), {param: value})
    assert 400 <= response.status_code < 500, response.content
    body: dict[str, Any] = response.json()
    assert body["message"].startswith(("Requête invalide", "La page"))


@pytest.mark.parametrize(("path", "params"), OPERATIONS)
def test_a_huge_page_reaches_the_paginator_and_is_a_404(
    client, admin_user, territory, path, params
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(admin_user)
    response = client.get(_url(path), {"page": HUGE, "page_size": "100"})
    assert response.status_code == 404, response.content
    # The paginator's own words, not the 404 of an object the path names.
    assert response.json()["message"].startswith(f"La page {HUGE} n'existe pas : la liste ")


def test_the_page_after_the_last_names_the_last(client) -> None:  # type: ignore[no-untyped-def]
    TerritoryFactory.create_batch(3)
    assert len(client.get("/api/v1/territories", {"page": 2, "page_size": 2}).json()["items"]) == 1
    response = client.get("/api/v1/territories", {"page": 3, "page_size": 2})
    assert response.status_code == 404
    assert response.json()["message"] == "La page 3 n'existe pas : la liste compte 2 pages."
    assert client.get("/api/v1/territories", {"page": HUGE}).json() == {
        "message": f"La page {HUGE} n'existe pas : la liste compte 1 page."
    }


def test_the_first_page_of_an_empty_list_is_empty_not_missing(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/territories", {"page": 1})
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page": "abc"}, "Un nombre entier est attendu."),
        ({"page": "0"}, "La valeur doit être supérieure ou égale à 1."),
        ({"page_size": "101"}, "La valeur doit être inférieure ou égale à 100."),
    ],
)
def test_a_bad_paging_value_is_explained_in_french(client, params, message) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/territories", params)
    assert response.status_code == 422
    assert [e["message"] for e in response.json()["erreurs"]] == [message]
