"""What the reports hold about a person, for the RGPD export and erasure
(accounts/rgpd.py): the testimonies they gave. Erasing an account withdraws
them (and bumps the report's selection, so that the next PDF leaves them out);
a PDF already made keeps the words it was given with consent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F

from accounts.rgpd import Row, register_eraser, register_section
from reports.models import ReportSelection, Testimony

if TYPE_CHECKING:
    from accounts.models import User


def export_testimonies(user: User) -> list[Row]:
    rows = Testimony.objects.filter(author=user).select_related("challenge__territory")
    return [
        {
            "defi": t.challenge.title,
            "territoire": t.challenge.territory.name,
            "texte": t.text,
            "signature": t.signature,
            "publication_acceptee_le": t.consent_at,
            "recueilli_par": t.consent_source,
            "retenu_pour_le_bilan": t.selected,
        }
        for t in rows.order_by("created_at", "pk")
    ]


def erase_testimonies(user: User) -> None:
    mine = Testimony.objects.filter(author=user)
    chosen = mine.filter(selected=True).values_list("challenge_id", flat=True)
    ReportSelection.objects.filter(challenge_id__in=list(chosen)).update(version=F("version") + 1)
    mine.delete()


def register_reports() -> None:
    register_section("temoignages", export_testimonies)
    register_eraser(erase_testimonies)
