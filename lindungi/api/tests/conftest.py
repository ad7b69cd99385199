"""API clients (one per kind of partner) and their tokens, for the REST and DCI tests."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from lindungi.api.services import create_api_client


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit windows live in the process: each test starts with none."""
    from lindungi.api.authentication import reset_rate_limits

    reset_rate_limits()
    yield
    reset_rate_limits()


@pytest.fixture
def make_client(province_admin):
    def make(name: str, role: str, regency: str | None = None, **extra):
        client, token = create_api_client(
            user=province_admin, name=name, role=role, regency=regency, **extra
        )
        return client, token

    return make


@pytest.fixture
def province_token(make_client):
    return make_client("bappeda", "province_officer")[1]


@pytest.fixture
def alor_token(make_client):
    return make_client("dinsos-alor", "regency_officer", "53.05")[1]


@pytest.fixture
def statistics_token(make_client):
    return make_client("bps", "public_statistics")[1]


@pytest.fixture
def liaison_token(make_client):
    return make_client("bpjs", "insurer_liaison")[1]


@pytest.fixture
def receiver():
    """An SPMIS stand-in: records every POST it receives (path and JSON body)."""
    received: list[tuple[str, dict]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            received.append((self.path, json.loads(self.rfile.read(length))))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"message": {"ack_status": "ACK"}}')

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/spmis", received
    server.shutdown()
    server.server_close()
