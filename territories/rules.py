"""Who may do what, declared once.

Predicates name a role held over an object; permissions combine them. Every
view and API endpoint checks a permission from here (through
`territories.permissions`), and tests/test_permission_matrix.py walks every
URL against every role.
"""

from __future__ import annotations

import rules

from territories.models import Region, Role, Territory


def _territory_of(obj: object) -> Territory | None:
    if isinstance(obj, Territory):
        return obj
    return getattr(obj, "territory", None)


def _has_role(user, territory: Territory | None, role: str) -> bool:  # type: ignore[no-untyped-def]
    if territory is None or not user.is_authenticated:
        return False
    roles = _roles_cache(user)
    return (territory.pk, role) in roles


def _roles_cache(user) -> set[tuple[int, str]]:  # type: ignore[no-untyped-def]
    # One query per request and user, however many checks a page makes.
    cached = getattr(user, "_elan_roles", None)
    if cached is None:
        cached = set(user.territory_roles.values_list("territory_id", "role"))
        user._elan_roles = cached
    return cached


def _coordinated_regions(user) -> set[str]:  # type: ignore[no-untyped-def]
    cached = getattr(user, "_elan_regions", None)
    if cached is None:
        cached = set(user.coordinated_regions.values_list("region_id", flat=True))
        user._elan_regions = cached
    return cached


@rules.predicate
def is_platform_admin(user) -> bool:  # type: ignore[no-untyped-def]
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


@rules.predicate
def is_organiser(user, obj) -> bool:  # type: ignore[no-untyped-def]
    return _has_role(user, _territory_of(obj), Role.ORGANISER)


@rules.predicate
def is_sponsor(user, obj) -> bool:  # type: ignore[no-untyped-def]
    return _has_role(user, _territory_of(obj), Role.SPONSOR)


@rules.predicate
def is_actor_contact(user, obj) -> bool:  # type: ignore[no-untyped-def]
    return _has_role(user, _territory_of(obj), Role.ACTOR_CONTACT)


@rules.predicate
def is_regional_coordinator(user, obj) -> bool:  # type: ignore[no-untyped-def]
    if not user.is_authenticated:
        return False
    if isinstance(obj, Region):
        region_code = obj.pk
    else:
        territory = _territory_of(obj)
        if territory is None:
            return False
        region_code = territory.region_id
    return region_code in _coordinated_regions(user)


@rules.predicate
def is_organiser_anywhere(user) -> bool:  # type: ignore[no-untyped-def]
    return user.is_authenticated and any(role == Role.ORGANISER for _, role in _roles_cache(user))


@rules.predicate
def is_published(user, obj) -> bool:  # type: ignore[no-untyped-def]
    territory = _territory_of(obj)
    return bool(territory is not None and territory.is_published)


is_authenticated = rules.is_authenticated

# Territories
rules.add_perm(
    "territories.view_territory",
    is_published | is_organiser | is_regional_coordinator | is_platform_admin,
)
rules.add_perm("territories.change_territory", is_organiser | is_platform_admin)
rules.add_perm("territories.manage_roles", is_organiser | is_platform_admin)
rules.add_perm(
    "territories.view_dashboard", is_organiser | is_regional_coordinator | is_platform_admin
)
rules.add_perm("territories.view_region", is_regional_coordinator | is_platform_admin)

# API tokens are for organisers (and admins).
rules.add_perm("api.use_tokens", is_organiser_anywhere | is_platform_admin)
