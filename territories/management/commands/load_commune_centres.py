"""Set the centre (latitude, longitude) of communes from an open-data CSV.

Official files differ in their column names and separators (INSEE, La Poste,
data.gouv.fr « communes de France »…), so the usual names are all accepted.
Every row is checked first; nothing is written while a row is wrong unless
`--skip-errors` is given.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import urllib.request
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from territories.management.commands.load_communes import update_communes
from territories.models import Commune

CODE_HEADERS = ("code_insee", "code_commune_insee", "insee", "codgeo", "code_commune", "insee_code")
LATITUDE_HEADERS = ("latitude", "lat", "centre_lat", "latitude_centre")
LONGITUDE_HEADERS = ("longitude", "lon", "lng", "centre_lon", "longitude_centre")
INSEE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
PRECISION = Decimal("0.00001")
SHOWN_ERRORS = 50
DOWNLOAD_TIMEOUT = 60


@dataclass
class Parsed:
    centres: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    blank: int = 0
    duplicates: int = 0


def read_source(source: str) -> bytes:
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=DOWNLOAD_TIMEOUT) as response:  # noqa: S310
            raw: bytes = response.read()
    elif source.startswith(("file:", "ftp:")):
        raise CommandError("Donnez un chemin de fichier ou une adresse http(s).")
    else:
        raw = Path(source).read_bytes()
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


def _column(headers: list[str], candidates: tuple[str, ...], label: str) -> int:
    normalized = [h.strip().strip('"').lower() for h in headers]
    for name in candidates:
        if name in normalized:
            return normalized.index(name)
    raise CommandError(
        f"Colonne {label} introuvable : en-têtes lus {headers}, "
        f"attendus l'un de {list(candidates)}."
    )


def _coordinate(value: str, label: str, limit: int, line: int) -> Decimal:
    try:
        number = Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or abs(number) > limit:
        raise ValueError(f"ligne {line} : {label} « {value} » invalide")
    return number.quantize(PRECISION)


def parse(text: str) -> Parsed:
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        raise CommandError("Le fichier est vide ou sa première ligne n'a pas d'en-têtes.")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    headers = next(reader)
    code_at = _column(headers, CODE_HEADERS, "du code INSEE")
    lat_at = _column(headers, LATITUDE_HEADERS, "de la latitude")
    lon_at = _column(headers, LONGITUDE_HEADERS, "de la longitude")
    parsed = Parsed()
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        try:
            code, lat, lon = (row[code_at].strip(), row[lat_at].strip(), row[lon_at].strip())
        except IndexError:
            parsed.errors.append(f"ligne {line} : {len(row)} colonnes, il en manque")
            continue
        if not INSEE_CODE.match(code):
            parsed.errors.append(f"ligne {line} : code INSEE « {code} » invalide")
            continue
        if not lat and not lon:
            # Official files leave a few communes without a centre.
            parsed.blank += 1
            continue
        try:
            centre = (
                _coordinate(lat, "latitude", 90, line),
                _coordinate(lon, "longitude", 180, line),
            )
        except ValueError as exc:
            parsed.errors.append(str(exc))
            continue
        # La Poste's file repeats a commune once per postal code: keep the first.
        if code in parsed.centres:
            parsed.duplicates += 1
            continue
        parsed.centres[code] = centre
    return parsed


def apply(centres: dict[str, tuple[Decimal, Decimal]]) -> tuple[int, int, int]:
    """Write the centres; return (updated, unchanged, unknown codes)."""
    current = {
        code: (lat, lon)
        for code, lat, lon in Commune.objects.values_list("insee_code", "latitude", "longitude")
    }
    changed = []
    unchanged = 0
    for code, (lat, lon) in centres.items():
        if code not in current:
            continue
        if current[code] == (lat, lon):
            unchanged += 1
            continue
        changed.append(Commune(insee_code=code, latitude=lat, longitude=lon))
    with transaction.atomic():
        update_communes(changed, ["latitude", "longitude"])
    return len(changed), unchanged, len(centres) - len(changed) - unchanged


class Command(BaseCommand):
    help = "Renseigne le centre (latitude, longitude) des communes depuis un CSV open data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="Chemin ou adresse http(s) du fichier CSV (ou .csv.gz).")
        parser.add_argument(
            "--skip-errors",
            action="store_true",
            help="Ignore les lignes invalides au lieu de tout annuler.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            raw = read_source(options["source"])
        except OSError as exc:
            raise CommandError(f"Lecture impossible de {options['source']} : {exc}") from exc
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CommandError(f"Le fichier n'est pas en UTF-8 ({exc}).") from exc
        parsed = parse(text)

        for message in parsed.errors[:SHOWN_ERRORS]:
            self.stderr.write(message)
        if len(parsed.errors) > SHOWN_ERRORS:
            self.stderr.write(f"… et {len(parsed.errors) - SHOWN_ERRORS} autres erreurs.")
        if parsed.errors and not options["skip_errors"]:
            raise CommandError(
                f"{len(parsed.errors)} ligne(s) invalide(s) : rien n'a été écrit "
                "(--skip-errors pour ignorer ces lignes)."
            )

        updated, unchanged, unknown = apply(parsed.centres)
        self.stdout.write(
            self.style.SUCCESS(f"{updated} communes mises à jour")
            + f", {unchanged} inchangées, {unknown} codes inconnus ignorés, "
            f"{parsed.blank} lignes sans coordonnées, {parsed.duplicates} doublons, "
            f"{len(parsed.errors)} lignes en erreur ignorées."
        )
