"""Who may open the public campaign pages and commit (no account needed)."""

from pledges.models import CommitmentStatus
from tests.matrix import PUBLIC, Spec, statuses
from tests.pledges.factories import CampaignFactory, CommitmentFactory, OperationFactory


def territory(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug}


def campaign(w):  # type: ignore[no-untyped-def]
    open_campaign = CampaignFactory(territory=w.territory, sponsor=w.partner, slug="velo")
    return {"slug": w.territory.slug, "campaign": open_campaign.slug}


def operation(w):  # type: ignore[no-untyped-def]
    grouped = OperationFactory(territory=w.territory, slug="mobilite")
    CampaignFactory(territory=w.territory, sponsor=w.partner, operation=grouped)
    return {"slug": w.territory.slug, "operation": grouped.slug}


def pending_token(w):  # type: ignore[no-untyped-def]
    commitment = CommitmentFactory(
        campaign=CampaignFactory(territory=w.territory, sponsor=w.partner),
        status=CommitmentStatus.PENDING,
        confirmed_at=None,
    )
    return {"token": commitment.confirm_token}


def personal_token(w):  # type: ignore[no-untyped-def]
    commitment = CommitmentFactory(
        campaign=CampaignFactory(territory=w.territory, sponsor=w.partner)
    )
    return {"token": commitment.report_token}


COMMIT = {
    "first_name": "Camille",
    "email": "camille@example.org",
    "commune": "26108",
    "consent": "on",
}

MATRIX = {
    "pledges:list": Spec(PUBLIC, territory),
    "pledges:operation": Spec(PUBLIC, operation),
    "pledges:detail": Spec(PUBLIC, campaign),
    "pledges:counter": Spec(PUBLIC, campaign),
    # Committing needs no account: everyone is sent to « vérifiez votre boîte ».
    "pledges:commit": Spec(
        statuses(302), campaign, method="POST", data=COMMIT, anonymous_to_login=False
    ),
    "pledges:commit_sent": Spec(PUBLIC, campaign),
    "pledges:confirm": Spec(PUBLIC, pending_token),
    "pledges:withdraw": Spec(PUBLIC, personal_token),
}
