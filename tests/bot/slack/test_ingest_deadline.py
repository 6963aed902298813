"""A download has a deadline for the whole transfer, not only per read: a server that drips a
few bytes at a time (each read quick, the whole endless) is cut off at the deadline."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.slack.ingest_fetch import FetchRefused, download


class _Drip(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.end_headers()
        try:
            for _ in range(600):  # a minute of one byte every 0.1 s
                self.wfile.write(b"%")
                self.wfile.flush()
                time.sleep(0.1)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def dripping_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Drip)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/paper.pdf"
    server.shutdown()
    server.server_close()


def test_a_slow_drip_is_cut_off_at_the_deadline(dripping_url: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchRefused, match="took longer than 2 seconds"):
        download(
            dripping_url, token=None, max_bytes=1_000_000, allow=lambda _: True, deadline_seconds=2
        )
    assert time.monotonic() - started < 4  # per-read timeouts alone would have waited a minute
