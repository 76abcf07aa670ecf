"""Who may open the widget and its snippet page: everyone, for an open campaign
(drafts and unpublished territories are tested in test_widget*.py)."""

from tests.matrix import PUBLIC, Spec
from tests.pledges.factories import CampaignFactory


def open_campaign(w):  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(territory=w.territory, sponsor=w.partner, slug="a-velo")
    return {"slug": w.territory.slug, "campaign": campaign.slug}


MATRIX = {
    "pledges:widget": Spec(PUBLIC, open_campaign),
    "pledges:widget_snippet": Spec(PUBLIC, open_campaign),
}
