"""The French identifiers of an actor: SIRET, RNA, the register of local-law
associations of Alsace-Moselle, the INSEE code of a commune; and the
normalised name that deduplication compares.

Each `normalise_*` returns the stored form (spaces and dots removed, upper
case) and each `validate_*` raises a ValidationError whose message is meant
for the person who typed the value.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# La Poste's establishments share the SIREN 356000000; INSEE numbered them
# past what the Luhn key allows, so theirs is another rule: the digits of
# the SIRET add up to a multiple of 5.
LA_POSTE_SIREN = "356000000"

_SEPARATORS = re.compile(r"[\s.\-_/]+")
# W + 9 characters; the department part of Corsica is 2A / 2B.
_RNA = re.compile(r"^W(?:\d{9}|2[AB]\d{7})$")
_INSEE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
_POSTAL_CODE = re.compile(r"^\d{5}$")
_REGISTER_NUMBER = re.compile(r"^[0-9A-Z]{1,10}$")

# Paris, Lyon and Marseille are one commune each; their arrondissements have
# codes of their own that a spreadsheet often carries.
ARRONDISSEMENTS: list[tuple[int, int, str]] = [
    (75101, 75120, "75056"),  # Paris
    (69381, 69389, "69123"),  # Lyon
    (13201, 13216, "13055"),  # Marseille
]

# The departments of Alsace-Moselle, where associations are registered at
# the court under the local law of 1908 and not in the RNA.
LOCAL_LAW_DEPARTMENTS = frozenset({"57", "67", "68"})


class LocalCourt(models.TextChoices):
    """The courts that keep a register of associations in Alsace-Moselle."""

    COLMAR = "colmar", _("Tribunal judiciaire de Colmar")
    METZ = "metz", _("Tribunal judiciaire de Metz")
    MULHOUSE = "mulhouse", _("Tribunal judiciaire de Mulhouse")
    SARREGUEMINES = "sarreguemines", _("Tribunal judiciaire de Sarreguemines")
    SAVERNE = "saverne", _("Tribunal judiciaire de Saverne")
    STRASBOURG = "strasbourg", _("Tribunal judiciaire de Strasbourg")
    THIONVILLE = "thionville", _("Tribunal judiciaire de Thionville")


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", value or "").upper()


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char)
        if position % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


# SIRET


def normalise_siret(value: str) -> str:
    return _compact(value)


def siret_valid(siret: str) -> bool:
    if len(siret) != 14 or not siret.isdigit():
        return False
    if siret.startswith(LA_POSTE_SIREN):
        return sum(int(c) for c in siret) % 5 == 0
    return luhn_valid(siret[:9]) and luhn_valid(siret)


def validate_siret(value: str) -> None:
    siret = normalise_siret(value)
    if len(siret) != 14 or not siret.isdigit():
        raise ValidationError(
            _("Un SIRET compte 14 chiffres (le SIREN à 9 chiffres suivi de 5 chiffres)."),
            code="siret_length",
        )
    if not siret_valid(siret):
        raise ValidationError(
            _("Ce SIRET n'existe pas : un chiffre est erroné (clé de contrôle invalide)."),
            code="siret_key",
        )


# RNA


def normalise_rna(value: str) -> str:
    return _compact(value)


def validate_rna(value: str) -> None:
    if not _RNA.match(normalise_rna(value)):
        raise ValidationError(
            _("Un numéro RNA s'écrit W suivi de 9 chiffres, par exemple W261000123."),
            code="rna_format",
        )


# Register of local-law associations (Alsace-Moselle)


def normalise_register_number(value: str) -> str:
    return _compact(value)


def validate_local_register(
    *, court: str, volume: str, folio: str, department: str | None
) -> dict[str, str]:
    """The field errors of a register reference, {} when it is complete and
    plausible (or absent: most associations have none, and that is normal)."""
    errors: dict[str, str] = {}
    if not (court or volume or folio):
        return errors
    if not court:
        errors["local_register_court"] = str(_("Indiquez le tribunal qui tient le registre."))
    if not volume:
        errors["local_register_volume"] = str(_("Indiquez le volume du registre."))
    elif not _REGISTER_NUMBER.match(normalise_register_number(volume)):
        errors["local_register_volume"] = str(_("Le volume s'écrit en chiffres, par exemple 45."))
    if not folio:
        errors["local_register_folio"] = str(_("Indiquez le folio du registre."))
    elif not _REGISTER_NUMBER.match(normalise_register_number(folio)):
        errors["local_register_folio"] = str(_("Le folio s'écrit en chiffres, par exemple 112."))
    if department and department not in LOCAL_LAW_DEPARTMENTS:
        errors["local_register_court"] = str(
            _(
                "Le registre des associations de droit local ne concerne que le Bas-Rhin, "
                "le Haut-Rhin et la Moselle ; ailleurs, une association a un numéro RNA."
            )
        )
    return errors


# INSEE code and postal code


def normalise_insee(value: str) -> str:
    """The commune's code as stored: text (leading zeros, 2A/2B kept), an
    arrondissement of Paris, Lyon or Marseille replaced by its city."""
    code = _compact(value)
    if code.isdigit() and len(code) == 5:
        number = int(code)
        for first, last, city in ARRONDISSEMENTS:
            if first <= number <= last:
                return city
    return code


def validate_insee(value: str) -> None:
    if not _INSEE.match(_compact(value)):
        raise ValidationError(
            _("Un code INSEE compte 5 caractères, par exemple 26108 ou 2A004."),
            code="insee_format",
        )


def validate_postal_code(value: str) -> None:
    if value and not _POSTAL_CODE.match(_compact(value)):
        raise ValidationError(
            _("Un code postal compte 5 chiffres, par exemple 26400."), code="postal_code"
        )


# Names

_LEGAL_FORMS = {
    "association",
    "asso",
    "sarl",
    "sas",
    "sasu",
    "eurl",
    "sa",
    "scop",
    "scic",
    "eirl",
    "ei",
    "sci",
    "gie",
}
_ARTICLES = {"le", "la", "les", "l", "un", "une"}


def normalise_actor_name(value: str) -> str:
    """The form two spellings of one organisation share: « Association Les
    Colibris du Crestois » and « colibris du crestois » give the same key.
    Accents, case, punctuation, legal forms and a leading article go."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    plain = re.sub(r"[^0-9a-z]+", " ", plain)
    words = [w for w in plain.split() if w not in _LEGAL_FORMS]
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    words = ["saint" if w == "st" else "sainte" if w == "ste" else w for w in words]
    return " ".join(words)[:200]
