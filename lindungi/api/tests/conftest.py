"""API clients (one per kind of partner) and their tokens, for the REST and DCI tests."""

import pytest

from lindungi.api.services import create_api_client


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
