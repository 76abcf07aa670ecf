"""The report's pages: the public and organiser versions from one template,
the organiser's choices, the PDF made once per data version and downloaded
through a permission check, testimonies given with consent."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from elan import pdf
from reports import models as report_models
from reports import services
from reports.models import Audience, Report, ReportSelection, ReportStatus
from tests.factories import UserFactory

BASE = "/t/val-de-drome/defis/hiver/bilan/"
needs_pdf = pytest.mark.skipif(not pdf.available(), reason="WeasyPrint/Pango absents")


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())


def test_the_public_report_shows_aggregates_and_no_household(client, closed_challenge) -> None:
    _challenge, *_ = closed_challenge
    page = client.get(BASE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Bilan : Défi Hiver sobre" in text
    assert "Famille Tardive" not in text
    assert "Famille Lambert" not in text
    assert "Météo-France, station de Montélimar" in text
    assert "Centre d&#x27;information sur l&#x27;eau" in text  # the bath factor's source
    assert "Préparer le bilan" not in text


def test_the_organiser_version_names_the_excluded(client, organiser, closed_challenge) -> None:
    client.force_login(organiser)
    page = client.get(BASE + "animation/")
    assert page.status_code == 200
    assert "Famille Tardive" in page.content.decode()


def test_the_organiser_version_is_not_for_visitors(client, member, closed_challenge) -> None:
    assert client.get(BASE + "animation/").status_code == 302  # to the login page
    client.force_login(member)
    assert client.get(BASE + "animation/").status_code == 403


def test_another_territory_s_challenge_is_a_404(client, other_organiser, closed_challenge) -> None:
    client.force_login(other_organiser)
    assert client.get("/t/pays-voisin/defis/hiver/bilan/").status_code == 404
    challenge, *_ = closed_challenge
    challenge.published_at = None
    challenge.save()
    assert client.get(BASE + "preparer/").status_code == 404


def test_the_organiser_chooses_photos_and_testimonies(client, organiser, closed_challenge) -> None:
    challenge, photo, testimony, _users = closed_challenge
    client.force_login(organiser)
    assert client.get(BASE + "preparer/").status_code == 200
    done = client.post(
        BASE + "preparer/",
        {"introduction": "Merci aux foyers !", "photos": [photo.pk], "testimonies": [testimony.pk]},
    )
    assert done.status_code == 302
    selection = ReportSelection.objects.get(challenge=challenge)
    assert list(selection.photos.all()) == [photo]
    assert selection.version == 1
    testimony.refresh_from_db()
    assert testimony.selected
    page = client.get(BASE).content.decode()
    assert "Nous avons baissé le chauffage" in page
    assert "Merci aux foyers !" in page
    assert f"/agenda/{photo.event_id}/photos/{photo.pk}/" in page
    # A photo of another challenge's event is refused next to the field, nothing changes.
    from tests.events.factories import EventPhotoFactory

    other = EventPhotoFactory()
    bad = client.post(BASE + "preparer/", {"photos": [other.pk]})
    assert bad.status_code == 400
    assert bad.context["form"].errors["photos"]
    assert list(selection.photos.all()) == [photo]


@needs_pdf
def test_the_pdf_is_made_once_per_data_version(
    client, organiser, closed_challenge, django_capture_on_commit_callbacks
) -> None:
    _challenge, *_ = closed_challenge
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = client.post(BASE + "fabriquer/", {"version": "public"})
    assert len(callbacks) == 1
    assert first.status_code == 302
    report = Report.objects.get()
    assert report.status == ReportStatus.DONE, report.error
    assert report.progress == 100
    assert report.pdf_size > 1000
    # Asked again without a change: the same report, no second generation.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(BASE + "fabriquer/", {"version": "public"})
    assert Report.objects.count() == 1
    assert not callbacks
    download = client.get(f"{BASE}pdf/{report.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(download.streaming_content))
    assert "Bilan : Défi Hiver sobre" in text
    assert "Famille Tardive" not in text
    assert "4 foyers participants" in text
    # A visitor downloads the public PDF; the organiser version stays the organisers'.
    client.logout()
    assert client.get(f"{BASE}pdf/{report.pk}/").status_code == 200
    assert "Télécharger le bilan en PDF" in client.get(BASE).content.decode()


@needs_pdf
def test_the_organiser_pdf_is_for_organisers_only(
    client, organiser, member, closed_challenge, django_capture_on_commit_callbacks
) -> None:
    _challenge, *_ = closed_challenge
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(BASE + "fabriquer/", {"version": "animation"})
    report = Report.objects.get(audience=Audience.ORGANISER)
    assert report.status == ReportStatus.DONE, report.error
    text = pdf_text(report.pdf.read())
    assert "Famille Tardive" in text
    client.force_login(member)
    assert client.get(f"{BASE}pdf/{report.pk}/").status_code == 404
    client.logout()
    assert client.get(f"{BASE}pdf/{report.pk}/").status_code == 404


def test_two_requests_at_once_join_one_generation(closed_challenge, organiser, monkeypatch) -> None:
    challenge, *_ = closed_challenge
    queued: list[int] = []
    monkeypatch.setattr("reports.tasks.generate_report.delay", queued.append)
    one = services.request_report(
        challenge=challenge, audience=Audience.PUBLIC, user=organiser, host="testserver"
    )
    two = services.request_report(
        challenge=challenge, audience=Audience.PUBLIC, user=organiser, host="testserver"
    )
    assert one.pk == two.pk
    assert Report.objects.count() == 1
    # A task delivered twice makes one PDF: the second finds it taken.
    Report.objects.filter(pk=one.pk).update(status=ReportStatus.RUNNING)
    assert services.generate(one.pk) is None


def test_a_failed_generation_is_shown_and_can_be_retried(
    closed_challenge, organiser, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    challenge, *_ = closed_challenge

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise pdf.PdfUnavailable("pango")

    monkeypatch.setattr("elan.pdf.render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_report(
            challenge=challenge, audience=Audience.PUBLIC, user=organiser, host="testserver"
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "pas disponible" in report.error
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        again = services.request_report(
            challenge=challenge, audience=Audience.PUBLIC, user=organiser, host="testserver"
        )
    assert again.pk == report.pk
    again.refresh_from_db()
    assert again.status in (ReportStatus.DONE, ReportStatus.FAILED)  # FAILED only without Pango


def test_the_status_fragment_polls_while_running(client, organiser, closed_challenge) -> None:
    challenge, *_ = closed_challenge
    report = Report.objects.create(
        challenge=challenge,
        audience=Audience.PUBLIC,
        data_key="x",
        progress=45,
        step="Mise en page du PDF",
        status=ReportStatus.RUNNING,
    )
    client.force_login(organiser)
    fragment = client.get(f"{BASE}pdf/{report.pk}/etat/").content.decode()
    assert 'hx-trigger="every 1s"' in fragment
    assert "Mise en page du PDF (45 %)" in fragment
    assert 'value="45"' in fragment
    client.logout()
    assert client.get(f"{BASE}pdf/{report.pk}/etat/").status_code == 302


def test_a_bad_version_is_refused(client, organiser, closed_challenge) -> None:
    client.force_login(organiser)
    response = client.post(BASE + "fabriquer/", {"version": "tout"})
    assert response.status_code == 302
    assert not Report.objects.exists()


def test_a_participant_gives_then_withdraws_a_testimony(client, closed_challenge) -> None:
    _challenge, _photo, _testimony, users = closed_challenge
    user = users[1]
    client.force_login(user)
    assert client.get(BASE + "temoigner/").status_code == 200
    refused = client.post(BASE + "temoigner/", {"text": "Très bien", "signature": "Inès"})
    assert refused.status_code == 400
    assert "sans votre accord" in refused.content.decode()
    assert "Très bien" in refused.content.decode()  # what was typed is kept
    assert not report_models.Testimony.objects.filter(author=user).exists()
    done = client.post(
        BASE + "temoigner/", {"text": "Très bien", "signature": "Inès", "consent": "on"}
    )
    assert done.status_code == 302
    given = report_models.Testimony.objects.get(author=user)
    assert given.consent_at is not None
    assert not given.selected
    client.post(BASE + "temoigner/", {"retirer": given.pk})
    assert not report_models.Testimony.objects.filter(author=user).exists()


def test_only_participants_testify(client, closed_challenge) -> None:
    client.force_login(UserFactory())
    assert client.get(BASE + "temoigner/").status_code == 403


def test_the_report_page_s_queries_do_not_grow_with_events(client, closed_challenge) -> None:
    from tests.events.factories import EventFactory

    challenge, *_ = closed_challenge
    client.get(BASE)  # results computed and cached

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(BASE).status_code == 200
        return len(queries)

    before = count()
    for n in range(5):
        EventFactory(territory=challenge.territory, challenge=challenge, title=f"Atelier {n}")
    assert count() == before


def test_the_page_the_csv_and_the_api_say_the_same(client, closed_challenge) -> None:
    from elan.tabular import read_table

    page = client.get(BASE).content.decode().replace("\xa0", " ").replace("\u202f", " ")
    table = read_table(client.get(BASE + "chiffres.csv").content, "chiffres.csv")
    api = client.get("/api/v1/challenges/val-de-drome/hiver/report").json()
    csv_rows = [(r.get("indicateur"), r.get("valeur"), r.get("unite") or "") for r in table.rows]
    api_rows = [(f["indicateur"], f["valeur"], f["unite"]) for f in api["figures"]]
    assert csv_rows == api_rows
    assert ("Foyers participants", "4", "") in api_rows
    for label, value, unit in api_rows:
        if unit:
            assert f"{value} {unit}".replace("\xa0", " ").replace("\u202f", " ") in page, label


def test_the_results_page_links_to_the_report(client, organiser, closed_challenge) -> None:
    page = client.get("/t/val-de-drome/defis/hiver/resultats/").content.decode()
    assert 'href="/t/val-de-drome/defis/hiver/bilan/"' in page
    assert "Préparer le bilan" not in page
    client.force_login(organiser)
    page = client.get("/t/val-de-drome/defis/hiver/resultats/").content.decode()
    assert 'href="/t/val-de-drome/defis/hiver/bilan/preparer/"' in page


@needs_pdf
def test_the_pdf_says_what_the_api_says(
    client, organiser, closed_challenge, django_capture_on_commit_callbacks
) -> None:
    """The fourth output of the same figures: every key figure of the API is
    in the public PDF's text, as value and unit."""
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(BASE + "fabriquer/", {"version": "public"})
    report = Report.objects.get()
    assert report.status == ReportStatus.DONE, report.error
    text = " ".join(pdf_text(report.pdf.read()).replace("\xa0", " ").replace("\u202f", " ").split())
    api = client.get("/api/v1/challenges/val-de-drome/hiver/report").json()
    assert api["data_key"] == report.data_key
    for figure in api["figures"]:
        value = " ".join(f"{figure['valeur']} {figure['unite']}".replace("\u202f", " ").split())
        assert value in text, figure
