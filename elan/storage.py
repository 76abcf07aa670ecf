"""Where uploaded files live: the local disk by default, object storage
(S3-compatible, through django-storages) when the environment names buckets.

Two storages, never mixed:
- **private** (`default`): every upload that a permission-checked view serves
  (meter photos, challenge kits, commons files, event and network photos,
  final reports' PDF). Views read it through `field.open()`, so it can be a
  private bucket whose objects are never public; a signed URL, when one is
  made, expires after `ELAN_S3_URL_SECONDS`.
- **public**: the territories' and partners' logos only, shown to every
  visitor as plain files (`/media/territories/…` locally, the public bucket or
  its domain otherwise).

Environment (all optional; without `ELAN_S3_BUCKET` nothing leaves the disk):
    ELAN_S3_BUCKET, ELAN_S3_PUBLIC_BUCKET, ELAN_S3_ENDPOINT_URL,
    ELAN_S3_REGION, ELAN_S3_ACCESS_KEY_ID, ELAN_S3_SECRET_ACCESS_KEY,
    ELAN_S3_PUBLIC_DOMAIN, ELAN_S3_URL_SECONDS (300)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.files.storage import Storage, storages

S3 = "storages.backends.s3.S3Storage"
FILESYSTEM = "django.core.files.storage.FileSystemStorage"


def media_storages(env: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """The `default` (private) and `public` entries of STORAGES."""
    private_bucket = env.get("ELAN_S3_BUCKET", "")
    if not private_bucket:
        return {"default": {"BACKEND": FILESYSTEM}, "public": {"BACKEND": FILESYSTEM}}
    common = {
        key: value
        for key, value in {
            "endpoint_url": env.get("ELAN_S3_ENDPOINT_URL", ""),
            "region_name": env.get("ELAN_S3_REGION", ""),
            "access_key": env.get("ELAN_S3_ACCESS_KEY_ID", ""),
            "secret_key": env.get("ELAN_S3_SECRET_ACCESS_KEY", ""),
        }.items()
        if value
    }
    private = {
        "BACKEND": S3,
        "OPTIONS": {
            **common,
            "bucket_name": private_bucket,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": int(env.get("ELAN_S3_URL_SECONDS", "300") or 300),
            "file_overwrite": False,
        },
    }
    public_bucket = env.get("ELAN_S3_PUBLIC_BUCKET", "")
    if not public_bucket:
        # Logos stay on the web nodes' shared disk: no public bucket wanted.
        return {"default": private, "public": {"BACKEND": FILESYSTEM}}
    public_options: dict[str, Any] = {
        **common,
        "bucket_name": public_bucket,
        "default_acl": "public-read",
        "querystring_auth": False,
        "file_overwrite": False,
    }
    if env.get("ELAN_S3_PUBLIC_DOMAIN"):
        public_options["custom_domain"] = env["ELAN_S3_PUBLIC_DOMAIN"]
    return {"default": private, "public": {"BACKEND": S3, "OPTIONS": public_options}}


def public_origin(env: Mapping[str, str]) -> str:
    """The origin the public logos come from, for the Content-Security-Policy
    (empty when they are served by Élan itself)."""
    if not env.get("ELAN_S3_BUCKET") or not env.get("ELAN_S3_PUBLIC_BUCKET"):
        return ""
    if env.get("ELAN_S3_PUBLIC_DOMAIN"):
        return "https://" + env["ELAN_S3_PUBLIC_DOMAIN"]
    endpoint = env.get("ELAN_S3_ENDPOINT_URL", "").rstrip("/")
    if endpoint:
        return endpoint
    return f"https://{env['ELAN_S3_PUBLIC_BUCKET']}.s3.amazonaws.com"


def public_storage() -> Storage:
    """`storage=` of the logo fields (a callable: the choice is the settings')."""
    return storages["public"]
