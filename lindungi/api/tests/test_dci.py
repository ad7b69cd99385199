"""Issue 16.2/16.3: the DCI Social Registry API v1.0.0 under /api/dci/. Every request sent and
every answer received is validated against the standard's YAML (`dci_schema`)."""

import datetime
import json

import pytest
from rest_framework.test import APIClient

from lindungi.api.models import DciTransaction
from lindungi.api.tests.dci_schema import request_errors, response_errors
from lindungi.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

TTU_VILLAGE = "53.03.01.2005"
NOW = "2026-03-01T10:00:00+08:00"


@pytest.fixture
def people():
    today = datetime.date.today()
    household = PersonFactory(desil=1, full_name="KEPALA KELUARGA")
    alor = [household]
    alor.append(PersonFactory(desil=2, kk_number=household.kk_number, sex="P"))
    alor += [PersonFactory(desil=3 + index % 5, phone=f"0812000000{index}") for index in range(6)]
    alor.append(PersonFactory(desil=9, birth_date=today.replace(year=today.year - 70)))
    ttu = [PersonFactory(village_code=TTU_VILLAGE, desil=1) for _ in range(3)]
    return {"alor": alor, "ttu": ttu}


def envelope(action: str, message: dict, **header) -> dict:
    head = {
        "version": "1.0.0",
        "message_id": "msg-1",
        "message_ts": NOW,
        "action": action,
        "sender_id": "spmis.example.org",
        "total_count": len(message.get("search_request", [1])),
    }
    head.update(header)
    return {"header": head, "message": message}


def search_message(*items, transaction_id="txn-1") -> dict:
    return {
        "transaction_id": transaction_id,
        "search_request": [
            {"reference_id": f"ref-{index}", "timestamp": NOW, **item}
            for index, item in enumerate(items, start=1)
        ],
    }


def criteria(query_type: str, query, **extra) -> dict:
    return {"search_criteria": {"query_type": query_type, "query": query, **extra}}


def post(token, path: str, body, *, validate: bool = True):
    api = APIClient()
    if token:
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    if validate:
        assert request_errors(path, body) == []
    raw = body if isinstance(body, str) else json.dumps(body)
    response = api.post(f"/api/dci{path}", raw, content_type="application/json")
    payload = response.json()
    assert response_errors(path, response.status_code, payload) == [], payload
    return response.status_code, payload


def sync_search(token, *items, **header):
    body = envelope("search", search_message(*items), **header)
    return post(token, "/registry/sync/search", body)


def niks(answer) -> list[str]:
    records = answer["data"]["reg_records"]
    return [
        next(i["identifier_value"] for i in r["identifier"] if i["identifier_type"] == "NIK")
        for r in records
    ]


def test_idtype_value_search_by_nik_kk_and_phone(province_token, people):
    person = people["alor"][2]
    status, body = sync_search(
        province_token,
        criteria("idtype-value", {"type": "NIK", "value": person.nik}),
        criteria(
            "idtype-value",
            {"type": "KK", "value": people["alor"][0].kk_number},
            reg_record_type="group",
        ),
        criteria("idtype-value", {"type": "PHONE", "value": person.phone}),
    )
    assert status == 200
    assert body["header"]["status"] == "succ" and body["header"]["action"] == "on-search"
    by_nik, household, by_phone = body["message"]["search_response"]
    assert niks(by_nik) == [person.nik]
    assert by_nik["pagination"]["total_count"] == 1
    group = household["data"]["reg_records"][0]
    assert group["group_size"] == 2
    assert group["group_identifier"][0]["identifier_value"] == people["alor"][0].kk_number
    assert niks(by_phone) == [person.nik]
    assert DciTransaction.objects.get().response == body["message"]


def test_expression_search_with_sort_pagination_and_total(province_token, people):
    query = {
        "type": "ns:org:QueryType:expression",
        "value": {"expression": {"collection": "Person", "query": {
            "$and": [{"desil": {"$lte": 5}}, {"regency": {"$eq": "53.05"}}]}}},
    }  # fmt: skip
    _status, body = sync_search(
        province_token,
        criteria(
            "expression",
            query,
            sort=[{"attribute_name": "desil", "sort_order": "desc"}],
            pagination={"page_size": 3, "page_number": 2},
        ),
    )
    answer = body["message"]["search_response"][0]
    expected = sorted((p for p in people["alor"] if p.desil <= 5), key=lambda p: (-p.desil, p.pk))
    assert answer["pagination"] == {"page_size": 3, "page_number": 2, "total_count": len(expected)}
    assert niks(answer) == [p.nik for p in expected[3:6]]


