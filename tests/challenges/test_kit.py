"""The participant kit: organisers upload, households download through a checked view."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from challenges.forms.challenge import KitDocumentForm
from challenges.models import KitDocument, RegistrationStatus
from tests.factories import (
    ChallengeFactory,
    HouseholdFactory,
    KitDocumentFactory,
    RegistrationFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def challenge(territory):  # type: ignore[no-untyped-def]
    return ChallengeFactory(territory=territory, slug="hiver")


def kit_url(challenge) -> str:  # type: ignore[no-untyped-def]
    return reverse("challenges:kit", args=[challenge.territory.slug, challenge.slug])


def download_url(document) -> str:  # type: ignore[no-untyped-def]
    c = document.challenge
    return reverse("challenges:kit_download", args=[c.territory.slug, c.slug, document.pk])


def test_an_organiser_uploads_a_pdf_stored_under_a_random_name(
    client, challenge, organiser
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    upload = SimpleUploadedFile("guide participant.pdf", PDF, content_type="application/pdf")
    response = client.post(
        kit_url(challenge),
        {"kind": "guide_participant", "title": "Guide du participant", "file": upload},
    )
    assert response.status_code == 302
    document = KitDocument.objects.get()
    assert document.title == "Guide du participant"
    assert "guide" not in document.file.name
    assert document.file.name.endswith(".pdf")
    assert document.file.read() == PDF


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("script.exe", b"MZ\x90\x00", "Format non accepté"),
        ("guide.pdf", b"<html>pas un pdf</html>", "ne correspond pas à son extension .pdf"),
        ("photo.jpg", b"\x89PNG\r\n\x1a\n....", "ne correspond pas à son extension .jpg"),
    ],
)
def test_a_file_of_the_wrong_type_is_refused(
    client, challenge, organiser, name, content, message
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    response = client.post(
        kit_url(challenge),
        {"kind": "autre", "title": "Document", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["file"])
    assert not KitDocument.objects.exists()


def test_a_file_above_the_size_limit_is_refused(client, challenge, organiser, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The real limit is 20 MB; a small one keeps the test quick.
    monkeypatch.setattr(KitDocumentForm, "MAX_BYTES", len(PDF) - 1)
    client.force_login(organiser)
    response = client.post(
        kit_url(challenge),
        {"kind": "autre", "title": "Gros", "file": SimpleUploadedFile("gros.pdf", PDF)},
    )
    assert response.status_code == 400
    assert "Le fichier dépasse 20 Mo" in response.content.decode()
    assert not KitDocument.objects.exists()


def test_the_limit_is_twenty_megabytes() -> None:
    assert KitDocumentForm.MAX_BYTES == 20 * 1024 * 1024


def test_an_organiser_removes_a_document_and_its_file(
    client, challenge, organiser, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    document = KitDocumentFactory(challenge=challenge)
    storage, name = document.file.storage, document.file.name
    client.force_login(organiser)
    url = reverse("challenges:kit_delete", args=["val-de-drome", "hiver", document.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert not KitDocument.objects.exists()
    assert not storage.exists(name)


def test_a_member_cannot_remove_a_document(client, challenge, member) -> None:  # type: ignore[no-untyped-def]
    document = KitDocumentFactory(challenge=challenge)
    RegistrationFactory(challenge=challenge, household=member.household)
    client.force_login(member)
    url = reverse("challenges:kit_delete", args=["val-de-drome", "hiver", document.pk])
    assert client.post(url).status_code == 403
    assert KitDocument.objects.exists()


def test_a_registered_household_downloads_the_guide_under_a_safe_name(
    client, challenge, member
) -> None:  # type: ignore[no-untyped-def]
    RegistrationFactory(
        challenge=challenge, household=member.household, status=RegistrationStatus.CANDIDATE
    )
    document = KitDocumentFactory(challenge=challenge, title="Guide : l'hiver / 2026")
    client.force_login(member)
    response = client.get(download_url(document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 guide"
    assert response["Content-Disposition"] == 'attachment; filename="guide-lhiver-2026.pdf"'


def test_an_outsider_cannot_download(client, challenge, outsider, member) -> None:  # type: ignore[no-untyped-def]
    document = KitDocumentFactory(challenge=challenge)
    assert client.get(download_url(document)).status_code == 302  # to the login page
    client.force_login(outsider)
    assert client.get(download_url(document)).status_code == 403
    client.force_login(member)  # a household, but not registered to this challenge
    assert client.get(download_url(document)).status_code == 403


def test_a_draft_kit_is_not_found_for_households(client, territory, member) -> None:  # type: ignore[no-untyped-def]
    draft = ChallengeFactory(territory=territory, draft=True)
    RegistrationFactory(challenge=draft, household=member.household)
    document = KitDocumentFactory(challenge=draft)
    client.force_login(member)
    assert client.get(download_url(document)).status_code == 404


def test_the_captain_kit_is_for_captains_and_organisers_only(
    client, challenge, member, organiser
) -> None:  # type: ignore[no-untyped-def]
    captain = UserFactory(household=HouseholdFactory())
    team = TeamFactory(challenge=challenge, captain=captain)
    RegistrationFactory(challenge=challenge, household=captain.household, team=team)
    RegistrationFactory(challenge=challenge, household=member.household, team=team)
    kit = KitDocumentFactory(challenge=challenge, kind="kit_capitaine", title="Kit du capitaine")
    client.force_login(member)
    assert client.get(download_url(kit)).status_code == 403
    client.force_login(captain)
    assert client.get(download_url(kit)).status_code == 200
    client.force_login(organiser)
    assert client.get(download_url(kit)).status_code == 200


def test_a_document_of_another_challenge_is_not_found_through_this_one(
    client, challenge, territory, organiser
) -> None:  # type: ignore[no-untyped-def]
    other = ChallengeFactory(territory=territory, slug="ete")
    document = KitDocumentFactory(challenge=other)
    client.force_login(organiser)
    url = reverse("challenges:kit_download", args=[territory.slug, "hiver", document.pk])
    assert client.get(url).status_code == 404


def test_a_missing_file_is_a_404_not_a_500(client, challenge, organiser) -> None:  # type: ignore[no-untyped-def]
    document = KitDocumentFactory(challenge=challenge)
    document.file.storage.delete(document.file.name)
    client.force_login(organiser)
    assert client.get(download_url(document)).status_code == 404
