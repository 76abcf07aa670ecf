"""Taking resources away: PDF (text read back with pypdf), Markdown, JSON-LD, open data."""

from __future__ import annotations

import csv
import io
import json

import pytest
from pypdf import PdfReader

from commons import services
from elan import pdf
from tests.commons.factories import resource
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REX = "club-optimo-reseau-d-acteurs-de-la-prevention-des-dechets"


def _text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_pdf_is_laid_out_like_an_optigede_sheet(client):  # type: ignore[no-untyped-def]
    response = client.get(f"/commun/r/{REX}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"{REX}.pdf" in response["Content-Disposition"]
    text = _text(response.content)
    for expected in [
        "Club OPTIMO",
        "CONTEXTE",
        "OBJECTIFS ET RÉSULTATS",
        "MISE EN ŒUVRE",
        "ENSEIGNEMENTS",
        "Pascal Strievi",
        "CC BY-SA 4.0",
        "OPTIGEDE",
    ]:
        assert expected in text, expected
    assert "Publier le commentaire" not in text  # forms stay on the page


def test_without_weasyprint_the_pdf_is_a_french_503(client, monkeypatch):  # type: ignore[no-untyped-def]
    def missing() -> None:
        raise pdf.PdfUnavailable("libpango-1.0-0 introuvable")

    monkeypatch.setattr(pdf, "_weasyprint", missing)
    response = client.get(f"/commun/r/{REX}/pdf/")
    assert response.status_code == 503
    assert "Le PDF ne peut pas être produit" in response.content.decode()


def test_the_pdf_refuses_outside_addresses():  # type: ignore[no-untyped-def]
    from django.test import RequestFactory

    fetcher = pdf._fetcher(RequestFactory().get("/"))
    with pytest.raises(ValueError, match="extérieure"):
        fetcher.fetch("https://attacker.example/x.png")


def test_markdown_export(client):  # type: ignore[no-untyped-def]
    text = client.get(f"/commun/r/{REX}/markdown/").content.decode()
    assert text.startswith("# Le Club OPTIMO")
    assert "## Contexte" in text
    assert "Licence : CC BY-SA 4.0" in text


def test_json_ld_embedded_and_downloadable_with_lineage(client):  # type: ignore[no-untyped-def]
    source = resource(title="Source", author_name="Léa")
    adaptation = services.resource_adapt(source=source, user=UserFactory(), title="Adaptation")
    document = json.loads(client.get(f"/commun/r/{adaptation.slug}/jsonld/").content)
    assert document["@type"] == "HowTo"
    assert document["license"] == "https://creativecommons.org/licenses/by-sa/4.0/deed.fr"
    assert document["isBasedOn"]["name"] == "Source"
    assert document["isBasedOn"]["version"] == 1
    assert "dateModified" in document
    assert {"@type": "Person", "name": "Léa"} in document["author"]
    page = client.get(adaptation.get_absolute_url()).content.decode()
    assert '<script type="application/ld+json">' in page
    assert 'rel="license"' in page


def test_json_ld_cannot_close_its_script_tag(client):  # type: ignore[no-untyped-def]
    found = resource(title="</script><script>alert(1)</script>")
    page = client.get(found.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in page


def test_open_data_dump_in_json_and_csv(client):  # type: ignore[no-untyped-def]
    resource(title='=HYPERLINK("http://x")', status="publie")
    resource(title="Brouillon caché", status="brouillon")
    data = json.loads(b"".join(client.get("/commun/donnees/ressources.json").streaming_content))
    titles = {r["title"] for r in data["ressources"]}
    assert "Brouillon caché" not in titles
    assert "Licence Ouverte 2.0" in data["licence"]
    assert len(titles) >= 21
    body = b"".join(client.get("/commun/donnees/ressources.csv").streaming_content).decode(
        "utf-8-sig"
    )
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0][:3] == ["slug", "title", "kind"]
    assert any(r[1] == '\'=HYPERLINK("http://x")' for r in rows)  # formula neutralised
