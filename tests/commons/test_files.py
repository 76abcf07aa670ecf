"""Attachments: the type is read from the content and the size is capped."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from commons import services
from commons.files import MAX_ATTACHMENT_BYTES, check_attachment, check_image, sniff
from tests.commons.factories import resource
from tests.commons.permission_matrix import PNG


def _odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"%PDF-1.7 ...", "application/pdf"),
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0JFIF", "image/jpeg"),
        (b"Compostage ; 12\n", "text/plain; charset=utf-8"),
    ],
)
def test_it_recognises_accepted_types(data, content_type):  # type: ignore[no-untyped-def]
    found = sniff(data)
    assert found is not None
    assert found.content_type == content_type


def test_it_recognises_an_open_document():
    assert sniff(_odt()).extension == "odt"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00 exe",
        b"<html><script>alert(1)</script></html>",
        b"<svg onload=x>",
        b"\x00\x01\x02\xfe",
    ],
)
def test_it_refuses_other_types_whatever_their_name(data):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("notice.pdf", data, content_type="application/pdf")
    with pytest.raises(ValidationError, match="type de fichier n'est pas accepté"):
        check_attachment(upload)


def test_it_refuses_a_file_too_big():
    upload = SimpleUploadedFile("gros.pdf", b"%PDF-" + b"0" * MAX_ATTACHMENT_BYTES)
    with pytest.raises(ValidationError, match="au plus"):
        check_attachment(upload)


def test_an_image_must_be_a_real_image():
    with pytest.raises(ValidationError):
        check_image(SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\nnot really"))


@pytest.mark.django_db
def test_the_upload_page_refuses_with_a_french_message(client, outsider):  # type: ignore[no-untyped-def]
    found = resource()
    client.force_login(outsider)
    response = client.post(
        f"/commun/r/{found.slug}/fichiers/",
        {
            "quoi": "fichier",
            "fichier-title": "Virus",
            "fichier-file": SimpleUploadedFile("a.pdf", b"MZ\x90"),
        },
    )
    assert response.status_code == 400
    assert (
        "n&#x27;est pas accepté" in response.content.decode()
        or "n'est pas accepté" in response.content.decode()
    )
    assert not found.attachments.exists()


@pytest.mark.django_db
def test_an_accepted_attachment_is_stored_and_served(client, outsider):  # type: ignore[no-untyped-def]
    found = resource()
    attachment = services.attachment_add(
        resource=found,
        user=outsider,
        upload=SimpleUploadedFile("x.bin", b"%PDF-1.4 x"),
        title="Notice",
    )
    assert attachment.content_type == "application/pdf"
    assert attachment.file.name.endswith(".pdf")
    response = client.get(f"/commun/fichiers/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.django_db
def test_an_image_is_added_with_its_alt_text(client, outsider):  # type: ignore[no-untyped-def]
    found = resource()
    client.force_login(outsider)
    response = client.post(
        f"/commun/r/{found.slug}/fichiers/",
        {
            "quoi": "image",
            "image-alt_text": "Composteur en bois",
            "image-file": SimpleUploadedFile("c.png", PNG),
        },
    )
    assert response.status_code == 302
    image = found.images.get()
    page = client.get(found.get_absolute_url()).content.decode()
    assert f'src="/commun/images/{image.pk}/" alt="Composteur en bois"' in page
