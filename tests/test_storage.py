"""Uploads on the disk by default, on object storage when the environment names
buckets; logos public, everything else private (elan/storage.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.storage import default_storage, storages

from elan.storage import FILESYSTEM, S3, media_storages, public_origin
from network.models import Actor
from territories.models import Partner, Territory

BUCKETS = {
    "ELAN_S3_BUCKET": "elan-prive",
    "ELAN_S3_PUBLIC_BUCKET": "elan-public",
    "ELAN_S3_ENDPOINT_URL": "https://s3.fr-par.scw.cloud",
    "ELAN_S3_REGION": "fr-par",
    "ELAN_S3_ACCESS_KEY_ID": "cle",
    "ELAN_S3_SECRET_ACCESS_KEY": "secret",
}


def test_without_a_bucket_everything_stays_on_the_disk() -> None:
    chosen = media_storages({})
    assert chosen["default"]["BACKEND"] == FILESYSTEM
    assert chosen["public"]["BACKEND"] == FILESYSTEM
    assert public_origin({}) == ""


def test_the_private_bucket_signs_short_lived_urls_and_never_overwrites() -> None:
    private = media_storages(BUCKETS)["default"]
    assert private["BACKEND"] == S3
    options = private["OPTIONS"]
    assert options["bucket_name"] == "elan-prive"
    assert options["default_acl"] == "private"
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] == 300
    assert options["file_overwrite"] is False
    assert options["endpoint_url"] == "https://s3.fr-par.scw.cloud"
    assert options["secret_key"] == "secret"


def test_the_public_bucket_holds_only_what_anyone_may_see() -> None:
    public = media_storages(BUCKETS)["public"]
    assert public["OPTIONS"]["bucket_name"] == "elan-public"
    assert public["OPTIONS"]["default_acl"] == "public-read"
    assert public["OPTIONS"]["querystring_auth"] is False
    assert public_origin(BUCKETS) == "https://s3.fr-par.scw.cloud"
    with_domain = {**BUCKETS, "ELAN_S3_PUBLIC_DOMAIN": "medias.elan.example.org"}
    assert media_storages(with_domain)["public"]["OPTIONS"]["custom_domain"] == (
        "medias.elan.example.org"
    )
    assert public_origin(with_domain) == "https://medias.elan.example.org"


def test_a_private_bucket_alone_keeps_the_logos_on_the_disk() -> None:
    only_private = {"ELAN_S3_BUCKET": "elan-prive"}
    assert media_storages(only_private)["public"]["BACKEND"] == FILESYSTEM
    assert public_origin(only_private) == ""


def test_the_s3_storage_the_settings_name_can_be_built() -> None:
    from storages.backends.s3 import S3Storage

    storage = S3Storage(**media_storages(BUCKETS)["default"]["OPTIONS"])
    assert storage.bucket_name == "elan-prive"


def test_logos_use_the_public_storage_and_other_uploads_the_private_one() -> None:
    assert Territory._meta.get_field("logo").storage is storages["public"]
    assert Partner._meta.get_field("logo").storage is storages["public"]
    # The network's logos are served by a view that checks the actor is listed.
    assert Actor._meta.get_field("logo").storage is default_storage


def test_the_policy_lets_images_come_from_the_public_bucket(settings) -> None:
    from elan.middleware import ContentSecurityPolicyMiddleware

    settings.ELAN_PUBLIC_MEDIA_ORIGIN = "https://medias.elan.example.org"
    middleware = ContentSecurityPolicyMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    assert "img-src 'self' data: blob:" in middleware.policy
    assert "https://medias.elan.example.org" in middleware.policy


# --- copy_media: the disk's files to the configured storages ------------------


def _moved_to(tmp_path, *documents):  # type: ignore[no-untyped-def]
    """The files of `documents` moved out of the storage into an old disk."""
    old = tmp_path / "ancien-disque"
    for document in documents:
        target = old / document.file.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(document.file.read())
        document.file.close()
        default_storage.delete(document.file.name)
    return old


def test_copy_media_copies_what_is_missing_and_can_be_run_again(db, tmp_path) -> None:
    from django.core.management import call_command

    from tests.factories import KitDocumentFactory

    first, second = KitDocumentFactory(), KitDocumentFactory()
    old = _moved_to(tmp_path, first, second)
    out = io.StringIO()
    call_command("copy_media", "--source", str(old), "--dry-run", stdout=out)
    assert "2 à copier, 0 déjà présent(s)" in out.getvalue()
    assert not default_storage.exists(first.file.name), "un essai ne copie rien"
    call_command("copy_media", "--source", str(old), stdout=(out := io.StringIO()))
    assert "2 copié(s), 0 déjà présent(s), 0 introuvable(s)" in out.getvalue()
    with default_storage.open(first.file.name) as copied:
        assert copied.read() == b"%PDF-1.4 guide"
    # Run again after an interruption: nothing copied twice, no renamed copy.
    call_command("copy_media", "--source", str(old), stdout=(out := io.StringIO()))
    assert "0 copié(s), 2 déjà présent(s)" in out.getvalue()
    assert sorted(default_storage.listdir(str(Path(first.file.name).parent))[1]) == sorted(
        {Path(first.file.name).name, Path(second.file.name).name}
    )
    # Without --source the disk is the storage itself: nothing to do.
    call_command("copy_media", stdout=(out := io.StringIO()))
    assert "déjà à leur place" in out.getvalue()


def test_copy_media_lists_missing_and_different_files_and_fails(db, tmp_path) -> None:
    from django.core.management import CommandError, call_command

    from tests.factories import KitDocumentFactory

    gone, changed, fine = KitDocumentFactory(), KitDocumentFactory(), KitDocumentFactory()
    old = _moved_to(tmp_path, gone, changed, fine)
    (old / gone.file.name).unlink()
    default_storage.save(changed.file.name, io.BytesIO(b"une autre version, plus longue"))
    out = io.StringIO()
    with pytest.raises(CommandError, match="Relancer la commande ne recopie que ce qui manque"):
        call_command("copy_media", "--source", str(old), stdout=out)
    report = out.getvalue()
    assert "1 copié(s), 0 déjà présent(s), 1 introuvable(s) sur le disque, 1 en conflit" in report
    assert gone.file.name in report
    assert changed.file.name in report
    with default_storage.open(changed.file.name) as kept:
        assert kept.read() == b"une autre version, plus longue", "rien n'est remplacé"
    assert default_storage.exists(fine.file.name)


def test_copy_media_refuses_a_source_that_does_not_exist(db, tmp_path) -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Dossier introuvable"):
        call_command("copy_media", "--source", str(tmp_path / "nulle-part"))
