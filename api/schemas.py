from __future__ import annotations

from decimal import Decimal

from ninja import Schema


class RegionOut(Schema):
    code: str
    name: str


class CommuneOut(Schema):
    insee_code: str
    name: str
    postal_codes: list[str]
    department_code: str
    population: int
    latitude: Decimal | None
    longitude: Decimal | None

    @staticmethod
    def resolve_postal_codes(obj) -> list[str]:  # type: ignore[no-untyped-def]
        return obj.postal_code_list

    @staticmethod
    def resolve_department_code(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.department_id


class PartnerOut(Schema):
    name: str
    url: str
    logo_url: str | None

    @staticmethod
    def resolve_logo_url(obj) -> str | None:  # type: ignore[no-untyped-def]
        return obj.logo.url if obj.logo else None


class TerritoryOut(Schema):
    slug: str
    name: str
    kind: str
    kind_label: str
    region: RegionOut
    tagline: str
    url: str

    @staticmethod
    def resolve_kind_label(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_url(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.get_absolute_url()


class TerritoryDetailOut(TerritoryOut):
    description: str
    accent_color: str
    website: str
    logo_url: str | None
    partners: list[PartnerOut]
    communes: list[CommuneOut]

    @staticmethod
    def resolve_logo_url(obj) -> str | None:  # type: ignore[no-untyped-def]
        return obj.logo.url if obj.logo else None

    @staticmethod
    def resolve_partners(obj) -> list:  # type: ignore[no-untyped-def]
        return list(obj.partners.all())

    @staticmethod
    def resolve_communes(obj) -> list:  # type: ignore[no-untyped-def]
        return list(obj.communes.all())


class RoleOut(Schema):
    email: str
    name: str
    role: str
    role_label: str


class MeRole(Schema):
    territory: str
    role: str


class MeOut(Schema):
    email: str
    display_name: str
    household: str | None
    roles: list[MeRole]


class ErrorOut(Schema):
    message: str
