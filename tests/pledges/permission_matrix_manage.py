"""Who may run the territory's campaigns and confirm a counterpart."""

from pledges.models import CampaignStatus
from tests.matrix import Spec, statuses
from tests.pledges.factories import CampaignFactory, OperationFactory

ORGANISER = statuses(403, anonymous=302, organiser=200, admin=200)


def territory(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug}


def campaign(w):  # type: ignore[no-untyped-def]
    open_campaign = CampaignFactory(territory=w.territory, sponsor=w.partner, slug="velo")
    return {"slug": w.territory.slug, "campaign": open_campaign.slug}


def reached(w):  # type: ignore[no-untyped-def]
    done = CampaignFactory(
        territory=w.territory, sponsor=w.partner, slug="atteinte", status=CampaignStatus.REACHED
    )
    return {"slug": w.territory.slug, "campaign": done.slug}


def operation(w):  # type: ignore[no-untyped-def]
    grouped = OperationFactory(territory=w.territory, slug="mobilite")
    return {"slug": w.territory.slug, "operation": grouped.slug}


MATRIX = {
    "pledges:manage": Spec(ORGANISER, territory),
    "pledges:create": Spec(ORGANISER, territory),
    "pledges:edit": Spec(ORGANISER, campaign),
    "pledges:publish": Spec(ORGANISER, campaign),
    "pledges:contacts": Spec(ORGANISER, campaign),
    "pledges:operation_create": Spec(ORGANISER, territory),
    "pledges:operation_edit": Spec(ORGANISER, operation),
    # Sponsor contacts too (tested in test_manage.py: they are no role of the matrix).
    "pledges:fulfil": Spec(ORGANISER, reached),
}
