"""deploy/backup.sh really dumps and restores (PostgreSQL only: the CI's
second run): a committed row comes back in the scratch database it checks."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import TerritoryFactory

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump absent"),
]


def test_the_backup_restores_what_it_dumped(tmp_path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("sauvegarde PostgreSQL : testée sur la base PostgreSQL")
    TerritoryFactory(slug="sauvegarde", name="Territoire sauvegardé")
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        **os.environ,
        "ELAN_DATABASE_URL": url,
        "ELAN_BACKUP_DIR": str(tmp_path),
        "ELAN_BACKUP_KEEP": "1",
    }
    done = subprocess.run(
        ["bash", str(ROOT / "deploy" / "backup.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "restauration vérifiée" in done.stdout
    assert "territories_territory" in done.stdout
    assert len(list(tmp_path.glob("elan-*.dump"))) == 1


def test_the_script_refuses_anything_but_postgresql(tmp_path) -> None:
    env = {
        **os.environ,
        "ELAN_DATABASE_URL": "sqlite:///x.sqlite3",
        "ELAN_BACKUP_DIR": str(tmp_path),
    }
    done = subprocess.run(
        ["bash", str(ROOT / "deploy" / "backup.sh")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "PostgreSQL seulement" in done.stderr
