"""E-mails of pledge campaigns. They leave through accounts.tasks.send_email
once the transaction that decided them commits, so a rolled-back confirmation
never reaches anyone. Each participant gets their own e-mail (no one sees
another's address); telling all the participants of a campaign is one task
that walks them in chunks, so a viral campaign does not hold the request."""

from __future__ import annotations

from functools import partial
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.tasks import send_email
from pledges.models import Campaign, Commitment, CommitmentStatus


def campaign_url(campaign: Campaign) -> str:
    return settings.SITE_URL + reverse(
        "pledges:detail", args=[campaign.territory.slug, campaign.slug]
    )


def personal_links(commitment: Commitment) -> dict[str, str]:
    """The links an e-mail gives a participant: withdraw, and report activities."""
    links = {
        "withdraw_url": settings.SITE_URL
        + reverse("pledges:withdraw", args=[commitment.report_token]),
    }
    if commitment.campaign.reports_activities:
        links["activities_url"] = settings.SITE_URL + reverse(
            "pledges:activities", args=[commitment.report_token]
        )
    return links


def _render(name: str, context: dict[str, Any]) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"pledges/emails/{name}_subject.txt", context)
        body = render_to_string(f"pledges/emails/{name}_body.txt", context)
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()), body


def _queue(to: list[str], name: str, context: dict[str, Any]) -> None:
    subject, body = _render(name, context)
    transaction.on_commit(partial(send_email.delay, to=to, subject=subject, body=body), robust=True)


def send_confirmation(commitment: Commitment) -> None:
    """The double opt-in link (valid 7 days)."""
    campaign = commitment.campaign
    context = {
        "commitment": commitment,
        "campaign": campaign,
        "campaign_url": campaign_url(campaign),
        "confirm_url": settings.SITE_URL
        + reverse("pledges:confirm", args=[commitment.confirm_token]),
    }
    _queue([commitment.email], "confirm", context)


def send_welcome(commitment: Commitment) -> None:
    """A commitment recorded by a field agent, with the person's e-mail."""
    campaign = commitment.campaign
    context = {
        "commitment": commitment,
        "campaign": campaign,
        "campaign_url": campaign_url(campaign),
        **personal_links(commitment),
    }
    _queue([commitment.email], "welcome", context)


def notify_sponsor_contacts(campaign: Campaign, name: str) -> None:
    """One e-mail to each sponsor contact, with the link to confirm the counterpart."""
    context = {
        "campaign": campaign,
        "campaign_url": campaign_url(campaign),
        "fulfil_url": settings.SITE_URL
        + reverse("pledges:fulfil", args=[campaign.territory.slug, campaign.slug]),
    }
    for email in campaign.sponsor_contacts.filter(is_active=True).values_list("email", flat=True):
        _queue([email], name, context)


def notify_participants(campaign: Campaign, name: str) -> None:
    """Tell every confirmed participant with an e-mail, after the commit."""
    transaction.on_commit(
        partial(notify_participants_task.delay, campaign_id=campaign.pk, name=name), robust=True
    )


@shared_task
def notify_participants_task(*, campaign_id: int, name: str) -> int:
    campaign = Campaign.objects.select_related("territory", "sponsor").get(pk=campaign_id)
    base = {"campaign": campaign, "campaign_url": campaign_url(campaign)}
    participants = (
        Commitment.objects.filter(campaign=campaign, status=CommitmentStatus.CONFIRMED)
        .exclude(email="")
        .only("pk", "first_name", "email", "report_token", "campaign_id")
        .order_by("pk")
    )
    sent = 0
    for commitment in participants.iterator(chunk_size=2000):
        commitment.campaign = campaign
        subject, body = _render(
            name, {**base, "commitment": commitment, **personal_links(commitment)}
        )
        send_email.delay(to=[commitment.email], subject=subject, body=body)
        sent += 1
    return sent
