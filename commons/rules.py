"""Who may do what in the commons (see territories/rules.py for the roles).

- visitors read published resources and paths, search, take them away;
- signed-in people (contributors) create, edit, adapt, give feedback for a
  territory they belong to, comment and report comments;
- curators — the members of the platform group « Curateurs du commun »,
  named by an admin in the back office: the commons is shared by every
  territory, so curation is a platform role, not a territory one — moderate
  comments, revert resources, edit the taxonomy and the paths;
- platform admins do everything.
"""

from __future__ import annotations

from typing import Any

import rules

from commons.licences import terms
from commons.models import CURATORS_GROUP, Path, Resource, Status
from territories.rules import is_platform_admin


def _curator_cache(user: Any) -> bool:
    # One query per request and user, however many checks a page makes.
    cached = getattr(user, "_elan_curator", None)
    if cached is None:
        cached = user.groups.filter(name=CURATORS_GROUP).exists()
        user._elan_curator = cached
    return bool(cached)


@rules.predicate
def is_curator(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and _curator_cache(user))


def _resource(obj: Any) -> Resource | None:
    if isinstance(obj, Resource):
        return obj
    resource = getattr(obj, "resource", None)
    return resource if isinstance(resource, Resource) else None


@rules.predicate
def is_published_resource(user: Any, obj: Any) -> bool:
    resource = _resource(obj)
    return resource is not None and resource.status == Status.PUBLISHED


@rules.predicate
def is_resource_creator(user: Any, obj: Any) -> bool:
    resource = _resource(obj)
    return bool(
        resource is not None and user.is_authenticated and resource.created_by_id == user.pk
    )


@rules.predicate
def allows_derivatives(user: Any, obj: Any) -> bool:
    resource = _resource(obj)
    return resource is not None and terms(resource.licence).derivatives


@rules.predicate
def is_published_path(user: Any, obj: Any) -> bool:
    return isinstance(obj, Path) and obj.is_published


curates = is_curator | is_platform_admin
signed_in = rules.is_authenticated
sees = is_published_resource | is_resource_creator | curates

rules.add_perm("commons.view_resource", sees)
rules.add_perm("commons.add_resource", signed_in)
rules.add_perm("commons.change_resource", signed_in & sees)
rules.add_perm("commons.adapt_resource", signed_in & sees & allows_derivatives)
rules.add_perm("commons.give_feedback", signed_in & is_published_resource)
rules.add_perm("commons.comment", signed_in & is_published_resource)
rules.add_perm("commons.report_comment", signed_in)
rules.add_perm("commons.publish_resource", is_resource_creator | curates)
rules.add_perm("commons.revert_resource", curates)
rules.add_perm("commons.moderate", curates)
rules.add_perm("commons.edit_taxonomy", curates)
rules.add_perm("commons.manage_paths", curates)
rules.add_perm("commons.view_path", is_published_path | curates)
