"""DCI Social Registry API: sync search by NIK, an expression search returning a page of 100,
and 1,000 notify deliveries after a bulk change, each next to the same query's plain SQL.

    .venv/bin/python -m bench.dci [--postgres] [--rows 1000000]

Requests go through the whole Django stack in-process (test client: middleware, token
authentication, envelope checks, the one people search, scoping, records, the transaction
log). Notify deliveries are POSTed to a receiver on 127.0.0.1 started here.
"""

import json
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.dashboard import _fill
from bench.harness import parse_args, print_table, settle, setup_django

REQUESTS = 60
NOW = "2026-03-01T10:00:00+08:00"
EXPRESSION = {"$and": [{"regency": "53.05"}, {"desil": {"$lte": 2}}, {"age": {"$gte": 30}}]}


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000


def _body(criteria: dict) -> str:
    return json.dumps(
        {
            "header": {"version": "1.0.0", "message_id": "m", "message_ts": NOW,
                       "action": "search", "sender_id": "bench", "total_count": 1},
            "message": {"transaction_id": "t", "search_request": [
                {"reference_id": "r", "timestamp": NOW, "search_criteria": criteria}]},
        }
    )  # fmt: skip


def _time(call, times: int = REQUESTS) -> list[float]:
    call()  # warm
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


class _Receiver(BaseHTTPRequestHandler):
    """A subscriber that keeps connections alive (HTTP/1.1), as web servers do; it counts
    the notify events it receives, several per POST."""

    protocol_version = "HTTP/1.1"
    count = 0
    posts = 0

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        _Receiver.count += len(body["message"]["notify_event"])
        _Receiver.posts += 1
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], default_rows=1_000_000)
    vendor = setup_django("dci", postgres=args.postgres)
    from django.db import connection
    from django.test import Client

    from lindungi.accounts.models import User
    from lindungi.api.dci import tasks
    from lindungi.api.models import Subscription
    from lindungi.api.services import create_api_client
    from lindungi.core.roles import Role
    from lindungi.regions.services import load_regions
    from lindungi.registry.models import Person

    load_regions(province_codes=["53"])
    from bench import dashboard

    dashboard._programme()
    started = time.perf_counter()
    _fill(args.rows, vendor)
    print(f"filled {args.rows:,} people in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    admin = User.objects.create(username="bench-admin", role=Role.PROVINCE_ADMIN)
    _client, token = create_api_client(user=admin, name="bench", role="province_officer")
    http = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")
    settle()

    nik = Person.objects.order_by("pk").values_list("nik", flat=True)[args.rows // 2]

    def by_nik():
        body = _body({"query_type": "idtype-value", "query": {"type": "NIK", "value": nik}})
        response = http.post("/api/dci/registry/sync/search", body, "application/json")
        assert response.status_code == 200 and nik in response.content.decode()

    def by_nik_sql():
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM registry_person WHERE nik = %s", [nik])
            cursor.fetchall()

    found = {}

    def by_expression():
        body = _body({"query_type": "expression", "query": {"expression": {"query": EXPRESSION}},
                      "pagination": {"page_size": 100, "page_number": 1}})  # fmt: skip
        response = http.post("/api/dci/registry/sync/search", body, "application/json")
        answer = response.json()["message"]["search_response"][0]
        assert "data" in answer, answer
        found["page"] = len(answer["data"]["reg_records"])
        found["total"] = answer["pagination"]["total_count"]

    born_before = f"{time.localtime().tm_year - 30}-03-01"

    def by_expression_sql():
        with connection.cursor() as cursor:
            where = "regency_id = %s AND desil <= 2 AND birth_date <= %s"
            cursor.execute(f"SELECT COUNT(*) FROM registry_person WHERE {where}",  # noqa: S608
                           ["53.05", born_before])  # fmt: skip
            cursor.fetchone()
            cursor.execute(
                f"SELECT * FROM registry_person WHERE {where} ORDER BY nik LIMIT 100",  # noqa: S608
                ["53.05", born_before],
            )
            cursor.fetchall()

    rows = []
    for label, call, sql in [
        ("sync search by NIK", by_nik, by_nik_sql),
        ("expression search, page of 100", by_expression, by_expression_sql),
    ]:
        api, plain = _time(call), _time(sql)
        rows.append({"what": label, "DCI p95 ms": f"{_p95(api):.1f}",
                     "DCI median ms": f"{statistics.median(api) * 1000:.1f}",
                     "plain SQL p95 ms": f"{_p95(plain):.1f}"})  # fmt: skip
    print(f"expression search: page of {found['page']} of {found['total']:,} matching")

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tasks.run_notifications()  # the cursor starts after the filled registry
    Subscription.objects.create(
        client=_client, code="bench", reference_id="r", reg_event_type="joined",
        notify_record_type="person", filter_type="expression",
        filter={"expression": {"query": {"desil": {"$lte": 10}}}},
        notify_uri=f"http://127.0.0.1:{server.server_port}/spmis",
    )  # fmt: skip
    top = Person.objects.order_by("-pk").values_list("pk", flat=True).first()
    with connection.cursor() as cursor:  # the bulk change: 1,000 new people, one statement
        cursor.execute(
            """INSERT INTO registry_person (nik, kk_number, full_name, name_normalised, sex,
               birth_place, birth_date, village_id, regency_id, address, occupation, phone,
               desil, poverty_label, source_edition, created_at, updated_at)
               SELECT '9' || substr(nik, 2), kk_number, full_name, name_normalised, sex,
               birth_place, birth_date, village_id, regency_id, address, occupation, phone,
               desil, poverty_label, source_edition, created_at, updated_at
               FROM registry_person WHERE id <= %s""",
            [1000],
        )
    assert Person.objects.filter(pk__gt=top).count() == 1000
    started = time.perf_counter()
    outcome = tasks.run_notifications()
    elapsed = time.perf_counter() - started
    server.shutdown()
    received = f"received {_Receiver.count:,} in {_Receiver.posts:,} POSTs"
    rows.append({"what": f"notify: {outcome['delivered']:,} deliveries after a bulk change",
                 "DCI p95 ms": f"total {elapsed:.2f} s", "DCI median ms": "",
                 "plain SQL p95 ms": received})  # fmt: skip
    print_table(f"DCI API on {vendor}, {args.rows:,} people", rows)


if __name__ == "__main__":
    main()
