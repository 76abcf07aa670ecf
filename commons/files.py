"""What a contributor may attach to a resource: the type is read from the
file's first bytes (never from its name or the browser's word), the size is
capped. Images are checked by Pillow too."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_IMAGE_BYTES = 5 * 1024 * 1024

OPEN_DOCUMENT = {
    b"application/vnd.oasis.opendocument.text": ("odt", "application/vnd.oasis.opendocument.text"),
    b"application/vnd.oasis.opendocument.spreadsheet": (
        "ods",
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
    b"application/vnd.oasis.opendocument.presentation": (
        "odp",
        "application/vnd.oasis.opendocument.presentation",
    ),
}
OFFICE = {
    "word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ppt/": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
IMAGES = {b"\x89PNG\r\n\x1a\n": ("png", "image/png"), b"\xff\xd8\xff": ("jpg", "image/jpeg")}
ACCEPTED_LABEL = "PDF, ODT, ODS, ODP, DOCX, XLSX, PPTX, PNG, JPEG, CSV ou texte"


@dataclass(frozen=True)
class Sniffed:
    extension: str
    content_type: str


def _zip_kind(data: bytes) -> Sniffed | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        if "mimetype" in names:
            found = OPEN_DOCUMENT.get(archive.read("mimetype").strip())
            return Sniffed(*found) if found else None
        if "[Content_Types].xml" in names:
            for prefix, found in OFFICE.items():
                if any(n.startswith(prefix) for n in names):
                    return Sniffed(*found)
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    return None


def sniff(data: bytes) -> Sniffed | None:
    """The type of a file from its content, or None when it is not accepted."""
    if data.startswith(b"%PDF-"):
        return Sniffed("pdf", "application/pdf")
    for magic, found in IMAGES.items():
        if data.startswith(magic):
            return Sniffed(*found)
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    head = text.lstrip("\ufeff").lstrip()[:200].lower()
    if head.startswith(("<", "<!doctype")):
        return None  # HTML or SVG could carry scripts
    return Sniffed("txt", "text/plain; charset=utf-8")


def check_attachment(upload: UploadedFile) -> Sniffed:
    if upload.size and upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("Ce fichier pèse %(size)s : %(max)s au plus.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(MAX_ATTACHMENT_BYTES)}
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    found = sniff(data)
    if found is None:
        raise ValidationError(
            _("Ce type de fichier n'est pas accepté. Formats possibles : %(formats)s.")
            % {"formats": ACCEPTED_LABEL}
        )
    return found


def check_image(upload: UploadedFile) -> Sniffed:
    if upload.size and upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("Cette image pèse %(size)s : %(max)s au plus.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(MAX_IMAGE_BYTES)}
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    found = sniff(data)
    if found is None or not found.content_type.startswith("image/"):
        raise ValidationError(_("Une image PNG ou JPEG est attendue."))
    from PIL import Image as PILImage

    try:
        PILImage.open(io.BytesIO(data)).verify()
    except Exception as exc:  # Pillow raises many kinds for a broken file
        raise ValidationError(_("Cette image est illisible ou abîmée.")) from exc
    return found
