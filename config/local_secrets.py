"""Secrets for a local run, generated once and kept under ``var/`` (never committed).

A production deployment sets ``DJANGO_SECRET_KEY`` and ``CASEBRIDGE_SIGNING_KEY`` in the
environment; this module exists so that a new user can start the app with nothing set.
"""

import secrets
from pathlib import Path


def read_or_create(path: Path, *, nbytes: int = 48) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        value = path.read_text().strip()
        if value:
            return value
    value = secrets.token_urlsafe(nbytes)
    # Written with owner-only permissions: the signing key protects indicator fingerprints.
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(value + "\n")
    return value
