"""Who may do what with pledge campaigns (see territories/rules.py for roles).

Committing needs no account: anyone who may see an open campaign may commit;
the audience rules of employee campaigns (e-mail domain, invitation code) and
the deadline are checked by pledges.services with a message. Activity reports
go through the personal link of a commitment, which is its own proof.
"""

from __future__ import annotations

from typing import Any

import rules

from pledges.models import Campaign, CampaignStatus
from territories.rules import is_organiser, is_platform_admin, is_published, is_regional_coordinator


def _campaign(obj: Any) -> Campaign | None:
    return obj if isinstance(obj, Campaign) else None


@rules.predicate
def is_announced(user: Any, obj: Any) -> bool:
    campaign = _campaign(obj)
    return campaign is not None and campaign.status != CampaignStatus.DRAFT


@rules.predicate
def is_sponsor_contact(user: Any, obj: Any) -> bool:
    campaign = _campaign(obj)
    if campaign is None or not user.is_authenticated:
        return False
    return campaign.sponsor_contacts.filter(pk=user.pk).exists()


@rules.predicate
def is_field_agent(user: Any, obj: Any) -> bool:
    campaign = _campaign(obj)
    if campaign is None or not user.is_authenticated:
        return False
    return campaign.agents.filter(pk=user.pk).exists()


manages = is_organiser | is_platform_admin

rules.add_perm(
    "pledges.view_campaign",
    (is_announced & is_published) | manages | is_regional_coordinator | is_sponsor_contact,
)
rules.add_perm("pledges.commit", is_announced & is_published)
rules.add_perm("pledges.manage_campaign", manages)  # object: the territory or the campaign
rules.add_perm("pledges.record_assisted", is_announced & (is_field_agent | manages))
rules.add_perm("pledges.view_figures", manages | is_regional_coordinator | is_sponsor_contact)
rules.add_perm("pledges.confirm_counterpart", is_announced & (is_sponsor_contact | manages))
# The sponsor's page lists the campaigns a user sponsors, whatever the territory.
rules.add_perm("pledges.view_sponsor_page", rules.is_authenticated)
# The embeddable widget: one cached rendering for everyone, so only what any
# visitor may see (an announced campaign of a published territory).
rules.add_perm("pledges.embed_campaign", is_announced & is_published)
