"""Who may record in the field (named agents and organisers) and who reads the
field report (organisers). The member is made a field agent of the campaign."""

from tests.matrix import Spec, statuses
from tests.pledges.factories import CampaignFactory


def campaign_with_agent(w):  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(territory=w.territory, sponsor=w.partner, slug="porte-a-porte")
    campaign.agents.add(w.users["member"])
    return {"slug": w.territory.slug, "campaign": campaign.slug}


MATRIX = {
    "pledges:field": Spec(
        statuses(403, anonymous=302, member=200, organiser=200, admin=200), campaign_with_agent
    ),
    "pledges:field_report": Spec(
        statuses(403, anonymous=302, organiser=200, admin=200), campaign_with_agent
    ),
}
