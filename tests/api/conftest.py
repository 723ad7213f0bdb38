"""Fixtures for the API suite; the builders behind them are in ``tests/api/support.py``."""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

from accounts.choices import Role
from tests.api.support import ALL_SCOPES, Api, World, create_api_client, fetch_token


@pytest.fixture
def make_api(db):
    """``make_api(org, role=..., scopes=..., token_scopes=...)`` → an ``Api`` with a fresh token."""

    def make(org, *, role=Role.SUPERVISOR, scopes=ALL_SCOPES, token_scopes=None) -> Api:
        credentials = create_api_client(org, role=role, scopes=scopes)
        token = fetch_token(credentials, token_scopes)
        return Api(token["access_token"], credentials.user)

    return make


@pytest.fixture
def anonymous():
    return Api()


@pytest.fixture(autouse=True)
def _fresh_throttle_budget():
    # The throttle keeps its history in the cache, keyed by application id; ids are reused after a
    # test's rollback, so one test's calls must not count against the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db) -> World:
    return World()


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker) -> World:
    """One fully built world for a whole module, in a transaction rolled back after its last test.

    Each test still runs in its own savepoint inside it (pytest-django's ``db``), so what a test
    writes is gone before the next one; the world's objects must therefore be read again from the
    database, never trusted in memory, after a test changed them. A module opts in by overriding
    ``world`` with ``shared_world``.
    """
    # The suite's fast hasher is a function-scoped fixture; this runs before it (real PBKDF2 would
    # cost seconds for the users and client secrets built here).
    fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        yield World().build()
        transaction.set_rollback(True)


@pytest.fixture
def api(world, make_api) -> Api:
    """hope-house's partner system: a supervisor service account holding every scope."""
    return make_api(world.org_a)
