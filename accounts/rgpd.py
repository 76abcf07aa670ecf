"""The GDPR registry: each module declares its personal data here.

A module calls `register_section(name, exporter)` so that the user's download
(`accounts:export`) contains its data, and `register_eraser(fn)` so that
deleting an account erases it; accounts never imports the other modules.
Registration happens in each app's `AppConfig.ready()`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from elan.tabular import csv_text

if TYPE_CHECKING:
    from accounts.models import User

Row = dict[str, Any]
Exporter = Callable[["User"], list[Row]]
Eraser = Callable[["User"], None]

_sections: dict[str, Exporter] = {}
_erasers: list[Eraser] = []


def register_section(name: str, exporter: Exporter) -> None:
    if _sections.get(name, exporter) is not exporter:
        raise ImproperlyConfigured(f"La section d'export « {name} » est déjà déclarée.")
    _sections[name] = exporter


def register_eraser(eraser: Eraser) -> None:
    if eraser not in _erasers:
        _erasers.append(eraser)


def run_erasers(user: User) -> None:
    for eraser in _erasers:
        eraser(user)


# Retention: each module registers what it anonymises once the thing it was
# collected for has been over for ELAN_RETENTION_DAYS (a campaign closed, an
# event held, a request decided). The published aggregates do not change.
Retention = Callable[[dt.datetime], int]
_retentions: dict[str, Retention] = {}


def register_retention(name: str, anonymise: Retention) -> None:
    """`anonymise(limit)` blanks the personal data of what ended before
    `limit` and returns how many rows it changed."""
    _retentions[name] = anonymise


def run_retention(now: dt.datetime | None = None) -> dict[str, int]:
    days = int(getattr(settings, "ELAN_RETENTION_DAYS", 730))
    limit = (now or timezone.now()) - dt.timedelta(days=days)
    return {name: anonymise(limit) for name, anonymise in _retentions.items()}


def export_data(user: User) -> dict[str, list[Row]]:
    return {
        name: [_plain_row(row) for row in exporter(user)] for name, exporter in _sections.items()
    }


def export_archive(user: User) -> bytes:
    """A zip with `donnees.json` (everything) and one CSV per section."""
    data = export_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        document = {"genere_le": timezone.localtime().isoformat(), **data}
        archive.writestr("donnees.json", json.dumps(document, ensure_ascii=False, indent=2))
        for name, rows in data.items():
            archive.writestr(f"{name}.csv", _csv(rows))
    return buffer.getvalue()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _plain_row(row: Row) -> Row:
    return {key: _plain(value) for key, value in row.items()}


def _csv(rows: list[Row]) -> bytes:
    """The kit's CSV (« ; », byte order mark, formulas neutralised: a household
    named « =HYPERLINK(…) » is text in the user's spreadsheet too)."""
    columns: list[str] = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    return csv_text(columns, ([row.get(c) for c in columns] for row in rows)).encode("utf-8")


# The sections of accounts itself, and of territories' roles (read through
# the app registry: accounts sits below territories).


def _account(user: User) -> list[Row]:
    from allauth.account.models import EmailAddress

    emails = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    return [
        {
            "email": user.email,
            "prenom": user.first_name,
            "nom": user.last_name,
            "nom_affiche": user.display_name,
            "inscrit_le": user.date_joined,
            "derniere_connexion": user.last_login,
            "adresses_email": " ".join(
                f"{e.email}{'' if e.verified else ' (non vérifiée)'}" for e in emails
            ),
        }
    ]


def _household(user: User) -> list[Row]:
    household = user.household
    if household is None:
        return []
    return [
        {
            "nom": household.name,
            "adultes": household.adults,
            "enfants": household.children,
            "type_de_logement": household.get_housing_type_display(),
            "surface_m2": household.surface_m2,
            "chauffage_principal": household.get_main_heating_display(),
            "commune": household.commune.name,
            "code_insee": household.commune_id,
            "cree_le": household.created_at,
            "membres": ", ".join(m.public_name for m in household.members.all()),
        }
    ]


def _consents(user: User) -> list[Row]:
    from accounts.models import Consent

    # The consents to mailing lists given with the address alone count too.
    mine = Consent.objects.filter(Q(user=user) | Q(user__isnull=True, email__iexact=user.email))
    return [
        {
            "texte": consent.text.title,
            "cle": consent.text.key,
            "version": consent.text.version,
            "liste": consent.scope,
            "recueilli_par": consent.get_source_display(),
            "preuve": consent.proof,
            "donne_le": consent.given_at,
            "confirme_le": consent.confirmed_at,
            "retire_le": consent.withdrawn_at,
        }
        for consent in mine.select_related("text")
    ]


def _roles(user: User) -> list[Row]:
    membership = apps.get_model("territories", "Membership")
    coordinator = apps.get_model("territories", "RegionalCoordinator")
    rows: list[Row] = [
        {
            "territoire": m.territory.name,
            "adresse": m.territory.slug,
            "role": m.get_role_display(),
            "depuis": m.created_at,
        }
        for m in membership.objects.filter(user=user).select_related("territory")
    ]
    rows.extend(
        {
            "territoire": c.region.name,
            "adresse": "",
            "role": gettext("Coordination régionale"),
            "depuis": None,
        }
        for c in coordinator.objects.filter(user=user).select_related("region")
    )
    return rows


def _erase_roles(user: User) -> None:
    apps.get_model("territories", "Membership").objects.filter(user=user).delete()
    apps.get_model("territories", "RegionalCoordinator").objects.filter(user=user).delete()


def _erase_api_tokens(user: User) -> None:
    if apps.is_installed("api"):
        apps.get_model("api", "ApiToken").objects.filter(user=user).delete()


def register_accounts() -> None:
    from accounts import mail

    register_section("compte", _account)
    register_section("foyer", _household)
    register_section("consentements", _consents)
    register_section("roles", _roles)
    register_eraser(_erase_roles)
    register_eraser(_erase_api_tokens)
    register_section("e_mails", mail.export_outbox)
    register_section("desabonnements", mail.export_suppressions)
    register_eraser(mail.erase_personal_data)
