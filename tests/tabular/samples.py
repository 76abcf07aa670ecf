"""Spreadsheets built by hand, byte by byte, as LibreOffice writes them: the
reader is tested on files the kit's writer did not make."""

from __future__ import annotations

import io
import zipfile

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"'
)
MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{MIMETYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
# What LibreOffice writes below the last used row and right of the last column.
TRAILING_CELLS = '<table:table-cell table:number-columns-repeated="16380"/>'
TRAILING_ROWS = (
    '<table:table-row table:number-rows-repeated="1048553">'
    '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
)


def text_cell(text: str, **attrs: str) -> str:
    extra = "".join(f' table:{k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f'<table:table-cell office:value-type="string"{extra}><text:p>{text}</text:p></table:table-cell>'


def float_cell(value: str, shown: str = "", formula: str = "") -> str:
    formula_attr = f' table:formula="{formula}"' if formula else ""
    return (
        f'<table:table-cell{formula_attr} office:value-type="float" office:value="{value}">'
        f"<text:p>{shown or value}</text:p></table:table-cell>"
    )


def date_cell(value: str, shown: str) -> str:
    return (
        f'<table:table-cell office:value-type="date" office:date-value="{value}">'
        f"<text:p>{shown}</text:p></table:table-cell>"
    )


def row(*cells: str, repeated: int = 1) -> str:
    attr = f' table:number-rows-repeated="{repeated}"' if repeated > 1 else ""
    return f"<table:table-row{attr}>{''.join(cells)}</table:table-row>"


def sheet(name: str, *rows: str) -> str:
    return (
        f'<table:table table:name="{name}">'
        '<table:table-column table:number-columns-repeated="16384"/>'
        f"{''.join(rows)}</table:table>"
    )


def content(*sheets: str, prolog: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'{prolog}<office:document-content {NAMESPACES} office:version="1.2">'
        f"<office:body><office:spreadsheet>{''.join(sheets)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    ).encode()


def ods(*sheets: str, content_xml: bytes | None = None, manifest: str = MANIFEST) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content_xml or content(*sheets))
    return buffer.getvalue()
