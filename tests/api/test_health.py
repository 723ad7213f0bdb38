"""Liveness and readiness (SPEC, REST API: database and broker reachable)."""

import pytest
from django.test import Client

from config import health
from config.celery import app as celery_app

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1 of this machine


def test_healthz_is_200_without_touching_anything():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_answers_get_only():
    assert Client().post("/healthz").status_code == 405


def test_readyz_is_200_when_database_and_broker_answer(db):
    # The run's own broker: filesystem:// locally, Redis in CI's second pass.
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ready"}


@pytest.fixture
def unreachable_broker():
    previous = celery_app.conf.get("broker_write_url")
    celery_app.conf.broker_write_url = UNREACHABLE_BROKER
    yield
    celery_app.conf.broker_write_url = previous


def test_readyz_is_503_when_the_broker_is_unreachable(db, unreachable_broker):
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert len(body["problems"]) == 1
    assert body["problems"][0].startswith("broker: ")
    assert UNREACHABLE_BROKER not in response.content.decode(), "no connection string in a public answer"


def test_readyz_names_each_unreachable_dependency(db, monkeypatch):
    monkeypatch.setattr(health, "_database_ok", lambda: "database: OperationalError")
    monkeypatch.setattr(health, "_broker_ok", lambda: "broker: OperationalError")
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "problems": ["database: OperationalError", "broker: OperationalError"],
    }