def test_predicate_search_with_and_or_not(province_token, people):
    predicate = [
        {"seq_num": 1, "expression1": {"attribute_name": "desil", "operator": "le",
         "attribute_value": "2"}, "condition": "or", "expression2": {
         "attribute_name": "age", "operator": "ge", "attribute_value": "65"}},
        {"seq_num": 2, "expression1": {"attribute_name": "regency", "operator": "eq",
         "attribute_value": "53.05"}, "condition": "not", "expression2": {
         "attribute_name": "sex", "operator": "eq", "attribute_value": "female"}},
    ]  # fmt: skip
    _status, body = sync_search(province_token, criteria("predicate", predicate))
    expected = [people["alor"][0], people["alor"][-1]]
    assert sorted(niks(body["message"]["search_response"][0])) == sorted(p.nik for p in expected)


def test_regency_client_sees_only_its_regency(alor_token, people):
    ttu = people["ttu"][0]
    _status, body = sync_search(
        alor_token,
        criteria("idtype-value", {"type": "NIK", "value": ttu.nik}),
        criteria("expression", {"expression": {"query": {"desil": 1}}}),
    )
    by_nik, by_desil = body["message"]["search_response"]
    assert by_nik["status"] == "succ" and by_nik["data"]["reg_records"] == []
    assert niks(by_desil) == [people["alor"][0].nik]


def test_public_statistics_client_gets_no_personal_data(statistics_token, people):
    _status, body = sync_search(statistics_token, criteria("expression", {"expression": {
        "query": {"desil": {"$in": [1, 2]}}}}, reg_record_type="person"))  # fmt: skip
    answer = body["message"]["search_response"][0]
    assert answer["pagination"]["total_count"] == 5
    text = json.dumps(answer)
    for person in people["alor"] + people["ttu"]:
        assert person.nik not in text and person.kk_number not in text
        assert person.full_name not in text
    assert all("identifier" not in record for record in answer["data"]["reg_records"])


def test_liaison_gets_no_address_or_phone(liaison_token, people):
    person = people["alor"][2]
    _status, body = sync_search(
        liaison_token, criteria("idtype-value", {"type": "NIK", "value": person.nik})
    )
    (record,) = body["message"]["search_response"][0]["data"]["reg_records"]
    assert "address" not in record and "phone_number" not in record
    assert person.phone not in json.dumps(record)


@pytest.mark.parametrize(
    ("item", "code"),
    [
        (criteria("sql", "select 1"), "rjct.search_criteria.invalid"),
        (criteria("expression", {"expression": {"query": {"colour": "red"}}}),
         "rjct.filter.invalid"),
        (criteria("expression", {"expression": {"query": {"desil": {"$lt": "low"}}}}),
         "rjct.filter.invalid"),
        (criteria("expression", {"expression": {"query": {"desil": {"$regex": "1"}}}}),
         "rjct.filter.invalid"),
        (criteria("predicate", [{"expression1": {"attribute_name": "name", "operator": "gt",
                                                 "attribute_value": "A"}}]),
         "rjct.filter.invalid"),
        (criteria("idtype-value", {"type": "PASSPORT", "value": "X1"}), "rjct.filter.invalid"),
        (criteria("idtype-value", {"type": "NIK", "value": "123"}), "rjct.filter.invalid"),
        (criteria("expression", {"expression": {"query": {"desil": 1}}},
                  pagination={"page_size": 0}), "rjct.pagination.invalid"),
        (criteria("expression", {"expression": {"query": {"desil": 1}}},
                  pagination={"page_size": -5}), "rjct.pagination.invalid"),
        (criteria("expression", {"expression": {"query": {"desil": 1}}},
                  sort=[{"attribute_name": "salary", "sort_order": "asc"}]), "rjct.sort.invalid"),
        (criteria("expression", {"expression": {"query": {"desil": 1}}},
                  reg_record_type="Village"), "rjct.search_criteria.invalid"),
    ],
)  # fmt: skip
def test_bad_search_items_are_rejected_with_the_standard_reason(province_token, people, item, code):
    good = criteria("idtype-value", {"type": "NIK", "value": people["alor"][0].nik})
    # Some of these requests break the standard's schema too: they are sent all the same.
    body = envelope("search", search_message(item, good))
    _status, body = post(province_token, "/registry/sync/search", body, validate=False)
    bad, good = body["message"]["search_response"]
    assert (bad["status"], bad["status_reason_code"]) == ("rjct", code)
    assert good["status"] == "succ" and niks(good) == [people["alor"][0].nik]


def test_a_timestamp_without_a_zone_is_rejected(province_token):
    body = envelope("search", search_message(criteria("idtype-value", {"type": "NIK",
                    "value": "5305011503850001"})))  # fmt: skip
    body["message"]["search_request"][0]["timestamp"] = "2026-03-01T10:00:00"
    _status, answer = post(province_token, "/registry/sync/search", body, validate=False)
    item = answer["message"]["search_response"][0]
    assert item["status_reason_code"] == "rjct.timestamp.invalid"
    body = envelope("search", search_message(criteria("idtype-value", {"type": "NIK",
                    "value": "5305011503850001"})), message_ts="2026-03-01T10:00:00")  # fmt: skip
    _status, answer = post(province_token, "/registry/sync/search", body, validate=False)
    assert answer["header"]["status"] == "rjct"
    assert answer["header"]["status_reason_code"] == "rjct.message_ts.invalid"
    assert "message" not in answer


