"""Factories of the commons: resources go through commons.services, so that
each has its first revision and its search index, as in real life."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group

from commons import services
from commons.models import CURATORS_GROUP, Axis, Resource
from tests.factories import UserFactory

_counter = {"n": 0}


def resource(*, user: Any = None, **fields: Any) -> Resource:
    _counter["n"] += 1
    data = {
        "title": f"Fiche n° {_counter['n']}",
        "kind": "fiche_action",
        "summary": "Une fiche pour agir.",
        "body": "## Pourquoi\n\nParce que.",
        "licence": "cc-by-sa-4.0",
        "stage": "disponible",
        "territory_types": ["rural"],
        **fields,
    }
    status = data.pop("status", "publie")
    return services.resource_create(user=user or UserFactory(), data=data, status=status)


def experience(**fields: Any) -> Resource:
    return resource(
        kind="retour_experience",
        context="Une commune rurale de 800 habitants.",
        objectives="Réduire les biodéchets.",
        results_quantitative="120 foyers équipés.",
        recommendations="Commencer petit.",
        **fields,
    )


def curator(**fields: Any) -> Any:
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get_or_create(name=CURATORS_GROUP)[0])
    return user


def axis(code: str = "energie") -> Axis:
    return Axis.objects.get(code=code)
