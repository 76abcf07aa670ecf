"""Personal data of pledge campaigns in the RGPD export and erasure.

Committing needs no account, so a user's commitments are found by their
account's e-mail addresses (the main one and the verified others). Erasure
anonymises them — first name « Participant·e », no e-mail — and keeps the
commune, the counts and the km, so that published totals do not change.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from accounts.rgpd import Row, register_eraser, register_retention, register_section
from pledges.models import ActivityReport, Campaign, CampaignStatus, Commitment

if TYPE_CHECKING:
    from accounts.models import User

ANONYMOUS_NAME = "Participant·e"


def _emails(user: User) -> list[str]:
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return sorted({e.lower() for e in [user.email, *verified] if e})


def _commitments(user: User) -> QuerySet[Commitment]:
    return Commitment.objects.annotate(email_lower=Lower("email")).filter(
        email_lower__in=_emails(user)
    )


def export_commitments(user: User) -> list[Row]:
    commitments = _commitments(user).select_related("campaign__territory", "commune")
    return [
        {
            "campagne": c.campaign.title,
            "territoire": c.campaign.territory.name,
            "prenom_ou_pseudonyme": c.first_name,
            "email": c.email,
            "commune": c.commune.name if c.commune else "",
            "site": c.site,
            "etat": c.get_status_display(),
            "enregistre_par_un_agent": c.agent_id is not None,
            "cree_le": c.created_at,
            "confirme_le": c.confirmed_at,
            "retire_le": c.withdrawn_at,
        }
        for c in commitments.order_by("created_at", "pk")
    ]


def export_activities(user: User) -> list[Row]:
    reports = ActivityReport.objects.filter(commitment__in=_commitments(user)).select_related(
        "commitment__campaign"
    )
    return [
        {
            "campagne": r.commitment.campaign.title,
            "date": r.date,
            "mode": r.get_mode_display(),
            "km": r.km,
            "trajets": r.count,
            "declare_le": r.created_at,
        }
        for r in reports.order_by("date", "pk")
    ]


@transaction.atomic
def erase(user: User) -> None:
    """Anonymise the user's commitments, keep what they counted; leave the
    campaigns' sponsor contacts and field agents."""
    Commitment.objects.filter(pk__in=_commitments(user).values("pk")).update(
        first_name=ANONYMOUS_NAME, email=""
    )
    Campaign.sponsor_contacts.through.objects.filter(user=user).delete()
    Campaign.agents.through.objects.filter(user=user).delete()


def register() -> None:
    register_section("engagements", export_commitments)
    register_section("activites_declarees", export_activities)
    register_eraser(erase)
    register_retention("engagements", anonymise_closed_campaigns)


def anonymise_closed_campaigns(limit: dt.datetime) -> int:
    """Commitments of campaigns expired or fulfilled before `limit`: the
    first name and the address go, the commune, the site and the status stay
    (the campaign's published count does not move)."""
    closed = Campaign.objects.filter(
        Q(status=CampaignStatus.EXPIRED, expired_at__lt=limit)
        | Q(status=CampaignStatus.FULFILLED, fulfilled_at__lt=limit)
    )
    return (
        Commitment.objects.filter(campaign__in=closed)
        .exclude(first_name="", email="")
        .update(first_name="", email="")
    )
