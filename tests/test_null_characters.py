"""A NUL character anywhere in a request is a French 400, never a database
error (PostgreSQL cannot hold it): elan.middleware.RejectNullCharactersMiddleware."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/t/%00/", "/t/val%00de/agenda/", "/commun/?q=%00"])
def test_a_nul_in_the_address_or_the_query_is_a_400(client, path) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert "caractère nul" in response.content.decode()


def test_a_nul_in_a_form_field_is_a_400(client) -> None:
    response = client.post("/i18n/setlang/", {"language": "fr\x00"})
    assert response.status_code == 400


def test_a_nul_in_a_json_body_is_a_json_400(client) -> None:
    response = client.post(
        "/api/v1/communes", data='{"q": "Crest\\u0000"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert "caractère nul" in response.json()["message"]


def test_a_file_may_hold_nul_bytes(client) -> None:
    upload = SimpleUploadedFile("photo.jpg", b"\xff\xd8\x00\x00binary", content_type="image/jpeg")
    response = client.post("/i18n/setlang/", {"language": "fr", "fichier": upload})
    assert response.status_code != 400


@pytest.mark.parametrize("encode", ["multipart", "urlencoded"])
def test_a_form_body_sent_to_the_api_still_reaches_it(client, encode) -> None:
    """The middleware reads an API body raw: parsing it as a form first would
    consume the stream django-ninja reads next (a RawPostDataException, a 500)."""
    if encode == "multipart":
        response = client.post("/api/v1/readings", {"value": "12"})
    else:
        response = client.post(
            "/api/v1/readings", "value=12", content_type="application/x-www-form-urlencoded"
        )
    assert response.status_code in (401, 403, 422)
    response = client.post(
        "/api/v1/readings", "value=1%002", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
