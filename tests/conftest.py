import os

import pytest
from django.conf import settings

from accounts.choices import Role, Sector
from tests.factories import CaseFactory, OrganizationFactory, TeamFactory, UserFactory


def pytest_configure(config):
    # CI's second pass sets CASEBRIDGE_REQUIRE_POSTGRES: then a suite that quietly fell back to
    # SQLite is a failure, not a pass.
    if os.environ.get("CASEBRIDGE_REQUIRE_POSTGRES") and "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        raise pytest.UsageError("CASEBRIDGE_REQUIRE_POSTGRES is set but DATABASE_URL is not PostgreSQL.")


@pytest.fixture
def org(db):
    return OrganizationFactory(slug="hope-house", name="Hope House", sector=Sector.NGO, case_prefix="HH")


@pytest.fixture
def other_org(db):
    return OrganizationFactory(
        slug="metro-police", name="Metro Police", sector=Sector.LAW_ENFORCEMENT, case_prefix="MPD"
    )


@pytest.fixture
def make_user(db):
    def make(organization, role=Role.CASEWORKER, **kwargs):
        return UserFactory(organization=organization, role=role, **kwargs)

    return make


@pytest.fixture
def caseworker(org, make_user):
    return make_user(org, Role.CASEWORKER)


@pytest.fixture
def supervisor(org, make_user):
    return make_user(org, Role.SUPERVISOR)


@pytest.fixture
def make_case(db):
    def make(actor, **kwargs):
        return CaseFactory(actor=actor, **kwargs)

    return make


@pytest.fixture
def make_team(db):
    return TeamFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs ~0.3 s a user; the permission matrix builds hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
