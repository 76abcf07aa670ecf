"""The pledges API: campaigns are public; committing needs no account (a form
body is not JSON: 400 for everyone); an activity needs the personal token in
the Authorization header, which no role of the matrix sends (401)."""

from tests.matrix import PUBLIC, Spec, statuses
from tests.pledges.factories import CampaignFactory


def campaign(w):  # type: ignore[no-untyped-def]
    found = CampaignFactory(territory=w.territory, sponsor=w.partner, slug="api-velo")
    return {"territory": w.territory.slug, "slug": found.slug}


MATRIX = {
    "api:campaign_list": Spec(PUBLIC),
    "api:campaign_detail": Spec(PUBLIC, campaign),
    "api:campaign_commit": Spec(
        statuses(400), campaign, method="POST", data={"first_name": "Lou"}, anonymous_to_login=False
    ),
    "api:activity_create": Spec(statuses(401), method="POST", anonymous_to_login=False),
}
