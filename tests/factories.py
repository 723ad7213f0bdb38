"""factory_boy factories. Case-bearing objects are built through the services, so that every
test object carries the same permission grants as one made by a user."""

import factory

from accounts import services as account_services
from accounts.choices import Role, Sector
from accounts.models import Organization, Team, User
from audit.context import acting_as
from casework import services as case_services
from casework.choices import CaseType, PersonRole


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    slug = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Organization {n}")
    sector = Sector.NGO
    case_prefix = factory.Sequence(lambda n: f"O{n:02d}")

    @classmethod
    def _create(cls, model_class, **kwargs):
        return account_services.organization_create(**kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    organization = factory.SubFactory(OrganizationFactory)
    username = factory.Sequence(lambda n: f"user{n}@example.org")
    role = Role.CASEWORKER
    password = "correct-horse-battery"

    @classmethod
    def _create(cls, model_class, **kwargs):
        return account_services.user_create(**kwargs)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")

    @classmethod
    def _create(cls, model_class, **kwargs):
        return account_services.team_create(**kwargs)


class CaseFactory(factory.Factory):
    """Needs ``actor``: the caseworker or supervisor who opens the case."""

    class Meta:
        model = dict

    title = factory.Sequence(lambda n: f"Case {n}")
    case_type = CaseType.SEX_TRAFFICKING
    priority = "medium"

    @classmethod
    def _create(cls, model_class, **kwargs):
        actor = kwargs.pop("actor")
        with acting_as(actor):
            return case_services.case_create(actor=actor, **kwargs)


class PersonFactory(factory.Factory):
    class Meta:
        model = dict

    role = PersonRole.SURVIVOR
    given_name = "Ama"
    family_name = "Testfield"

    @classmethod
    def _create(cls, model_class, **kwargs):
        actor = kwargs.pop("actor")
        with acting_as(actor):
            return case_services.person_add(actor=actor, **kwargs)
