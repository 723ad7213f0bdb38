"""A real Celery worker process beside the test process, on the run's own broker and test database.

The suite runs twice in CI: SQLite + the ``filesystem://`` transport, then PostgreSQL + Redis. These
fixtures use whatever the run is configured with; a configured broker that cannot be reached fails
the test (never skips it).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from config.processes import celery_worker_command, spawn, stop

LEASE_SECONDS = 2
WORKER_READY_TIMEOUT = 40.0
STOP_TIMEOUT = 10.0


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.2, what: str = "condition", details=None):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            extra = f"\n{details()}" if details else ""
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}{extra}")
        time.sleep(interval)


def uses_filesystem_broker() -> bool:
    return settings.CELERY_BROKER_URL.startswith("filesystem://")


def _reset_publisher_pools() -> None:
    """Make the app build its connection and producer pools again from ``app.conf``."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _test_database_url() -> str:
    """The URL of the database this test runs against (pytest-django swapped in the test name)."""
    conf = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(conf["NAME"])
        assert name == str(settings.DATABASES["default"]["TEST"]["NAME"]), "not the test database"
        return f"sqlite:///{name}"
    if connection.vendor == "postgresql":
        assert conf["NAME"].startswith("test_"), f"not a test database: {conf['NAME']}"
        auth = quote(conf["USER"] or "", safe="")
        if conf.get("PASSWORD"):
            auth += ":" + quote(conf["PASSWORD"], safe="")
        host = conf.get("HOST") or "127.0.0.1"
        port = conf.get("PORT") or 5432
        return f"postgres://{auth}@{host}:{port}/{quote(conf['NAME'], safe='')}"
    raise AssertionError(f"no worker database URL for {connection.vendor}")


@pytest.fixture
def broker(settings):
    """The test process publishes to the run's real broker: never eagerly, never to memory.

    Also shortens the lease (the test process stamps ``next_attempt_at`` on the outbox rows it
    writes) and lets webhook partners live on 127.0.0.1, as in the worker's environment.
    """
    settings.CASEBRIDGE_DELIVERY_LEASE_SECONDS = LEASE_SECONDS
    settings.CASEBRIDGE_RETRY_SCHEDULE = [1, 1, 1]
    settings.CASEBRIDGE_WEBHOOK_ALLOW_PRIVATE = True
    assert celery_app.conf.task_always_eager is False, "the worker tests need a real broker, not eager tasks"
    assert celery_app.conf.broker_url == settings.CELERY_BROKER_URL
    assert not settings.CELERY_BROKER_URL.startswith("memory://"), "memory:// does not reach another process"
    _reset_publisher_pools()
    if not uses_filesystem_broker():
        try:
            with celery_app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=5)
        except Exception as exc:
            pytest.fail(f"the configured broker {settings.CELERY_BROKER_URL} is unreachable: {exc}")
    # Messages left by an earlier test (or run) would only be "nothing to do", but start clean.
    celery_app.control.purge()
    yield celery_app
    _reset_publisher_pools()


@contextlib.contextmanager
def broker_unreachable(tmp_path: Path):
    """Publishing from the test process fails while inside: the broker is "down".

    Redis (or any network broker): an address where nothing listens. Filesystem: an outgoing
    folder that cannot exist (its parent is a regular file, so even root cannot write there).
    """
    conf = celery_app.conf
    # Publishing goes through ``broker_write_url``; ``broker_url`` itself cannot be overridden here
    # because Celery prefers the CELERY_BROKER_URL environment variable (set in the Redis pass).
    assert not os.environ.get("CELERY_BROKER_WRITE_URL"), "CELERY_BROKER_WRITE_URL would win over the override"
    saved_write_url, saved_options = conf.get("broker_write_url"), conf.broker_transport_options
    if uses_filesystem_broker():
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("")
        conf["broker_transport_options"] = {**saved_options, "data_folder_out": str(blocker / "queue")}
    else:
        conf["broker_write_url"] = "redis://127.0.0.1:1/0"
        assert celery_app.connection_for_write().port == 1
    _reset_publisher_pools()
    try:
        yield
    finally:
        conf["broker_write_url"], conf["broker_transport_options"] = saved_write_url, saved_options
        _reset_publisher_pools()


class Worker:
    def __init__(self, proc: subprocess.Popen, log_path: Path, name: str):
        self.proc, self.log_path, self.name = proc, log_path, name

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL the worker's whole process group (its own session): no warm shutdown, no ack."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=STOP_TIMEOUT)

    def stop(self) -> None:
        stop(self.proc, timeout=STOP_TIMEOUT)


@pytest.fixture
def worker_env(broker, transactional_db):
    """The environment of a worker process: the test database, the same broker and folders."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _test_database_url(),
        "CASEBRIDGE_VAR_DIR": str(settings.VAR_DIR),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CASEBRIDGE_SIGNING_KEY": settings.CASEBRIDGE_SIGNING_KEY,
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "CASEBRIDGE_DELIVERY_LEASE_SECONDS": str(LEASE_SECONDS),
        "CASEBRIDGE_RETRY_SCHEDULE": "1,1,1",
        "CASEBRIDGE_WEBHOOK_ALLOW_PRIVATE": "true",
        "NO_PROXY": ",".join(filter(None, [os.environ.get("NO_PROXY"), "127.0.0.1", "localhost"])),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CASEBRIDGE_REQUIRE_POSTGRES", None)
    return env


@pytest.fixture
def start_worker(worker_env, tmp_path):
    """Start ``celery -A config worker`` processes; every one is stopped by its id at teardown."""
    workers: list[Worker] = []

    def start() -> Worker:
        name = f"cbtest-{uuid.uuid4().hex[:8]}@%h"
        log_path = tmp_path / f"worker-{len(workers) + 1}.log"
        proc = spawn(celery_worker_command(name), env=worker_env, log_path=log_path)
        worker = Worker(proc, log_path, name)
        workers.append(worker)

        def ready():
            if not worker.alive():
                pytest.fail(f"the worker exited with {proc.returncode}:\n{worker.log()}")
            return " ready." in worker.log()

        wait_for(ready, timeout=WORKER_READY_TIMEOUT, what="the worker to be ready", details=worker.log)
        return worker

    yield start
    for worker in workers:
        worker.stop()


class WebhookReceiver:
    """A partner's webhook endpoint on 127.0.0.1 that records every request.

    The first request is held (the sender is "inside the HTTP call") until ``release_first`` is set
    or 15 s pass; later ones are answered at once with 200.
    """

    def __init__(self):
        self.requests: list[dict] = []
        self.first_received = threading.Event()
        self.release_first = threading.Event()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                with receiver._lock:
                    headers = {key.lower(): value for key, value in self.headers.items()}
                    receiver.requests.append({"headers": headers, "body": body})
                    first = len(receiver.requests) == 1
                if first:
                    receiver.first_received.set()
                    receiver.release_first.wait(timeout=15)
                with contextlib.suppress(OSError):  # the sender may have died meanwhile
                    payload = json.dumps({"ok": True}).encode()
                    self.send_response(200)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/casebridge"
        self.thread = threading.Thread(target=self.server.serve_forever, name="webhook-receiver", daemon=True)

    def webhook_ids(self) -> list[str]:
        with self._lock:
            return [r["headers"].get("webhook-id") for r in self.requests]


@pytest.fixture
def webhook_receiver():
    receiver = WebhookReceiver()
    receiver.thread.start()
    yield receiver
    receiver.release_first.set()
    receiver.server.shutdown()
    receiver.server.server_close()
    receiver.thread.join(timeout=5)