def test_bad_envelopes_get_the_standard_error_shape_and_store_only_a_log(province_token):
    ok_item = criteria("idtype-value", {"type": "NIK", "value": "5305011503850001"})
    cases = [
        ("{not json", 400, "err.request.bad"),
        (json.dumps({"header": envelope("search", {})["header"]}), 400, "err.request.bad"),
        (json.dumps(envelope("search", search_message(ok_item, transaction_id="x" * 100))),
         400, "err.request.bad"),
        (json.dumps(envelope("search", search_message(ok_item), sender_id="")), 400,
         "err.sender_id.invalid"),
    ]  # fmt: skip
    for raw, status, code in cases:
        got, body = post(province_token, "/registry/sync/search", raw, validate=False)
        assert (got, body["errors"][0]["code"]) == (status, code), body
    wrong_action = envelope("subscribe", search_message(ok_item))
    _got, body = post(province_token, "/registry/sync/search", wrong_action, validate=False)
    assert body["header"]["status_reason_code"] == "rjct.action.invalid"
    bad_locale = envelope("search", search_message({**ok_item, "locale": "en"}))
    _got, body = post(province_token, "/registry/sync/search", bad_locale, validate=False)
    assert body["message"]["search_response"][0]["status_reason_code"] == (
        "rjct.search_criteria.invalid"
    )
    logged = DciTransaction.objects.order_by("pk")
    assert logged.count() == 6
    assert [row.request for row in logged[:5]] == [None] * 5  # refused: the log entry only


def test_requests_without_a_good_token_are_refused(people, make_client):
    body = envelope("search", search_message(criteria("idtype-value", {"type": "NIK",
                    "value": people["alor"][0].nik})))  # fmt: skip
    status, answer = post(None, "/registry/sync/search", body)
    assert status == 401 and answer["errors"][0]["code"] == "err.request.unauthorized"
    status, answer = post("lnd_0000000000_forged", "/registry/sync/search", body)
    assert status == 401
    from lindungi.api.services import revoke_api_client

    client, token = make_client("old", "auditor")
    assert post(token, "/registry/sync/search", body)[0] == 200
    revoke_api_client(user=client.created_by, client=client)
    assert post(token, "/registry/sync/search", body)[0] == 401


def test_sync_txn_status_returns_the_logged_answer(province_token, people):
    _status, searched = sync_search(
        province_token, criteria("idtype-value", {"type": "NIK", "value": people["alor"][0].nik})
    )
    for attribute, value in [
        ("transaction_id", "txn-1"),
        ("correlation_id", searched["message"]["correlation_id"]),
        ("reference_id_list", ["ref-1"]),
    ]:
        body = envelope("txn-status", {"transaction_id": "txn-2", "txnstatus_request": {
            "reference_id": "s-1", "txn_type": "search", "attribute_type": attribute,
            "attribute_value": value}}, total_count=1)  # fmt: skip
        status, answer = post(province_token, "/registry/sync/txn/status", body)
        assert status == 200 and answer["header"]["status"] == "succ"
        assert answer["message"]["txnstatus_response"]["txn_status"] == searched["message"]


def test_txn_status_of_another_clients_transaction_is_not_found(province_token, alor_token, people):
    sync_search(province_token, criteria("idtype-value", {"type": "NIK",
                "value": people["alor"][0].nik}))  # fmt: skip
    body = envelope("txn-status", {"transaction_id": "t", "txnstatus_request": {
        "reference_id": "s-1", "txn_type": "search", "attribute_type": "transaction_id",
        "attribute_value": "txn-1"}}, total_count=1)  # fmt: skip
    _status, answer = post(alor_token, "/registry/sync/txn/status", body)
    assert answer["header"]["status"] == "rjct" and "message" not in answer


def test_signed_messages_are_verified_when_the_client_has_a_key(make_client, people):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from lindungi.api.dci.signatures import sign

    key = Ed25519PrivateKey.generate()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    _client, token = make_client("signing", "province_officer", signing_key=public)
    body = envelope("search", search_message(criteria("idtype-value", {"type": "NIK",
                    "value": people["alor"][0].nik})))  # fmt: skip
    status, answer = post(token, "/registry/sync/search", body)
    assert (status, answer["errors"][0]["code"]) == (401, "err.signature.missing")
    body["signature"] = sign(key, header=body["header"], message=body["message"], key_id="k1")
    status, answer = post(token, "/registry/sync/search", body)
    assert status == 200 and niks(answer["message"]["search_response"][0])
    body["message"]["transaction_id"] = "tampered"
    status, answer = post(token, "/registry/sync/search", body)
    assert (status, answer["errors"][0]["code"]) == (401, "err.signature.invalid")
