"""E-mails of pledge campaigns. They go through the outbox
(accounts.mail.queue_email) and leave once the transaction that decided them
commits, so a rolled-back confirmation never reaches anyone. Each key says
which message of which commitment it is (``pledge-confirm:<commitment>:…``):
queued twice, sent once. Each participant gets their own e-mail (no one sees
another's address); telling all the participants of a campaign is one task
that walks them in chunks, so a viral campaign does not hold the request.
Participants may unsubscribe from a campaign's news (``pledges:campaign:<pk>``);
the confirmation and welcome messages always leave."""

from __future__ import annotations

from functools import partial
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.mail import Email, queue_email, queue_emails
from accounts.models import EmailStream
from pledges.models import Campaign, Commitment, CommitmentStatus

NEWS_SCOPE_PREFIX = "pledges:campaign:"


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


def news_scope(campaign: Campaign) -> str:
    return f"{NEWS_SCOPE_PREFIX}{campaign.pk}"


def _queue(key: str, to: str, name: str, context: dict[str, Any], campaign: Campaign) -> None:
    subject, body = _render(name, context)
    queue_email(
        key=key,
        to=to,
        subject=subject,
        body=body,
        stream=EmailStream.TRANSACTIONAL,
        reference=f"campaign:{campaign.pk}",
    )


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
    sent_at = commitment.confirmation_sent_at.isoformat() if commitment.confirmation_sent_at else ""
    # Asking again for the link is a new message: the time of the request.
    _queue(
        f"pledge-confirm:{commitment.pk}:{sent_at}", commitment.email, "confirm", context, campaign
    )


def send_welcome(commitment: Commitment) -> None:
    """A commitment recorded by a field agent, with the person's e-mail."""
    campaign = commitment.campaign
    context = {
        "commitment": commitment,
        "campaign": campaign,
        "campaign_url": campaign_url(campaign),
        **personal_links(commitment),
    }
    _queue(f"pledge-welcome:{commitment.pk}", commitment.email, "welcome", context, campaign)


def notify_sponsor_contacts(campaign: Campaign, name: str) -> None:
    """One e-mail to each sponsor contact, with the link to confirm the counterpart."""
    context = {
        "campaign": campaign,
        "campaign_url": campaign_url(campaign),
        "fulfil_url": settings.SITE_URL
        + reverse("pledges:fulfil", args=[campaign.territory.slug, campaign.slug]),
    }
    contacts = campaign.sponsor_contacts.filter(is_active=True).values_list("pk", "email")
    for pk, email in contacts:
        key = f"pledge-{name.replace('_', '-')}:{campaign.pk}:{pk}"
        _queue(key, email, name, context, campaign)


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
    batch: list[Email] = []
    for commitment in participants.iterator(chunk_size=2000):
        commitment.campaign = campaign
        subject, body = _render(
            name, {**base, "commitment": commitment, **personal_links(commitment)}
        )
        batch.append(
            Email(
                key=f"pledge-{name}:{campaign.pk}:{commitment.pk}",
                to=commitment.email,
                subject=subject,
                body=body,
                stream=EmailStream.CAMPAIGN,
                unsubscribe_scope=news_scope(campaign),
                reference=f"campaign:{campaign.pk}",
            )
        )
        sent += 1
        if len(batch) == 2000:
            queue_emails(batch)
            batch = []
    queue_emails(batch)
    return sent


@shared_task
def close_expired_campaigns() -> int:
    """The daily closing of campaigns past their deadline below their
    threshold (beat: 00:15; `manage.py close_expired_campaigns` by cron)."""
    from pledges.services import campaign_expire_due

    return campaign_expire_due()
