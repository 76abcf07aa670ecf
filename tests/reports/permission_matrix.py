"""Who may open the final report's pages: anyone who sees the challenge reads
the public version, its key figures and its PDF; the organisers (and admins)
prepare the report, read the organiser version, make the PDF and follow it;
the households taking part give testimonies."""

from django.core.files.base import ContentFile

from reports.models import Audience, Report, ReportStatus
from tests.matrix import PUBLIC, Spec, statuses

ORGANISERS = statuses(403, anonymous=302, organiser=200, admin=200)
# Superusers hold every permission (they could testify too: nobody else sees the form).
PARTICIPANTS = statuses(403, anonymous=302, member=200, captain=200, admin=200)


def challenge(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug, "challenge": w.extra["challenge"].slug}


def public_report(w):  # type: ignore[no-untyped-def]
    report = Report.objects.create(
        challenge=w.extra["challenge"],
        audience=Audience.PUBLIC,
        data_key="matrice",
        status=ReportStatus.DONE,
        progress=100,
    )
    report.pdf.save("bilan.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    return {**challenge(w), "pk": report.pk}


def api_challenge(w):  # type: ignore[no-untyped-def]
    return {"territory": w.territory.slug, "slug": w.extra["challenge"].slug}


def api_report(w):  # type: ignore[no-untyped-def]
    found = public_report(w)
    return {**api_challenge(w), "report_id": found["pk"]}


MATRIX = {
    "reports:public": Spec(PUBLIC, challenge),
    "reports:figures_csv": Spec(PUBLIC, challenge),
    "reports:organiser": Spec(ORGANISERS, challenge),
    "reports:prepare": Spec(ORGANISERS, challenge),
    # Without a broker the PDF is made after commit: the matrix's transaction never commits.
    "reports:generate": Spec(
        statuses(403, anonymous=302, organiser=302, admin=302),
        challenge,
        method="POST",
        data={"version": "public"},
    ),
    "reports:status": Spec(ORGANISERS, public_report),
    "reports:download": Spec(PUBLIC, public_report),
    "reports:testimony": Spec(PARTICIPANTS, challenge),
    "api:report_figures": Spec(PUBLIC, api_challenge),
    "api:report_request": Spec(
        statuses(403, anonymous=401, organiser=202, admin=202),
        api_challenge,
        method="POST",
        anonymous_to_login=False,
    ),
    "api:report_status": Spec(
        statuses(403, anonymous=401, organiser=200, admin=200),
        api_report,
        anonymous_to_login=False,
    ),
    "api:report_pdf": Spec(PUBLIC, api_report),
    # The comparison across territories: public aggregates, for everyone.
    "reports:comparison": Spec(PUBLIC, lambda w: {}),
    "reports:comparison_export": Spec(PUBLIC, lambda w: {"fmt": "csv"}),
    "api:comparisons": Spec(PUBLIC, lambda w: {}),
    # Open data: public aggregates, for everyone.
    "reports:opendata": Spec(PUBLIC, lambda w: {}),
    "reports:opendata_package": Spec(PUBLIC, lambda w: {}),
    "reports:opendata_schema": Spec(PUBLIC, lambda w: {"slug": "resultats-defis"}),
    "reports:opendata_file": Spec(PUBLIC, lambda w: {"slug": "evenements", "fmt": "csv"}),
    "api:open_data_catalogue": Spec(PUBLIC, lambda w: {}),
    "api:open_data_dataset": Spec(PUBLIC, lambda w: {"dataset": "engagements"}),
    # Dashboards: the territory's for its organisers and its region's
    # coordinators; the region's for its coordinators.
    "reports:territory_dashboard": Spec(
        statuses(403, anonymous=302, organiser=200, coordinator=200, admin=200),
        lambda w: {"slug": w.territory.slug},
    ),
    "reports:region_dashboard": Spec(
        statuses(403, anonymous=302, coordinator=200, admin=200),
        lambda w: {"code": w.territory.region_id},
    ),
    "reports:region_export": Spec(
        statuses(403, anonymous=302, coordinator=200, admin=200),
        lambda w: {"code": w.territory.region_id},
    ),
}
