"""The reports API: the public key figures, a PDF requested (and joined),
followed and downloaded; another territory's challenge is a 404."""

from __future__ import annotations

import pytest

from elan import pdf
from reports.models import Report, ReportStatus

API = "/api/v1/challenges/val-de-drome/hiver/"


def test_the_key_figures_are_public(client, closed_challenge) -> None:
    body = client.get(API + "report").json()
    assert body["title"] == "Défi Hiver sobre"
    assert {"indicateur": "Foyers participants", "valeur": "4", "unite": ""} in body["figures"]
    assert "Famille" not in str(body)


def test_only_organisers_request_a_pdf(client, member, closed_challenge) -> None:
    assert client.post(API + "reports").status_code == 401
    client.force_login(member)
    assert client.post(API + "reports").status_code == 403
    assert not Report.objects.exists()


def test_a_bad_audience_is_refused_in_french(client, organiser, closed_challenge) -> None:
    client.force_login(organiser)
    response = client.post(API + "reports?audience=tout")
    assert response.status_code in (400, 422)
    assert not Report.objects.exists()


@pytest.mark.skipif(not pdf.available(), reason="WeasyPrint/Pango absents")
def test_an_organiser_requests_follows_and_downloads(
    client, organiser, closed_challenge, django_capture_on_commit_callbacks
) -> None:
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(API + "reports?audience=public")
    assert first.status_code == 202
    again = client.post(API + "reports?audience=public").json()
    assert again["id"] == first.json()["id"]
    status = client.get(f"{API}reports/{again['id']}").json()
    assert status["status"] == ReportStatus.DONE
    assert status["progress"] == 100
    assert status["is_current"]
    client.logout()
    download = client.get(status["pdf_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_another_territory_is_a_404(client, other_organiser, closed_challenge) -> None:
    client.force_login(other_organiser)
    assert client.get("/api/v1/challenges/pays-voisin/hiver/report").status_code == 404
    assert client.post("/api/v1/challenges/pays-voisin/hiver/reports").status_code == 404
