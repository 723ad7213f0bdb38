"""``restrict()`` compares a cached permission id: the cache must not outlive the permission rows.

A transactional test's teardown flushes the database, and ``post_migrate`` re-creates the
permissions under new ids; ``casework.apps`` clears the cache then. These two tests run in this
order: the first fills the cache and is flushed, the second must still see its own case.
"""

import pytest

from accounts.choices import Role
from casework import services
from casework.models import Case
from casework.permissions import Action, case_permission_id
from tests.factories import UserFactory


def a_caseworker_sees_their_case():
    caseworker = UserFactory(role=Role.CASEWORKER)
    case = services.case_create(actor=caseworker, title="Bus station", case_type="other")
    return list(Case.objects.restrict(caseworker, Action.VIEW)) == [case]


@pytest.mark.django_db(transaction=True)
def test_restrict_before_a_flush():
    assert a_caseworker_sees_their_case()
    assert case_permission_id.cache_info().currsize > 0


@pytest.mark.django_db(transaction=True)  # transactional too, or pytest-django would run it first
def test_restrict_after_a_flush():
    assert a_caseworker_sees_their_case()
