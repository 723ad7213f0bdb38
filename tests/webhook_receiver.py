"""A real HTTP receiver for webhook tests: a ``ThreadingHTTPServer`` on 127.0.0.1 (a free port) that
records every request and answers from a script.

    with WebhookReceiver([(500, {}, b"down"), (200, {}, b"ok")]) as receiver:
        ...  # POST to receiver.url
        receiver.requests  # [ReceivedRequest(path, headers, body), ...]

Once the script runs out, every further request gets ``default`` (200 unless told otherwise).
``connections`` counts every TCP connection accepted, including ones that never became a valid
HTTP request (a TLS handshake sent to this plain-HTTP server, say), so "nothing reached the
receiver" can be asserted strictly.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Response = tuple[int, dict[str, str], bytes]


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    receiver: WebhookReceiver

    def verify_request(self, request, client_address) -> bool:
        with self.receiver.lock:
            self.receiver.connections += 1
        return True


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        receiver = self.server.receiver
        status, headers, payload = receiver.record(
            ReceivedRequest(
                method=self.command,
                path=self.path,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
        )
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_POST = _answer
    do_GET = _answer
    do_PUT = _answer

    def log_message(self, format, *args) -> None:  # keep test output quiet
        pass


class WebhookReceiver:
    def __init__(self, script: list[Response] | None = None, *, default: Response = (200, {}, b"ok")):
        self.lock = threading.Lock()
        self.script: list[Response] = list(script or [])
        self.default = default
        self.requests: list[ReceivedRequest] = []
        self.connections = 0
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.receiver = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, name="webhook-receiver", daemon=True
        )

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def respond_with(self, *responses: Response, default: Response | None = None) -> None:
        """Replace the script (and optionally the default answer)."""
        with self.lock:
            self.script = list(responses)
            if default is not None:
                self.default = default

    def record(self, request: ReceivedRequest) -> Response:
        with self.lock:
            self.requests.append(request)
            return self.script.pop(0) if self.script else self.default

    def start(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
