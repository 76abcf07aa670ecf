"""What the commons holds about a person, for the RGPD export
(accounts/rgpd.py): the resources they created, their revisions, comments
and experience feedback. Erasure anonymises the account (accounts.services):
the contributions stay, under their open licence, without a name — the
commons is a shared work that an author's departure must not tear apart."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.rgpd import Row, register_section
from commons.models import Comment, Feedback, Resource, Revision

if TYPE_CHECKING:
    from accounts.models import User


def export_contributions(user: User) -> list[Row]:
    rows: list[Row] = []
    for resource in Resource.objects.filter(created_by=user).order_by("created_at", "pk"):
        rows.append(
            {
                "type": "ressource créée",
                "ressource": resource.title,
                "date": resource.created_at,
                "texte": resource.summary,
            }
        )
    revisions = Revision.objects.filter(author=user).select_related("resource")
    for revision in revisions.order_by("created_at", "pk"):
        rows.append(
            {
                "type": "révision",
                "ressource": revision.resource.title,
                "date": revision.created_at,
                "texte": revision.comment,
            }
        )
    comments = Comment.objects.filter(author=user).select_related("resource")
    for comment in comments.order_by("created_at", "pk"):
        rows.append(
            {
                "type": "commentaire",
                "ressource": comment.resource.title,
                "date": comment.created_at,
                "texte": comment.body,
            }
        )
    feedback = Feedback.objects.filter(author=user).select_related("resource", "territory")
    for item in feedback.order_by("created_at", "pk"):
        rows.append(
            {
                "type": "retour d'expérience",
                "ressource": item.resource.title,
                "date": item.created_at,
                "texte": item.context,
            }
        )
    return rows


def register_commons() -> None:
    register_section("commun_contributions", export_contributions)
