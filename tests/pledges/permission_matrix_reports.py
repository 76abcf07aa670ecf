"""The personal link of activity reports is its own proof: whoever holds it
(logged in or not, whatever their roles) reports for that commitment only."""

from tests.matrix import PUBLIC, Spec, statuses
from tests.pledges.factories import ActivityReportFactory, CampaignFactory, CommitmentFactory


def personal_link(w):  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(
        territory=w.territory, sponsor=w.partner, slug="km-a-velo", reports_activities=True
    )
    return {"report_token": CommitmentFactory(campaign=campaign).report_token}


def own_report(w):  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(
        territory=w.territory, sponsor=w.partner, slug="km-a-velo", reports_activities=True
    )
    report = ActivityReportFactory(commitment=CommitmentFactory(campaign=campaign))
    return {"report_token": report.commitment.report_token, "pk": report.pk}


MATRIX = {
    "pledges:activities": Spec(PUBLIC, personal_link),
    "pledges:activity_delete": Spec(
        statuses(302), own_report, method="POST", anonymous_to_login=False
    ),
}
