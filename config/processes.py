"""Processes Casebridge starts beside itself: Celery workers and gunicorn for the bench, workers for
the worker tests.

One command line for both, so the tests exercise the worker the bench measures.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def celery_worker_command(node_name: str) -> list[str]:
    """One solo worker process (one task at a time, like a production worker slot), with no
    gossip, mingle or heartbeat: they only slow its start and are not what is being measured."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "-l",
        "info",
        "-n",
        node_name,
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]


def spawn(command: list[str], *, env: dict, log_path: Path) -> subprocess.Popen:
    """Start ``command`` from the project directory in a session of its own (so it and its
    children can be stopped together by its process group), its output in ``log_path``."""
    with log_path.open("wb") as log:
        return subprocess.Popen(  # noqa: S603 - command lines built by this project
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(proc: subprocess.Popen, *, timeout: float = 15.0) -> None:
    """Stop a process ``spawn`` started, with its children (its process group), by its id: a
    SIGTERM and ``timeout`` seconds for a warm shutdown, then SIGKILL."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
    # Children of a prefork pool, if any, are in the same group; make sure none outlives it.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
