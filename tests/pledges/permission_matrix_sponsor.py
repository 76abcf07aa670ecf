"""The sponsor's pages: any logged-in user has a (maybe empty) list of sponsored
campaigns; a campaign's figures and export are for its sponsor contacts (the
captain is made one), the territory's organisers and coordinators."""

from tests.matrix import LOGGED_IN, Spec, statuses
from tests.pledges.factories import CampaignFactory

FIGURES = statuses(403, anonymous=302, captain=200, organiser=200, coordinator=200, admin=200)


def sponsored(w):  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(territory=w.territory, sponsor=w.partner, slug="parrainee")
    campaign.sponsor_contacts.add(w.users["captain"])
    return {"slug": w.territory.slug, "campaign": campaign.slug}


MATRIX = {
    "pledges:sponsor": Spec(LOGGED_IN),
    "pledges:sponsor_campaign": Spec(FIGURES, sponsored),
    "pledges:sponsor_csv": Spec(FIGURES, sponsored),
}
