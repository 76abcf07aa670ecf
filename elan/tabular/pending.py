"""The file between an import's dry run and its confirmation.

The person uploads once: the bytes are kept under MEDIA_ROOT/imports/ and
referenced in their session by a random token, with what the importer needs
to know again (the challenge or territory it belongs to, the kind of data,
the column mapping). A file left over more than a day is deleted at the next
upload.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest

UPLOAD_DIR = "imports"
STALE_AFTER = 24 * 3600


@dataclass(frozen=True)
class Pending:
    token: str
    data: bytes
    meta: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.meta.get("name", ""))


@dataclass(frozen=True)
class PendingUploads:
    session_key: str  # one per importer: two imports never mix their files

    @staticmethod
    def directory() -> Path:
        directory = Path(settings.MEDIA_ROOT) / UPLOAD_DIR
        directory.mkdir(parents=True, exist_ok=True)
        return directory

    @staticmethod
    def _clean_stale(directory: Path) -> None:
        limit = time.time() - STALE_AFTER
        for old in directory.glob("*.upload"):
            try:
                if old.stat().st_mtime < limit:
                    old.unlink()
            except OSError:
                continue

    def keep(self, request: HttpRequest, data: bytes, *, name: str, **meta: Any) -> str:
        """Store the file; the token to give back at confirmation."""
        directory = self.directory()
        self._clean_stale(directory)
        token = secrets.token_urlsafe(16)
        (directory / f"{token}.upload").write_bytes(data)
        pending = request.session.get(self.session_key, {})
        pending[token] = {**meta, "file": f"{token}.upload", "name": name[:200]}
        request.session[self.session_key] = pending
        return token

    def get(self, request: HttpRequest, token: str, **expected: Any) -> Pending | None:
        """The file of `token` when it is this person's, for what `expected`
        says (e.g. the same challenge), and still on disk."""
        entry = request.session.get(self.session_key, {}).get(token)
        if not entry or any(entry.get(k) != v for k, v in expected.items()):
            return None
        path = self.directory() / entry["file"]
        try:
            data = path.read_bytes()
        except OSError:
            return None
        return Pending(token=token, data=data, meta=dict(entry))

    def update(self, request: HttpRequest, token: str, **meta: Any) -> None:
        pending = request.session.get(self.session_key, {})
        if token in pending:
            pending[token] = {**pending[token], **meta}
            request.session[self.session_key] = pending

    def forget(self, request: HttpRequest, token: str) -> None:
        pending = request.session.get(self.session_key, {})
        entry = pending.pop(token, None)
        request.session[self.session_key] = pending
        if entry:
            (self.directory() / entry["file"]).unlink(missing_ok=True)
