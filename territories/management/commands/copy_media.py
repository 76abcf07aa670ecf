"""Copy the uploads from the disk to the storages the settings name: the step
that moves an instance onto object storage (docs/deploy.md, « Media on
object storage »).

    ELAN_S3_BUCKET=… ELAN_S3_PUBLIC_BUCKET=… manage.py copy_media --dry-run
    ELAN_S3_BUCKET=… ELAN_S3_PUBLIC_BUCKET=… manage.py copy_media

Every file field of every model is read from the database; each file goes to
its own field's storage (the logos to the public one, everything else to the
private one: elan/storage.py), under the same name, so that no row changes.
A file already there with the same size is left alone, so the command can be
run again after an interruption or just before the switch. Files missing from
the disk, and files present in the storage with another size, are listed and
make the command fail: nothing is overwritten.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models

PROGRESS_EVERY = 500
LISTED = 20  # problems listed by name; the others counted


@dataclass
class Tally:
    copied: int = 0
    present: int = 0
    missing: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def _storage_label(storage: Storage) -> str:
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        return f"compartiment « {bucket} »"
    if isinstance(storage, FileSystemStorage):
        return f"disque {storage.location}"
    return type(storage).__name__


def _same_place(storage: Storage, source: Path) -> bool:
    return isinstance(storage, FileSystemStorage) and Path(storage.location).resolve() == source


def file_names() -> dict[Storage, set[str]]:
    """The names of every stored file, by the storage of its field (one query
    per file field, names streamed)."""
    found: dict[Storage, set[str]] = defaultdict(set)
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for model_field in model._meta.concrete_fields:
            if not isinstance(model_field, models.FileField):
                continue
            names = (
                model._base_manager.exclude(**{model_field.attname: ""})
                .exclude(**{f"{model_field.attname}__isnull": True})
                .values_list(model_field.attname, flat=True)
            )
            found[model_field.storage].update(names.iterator(chunk_size=2000))
    return found


class Command(BaseCommand):
    help = "Copie les fichiers déposés du disque vers les stockages configurés (S3)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source",
            type=Path,
            default=None,
            help="dossier des fichiers sur le disque (par défaut MEDIA_ROOT)",
        )
        parser.add_argument("--dry-run", action="store_true", help="compter sans rien copier")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["source"] or settings.MEDIA_ROOT).resolve()
        if not source.is_dir():
            raise CommandError(f"Dossier introuvable : {source}")
        dry_run = options["dry_run"]
        failed = False
        for storage, names in file_names().items():
            label = _storage_label(storage)
            if _same_place(storage, source):
                self.stdout.write(f"{label} : {len(names)} fichier(s), déjà à leur place.")
                continue
            tally = self._copy(storage, sorted(names), source, dry_run=dry_run)
            verb = "à copier" if dry_run else "copié(s)"
            self.stdout.write(
                f"{label} : {tally.copied} {verb}, {tally.present} déjà présent(s), "
                f"{len(tally.missing)} introuvable(s) sur le disque, "
                f"{len(tally.conflicts)} en conflit."
            )
            for title, problems in (
                ("Introuvables sur le disque", tally.missing),
                ("Déjà présents avec une autre taille (non remplacés)", tally.conflicts),
            ):
                if problems:
                    failed = True
                    self.stdout.write(f"  {title} :")
                    for name in problems[:LISTED]:
                        self.stdout.write(f"    {name}")
                    if len(problems) > LISTED:
                        self.stdout.write(f"    … et {len(problems) - LISTED} autre(s)")
        if failed:
            raise CommandError(
                "Des fichiers n'ont pas été copiés : voyez la liste ci-dessus. "
                "Relancer la commande ne recopie que ce qui manque."
            )

    def _copy(self, storage: Storage, names: list[str], source: Path, *, dry_run: bool) -> Tally:
        tally = Tally()
        for done, name in enumerate(names, start=1):
            _copy_one(storage, name, source, tally, dry_run=dry_run)
            if done % PROGRESS_EVERY == 0:
                self.stdout.write(f"  … {done} / {len(names)}")
        return tally


def _copy_one(storage: Storage, name: str, source: Path, tally: Tally, *, dry_run: bool) -> None:
    """One file to `storage`, counted in `tally`."""
    path = (source / name).resolve()
    if not path.is_relative_to(source) or not path.is_file():
        tally.missing.append(name)
    elif storage.exists(name):
        if storage.size(name) == path.stat().st_size:
            tally.present += 1
        else:
            tally.conflicts.append(name)
    elif dry_run:
        tally.copied += 1
    else:
        with path.open("rb") as handle:
            saved = storage.save(name, File(handle, name=name))
        if saved == name:
            tally.copied += 1
        else:  # the storage renamed it: the row would not find it
            storage.delete(saved)
            tally.conflicts.append(name)
