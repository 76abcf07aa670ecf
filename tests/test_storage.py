"""Uploads on the disk by default, on object storage when the environment names
buckets; logos public, everything else private (elan/storage.py)."""

from __future__ import annotations

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
