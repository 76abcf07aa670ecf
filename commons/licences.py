"""The licences a resource may carry, what each one asks of whoever reuses
it, and which licences an adaptation may take (ShareAlike stays ShareAlike;
« tous droits réservés » allows no adaptation at all)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Licence(models.TextChoices):
    CC_BY_SA = (
        "cc-by-sa-4.0",
        _("Creative Commons Attribution – Partage dans les mêmes conditions 4.0"),
    )
    CC_BY = "cc-by-4.0", _("Creative Commons Attribution 4.0")
    CC0 = "cc0-1.0", _("Creative Commons Zéro 1.0 (domaine public)")
    LICENCE_OUVERTE = "licence-ouverte-2.0", _("Licence Ouverte 2.0 (Etalab)")
    ALL_RIGHTS_RESERVED = "tous-droits-reserves", _("Tous droits réservés")


@dataclass(frozen=True)
class LicenceTerms:
    short: str
    url: str
    attribution: bool  # reusers must credit the authors
    share_alike: bool  # adaptations must keep the same licence
    derivatives: bool  # adaptations allowed at all


TERMS: dict[str, LicenceTerms] = {
    Licence.CC_BY_SA: LicenceTerms(
        "CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/deed.fr", True, True, True
    ),
    Licence.CC_BY: LicenceTerms(
        "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/deed.fr", True, False, True
    ),
    Licence.CC0: LicenceTerms(
        "CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/deed.fr", False, False, True
    ),
    Licence.LICENCE_OUVERTE: LicenceTerms(
        "Licence Ouverte 2.0",
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        True,
        False,
        True,
    ),
    Licence.ALL_RIGHTS_RESERVED: LicenceTerms(
        str(_("Tous droits réservés")), "", True, False, False
    ),
}

DEFAULT_LICENCE = Licence.CC_BY_SA


def terms(code: str) -> LicenceTerms:
    return TERMS[Licence(code)]


def allowed_for_adaptation(source: str) -> list[str]:
    """The licences an adaptation of a resource under `source` may carry."""
    if not terms(source).derivatives:
        return []
    if terms(source).share_alike:
        return [source]
    # Attribution-only and open licences may be relicensed, never closed.
    return [code for code in Licence.values if code != Licence.ALL_RIGHTS_RESERVED]
