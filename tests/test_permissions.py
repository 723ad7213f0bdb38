"""The permission matrix: who may view, change and share a case and its parts (SPEC, Per-object
permissions). Every answer outside the spec's is no rows through ``restrict`` and a 404 from the
fetch helper — the same as for a case that does not exist."""

import uuid

import pytest
from django.contrib.auth.models import Permission
from django.http import Http404

from accounts.choices import Role
from accounts.models import User
from casework.models import Case, Consent, Note, Person, ServiceNeed, TechnologyIndicator
from casework.permissions import CASE_ACTIONS, Action
from casework.selectors import case_get_for_user, case_list, part_get_for_user

FULL = {Action.VIEW, Action.CHANGE, Action.SHARE}
TEAM = {Action.VIEW, Action.CHANGE}
NONE: set = set()

EXPECTED = {
    "creator": FULL,
    "assignee": FULL,
    "team_member": TEAM,
    "supervisor": FULL,
    "same_org_caseworker": NONE,
    "other_org_caseworker": NONE,
    "other_org_supervisor": NONE,
    "org_admin_in_team": NONE,
    "auditor": NONE,
    "superuser": NONE,
    "global_permission_holder": NONE,
}

PART_MODELS = [Person, Note, ServiceNeed, TechnologyIndicator, Consent]


@pytest.fixture
def world(org, other_org, make_user, make_team):
    from casework import services

    creator = make_user(org, Role.CASEWORKER)
    supervisor = make_user(org, Role.SUPERVISOR)
    team = make_team(organization=org)
    actors = {
        "creator": creator,
        "assignee": make_user(org, Role.CASEWORKER),
        "team_member": make_user(org, Role.CASEWORKER),
        "supervisor": supervisor,
        "same_org_caseworker": make_user(org, Role.CASEWORKER),
        "other_org_caseworker": make_user(other_org, Role.CASEWORKER),
        "other_org_supervisor": make_user(other_org, Role.SUPERVISOR),
        "org_admin_in_team": make_user(org, Role.ORG_ADMIN),
        "auditor": make_user(org, Role.AUDITOR),
        # A superuser never holds an organization (a check constraint, issue 11): the operator.
        "superuser": User.objects.create_superuser("operator-matrix", "op@example.org", "operator-password-1"),
        "global_permission_holder": make_user(org, Role.CASEWORKER),
    }
    from accounts.services import team_add_member

    team_add_member(team=team, user=actors["team_member"])
    team_add_member(team=team, user=actors["org_admin_in_team"])
    superuser = actors["superuser"]
    superuser.is_superuser = True
    superuser.is_staff = True
    superuser.save()
    actors["global_permission_holder"].user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="casework", codename__in=["view_case", "change_case", "share_case"]
        )
    )

    case = services.case_create(actor=creator, title="Intake at the bus station", case_type="sex_trafficking")
    services.case_assign(actor=supervisor, case=case, assigned_to=[creator, actors["assignee"]], team=team)
    survivor = services.person_add(actor=creator, case=case, role="survivor", given_name="Ama", estimated_age=30)
    services.note_add(actor=creator, case=case, body="First contact.", sensitivity="general")
    services.need_add(actor=creator, case=case, kind="shelter")
    services.indicator_add(actor=creator, case=case, kind="social_handle", value="@Someone")
    services.consent_record(
        actor=creator,
        case=case,
        person=survivor,
        categories=["case_summary"],
        purpose="services",
        method="written",
        scope_sectors=["health"],
    )
    # Another case of the same organization that nobody in the matrix but its creator works.
    services.case_create(actor=actors["same_org_caseworker"], title="Unrelated", case_type="other")
    return case, actors


@pytest.mark.django_db
@pytest.mark.parametrize("who", sorted(EXPECTED))
@pytest.mark.parametrize("action", CASE_ACTIONS)
def test_case_matrix(world, who, action):
    case, actors = world
    user = actors[who]
    allowed = action in EXPECTED[who]
    assert Case.objects.restrict(user, action).filter(pk=case.pk).exists() is allowed
    if allowed:
        assert case_get_for_user(user=user, case_id=case.pk, action=action) == case
    else:
        with pytest.raises(Http404):
            case_get_for_user(user=user, case_id=case.pk, action=action)


@pytest.mark.django_db
@pytest.mark.parametrize("who", sorted(EXPECTED))
@pytest.mark.parametrize("model", PART_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("action", CASE_ACTIONS)
def test_parts_inherit_case_permission(world, who, model, action):
    case, actors = world
    user = actors[who]
    part = model.objects.get(case=case)
    allowed = action in EXPECTED[who]
    assert model.objects.restrict(user, action).filter(pk=part.pk).exists() is allowed
    if not allowed:
        with pytest.raises(Http404):
            part_get_for_user(model=model, user=user, part_id=part.pk, action=action)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who", ["same_org_caseworker", "other_org_caseworker", "other_org_supervisor", "auditor", "superuser"]
)
def test_services_refuse_what_restrict_hides(world, who):
    from casework import services

    case, actors = world
    user = actors[who]
    case.refresh_from_db()
    version = case.version
    for attempt in (
        lambda: services.case_update(actor=user, case=case, title="Changed"),
        lambda: services.note_add(actor=user, case=case, body="Hello"),
        lambda: services.person_add(actor=user, case=case, role="witness"),
        lambda: services.indicator_add(actor=user, case=case, kind="email", value="x@example.org"),
    ):
        with pytest.raises(Http404):
            attempt()
    case.refresh_from_db()
    assert case.version == version and case.title == "Intake at the bus station"
    assert case.notes.count() == 1 and case.persons.count() == 1


@pytest.mark.django_db
def test_missing_case_and_foreign_case_answer_alike(world):
    case, actors = world
    outsider = actors["other_org_supervisor"]
    with pytest.raises(Http404) as foreign:
        case_get_for_user(user=outsider, case_id=case.pk)
    with pytest.raises(Http404) as missing:
        case_get_for_user(user=outsider, case_id=uuid.uuid4())
    assert str(foreign.value) == str(missing.value)
    with pytest.raises(Http404):
        case_get_for_user(user=outsider, case_id="not-a-uuid")


@pytest.mark.django_db
def test_reassignment_moves_permissions(world, make_user, org):
    from casework import services

    case, actors = world
    newcomer = make_user(org, Role.CASEWORKER)
    services.case_assign(actor=actors["supervisor"], case=case, assigned_to=[newcomer], team=None)
    assert Case.objects.restrict(newcomer, Action.SHARE).filter(pk=case.pk).exists()
    assert not Case.objects.restrict(actors["assignee"], Action.VIEW).filter(pk=case.pk).exists()
    assert not Case.objects.restrict(actors["team_member"], Action.VIEW).filter(pk=case.pk).exists()
    # The creator keeps the access that creating the case granted.
    assert Case.objects.restrict(actors["creator"], Action.SHARE).filter(pk=case.pk).exists()


@pytest.mark.django_db
def test_supervisor_access_follows_role(world):
    from accounts.services import user_change_role

    case, actors = world
    demoted = actors["supervisor"]
    user_change_role(user=demoted, role=Role.CASEWORKER)
    assert not Case.objects.restrict(demoted, Action.VIEW).filter(pk=case.pk).exists()
    promoted = actors["same_org_caseworker"]
    user_change_role(user=promoted, role=Role.SUPERVISOR)
    assert Case.objects.restrict(promoted, Action.SHARE).filter(pk=case.pk).exists()


@pytest.mark.django_db
def test_only_supervisors_assign(world):
    from django.core.exceptions import ValidationError

    from casework import services

    case, actors = world
    with pytest.raises(ValidationError):
        services.case_assign(actor=actors["creator"], case=case, assigned_to=[actors["same_org_caseworker"]])
    with pytest.raises(ValidationError):
        services.case_create(
            actor=actors["creator"], title="x", case_type="other", assigned_to=[actors["same_org_caseworker"]]
        )


@pytest.mark.django_db
def test_cannot_assign_across_organizations(world):
    from django.core.exceptions import ValidationError

    from casework import services

    case, actors = world
    with pytest.raises(ValidationError):
        services.case_assign(actor=actors["supervisor"], case=case, assigned_to=[actors["other_org_caseworker"]])
    assert not Case.objects.restrict(actors["other_org_caseworker"]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["assignee", "team_member", "supervisor"])
def test_grants_left_behind_by_a_move_to_another_organization_open_nothing(world, other_org, who):
    """A user moved to another organization (the admin can do it) may leave grants behind: direct
    grants, a team membership, the old supervisors group. The case's organization condition alone
    must keep the old organization's cases shut."""
    case, actors = world
    user = actors[who]
    user.organization = other_org
    user.save(update_fields=["organization"])  # nothing else cleaned up, on purpose
    for action in CASE_ACTIONS:
        assert not Case.objects.restrict(user, action).filter(pk=case.pk).exists(), action
        for model in PART_MODELS:
            assert not model.objects.restrict(user, action).filter(case=case).exists(), (action, model)


@pytest.mark.django_db
@pytest.mark.parametrize("visible", [1, 200])
def test_restrict_is_one_query_whatever_the_count(org, make_user, django_assert_num_queries, visible):
    from casework.models import CaseUserObjectPermission
    from casework.services.grants import grant_users

    creator = make_user(org, Role.CASEWORKER)
    reader = make_user(org, Role.CASEWORKER)
    cases = Case.objects.bulk_create(
        [
            Case(
                organization=org,
                reference=f"HH-2026-{i:05d}",
                title=f"c{i}",
                case_type="other",
                created_by=creator,
            )
            for i in range(visible)
        ]
    )
    for case in cases:
        grant_users(case, [reader])
    assert CaseUserObjectPermission.objects.filter(user=reader).count() == 3 * visible
    # The permission's id is read once per process (the first restrict() pays one more query).
    Case.objects.restrict(reader, Action.VIEW)
    with django_assert_num_queries(1):
        rows = list(Case.objects.restrict(reader, Action.VIEW).with_involves_minor())
    assert len(rows) == visible


@pytest.mark.django_db
def test_the_condition_is_built_once_per_user_object_and_still_reads_the_grants_each_time(
    org, make_user, make_team, monkeypatch
):
    """A request asks ``restrict`` many times with one user object: the condition's SQL is built
    once, but a grant given, a grant taken or a team joined since its first use counts at once."""
    from accounts.services import team_add_member
    from casework import querysets
    from casework.permissions import TEAM_PERMISSIONS
    from casework.services.grants import grant_group, grant_users, revoke_users

    creator = make_user(org, Role.CASEWORKER)
    reader = make_user(org, Role.CASEWORKER)
    case = Case.objects.create(
        organization=org, reference="HH-2026-09999", title="t", case_type="other", created_by=creator
    )
    builds = []
    real_build = querysets._build_case_filter
    monkeypatch.setattr(querysets, "_build_case_filter", lambda *args: builds.append(args[1:]) or real_build(*args))

    def sees(action=Action.VIEW):
        return Case.objects.restrict(reader, action).filter(pk=case.pk).exists()

    assert not sees()
    grant_users(case, [reader])
    assert sees() and sees(Action.SHARE)
    revoke_users(case, [reader])
    assert not sees()
    team = make_team(organization=org)
    grant_group(case, team.group, TEAM_PERMISSIONS)
    team_add_member(team=team, user=reader)
    assert sees() and not sees(Action.SHARE)
    assert not Person.objects.restrict(reader, Action.SHARE).filter(case=case).exists()
    assert sorted(builds) == sorted([(Action.VIEW, "pk"), (Action.SHARE, "pk"), (Action.SHARE, "case")])
    # Another user object (the next request) builds its own.
    fresh = User.objects.get(pk=reader.pk)
    assert Case.objects.restrict(fresh, Action.VIEW).filter(pk=case.pk).exists()
    assert len(builds) == 4


@pytest.mark.django_db
def test_restricted_cases_carry_the_readers_organization_without_joining_it(world, django_assert_num_queries):
    """``restrict`` hands every case the reader's own organization: a list that names each case's
    organization is one query whatever its length (no join building an organization per row, no
    query per row), and a reader whose organization is not loaded yet pays one query for it."""
    case, actors = world
    assert Case.objects.restrict(actors["creator"], Action.VIEW).exists()  # the permission's id, read once per process
    supervisor = User.objects.get(pk=actors["supervisor"].pk)
    organization = supervisor.organization  # a request's user has it loaded (the API's token lookup joins it)
    with django_assert_num_queries(1) as listed:
        cases = list(case_list(actor=supervisor))
        assert {c.organization.slug for c in cases} == {organization.slug}
    assert len(cases) == 2 and all(c.organization is organization for c in cases)
    assert "accounts_organization" not in listed.captured_queries[0]["sql"]

    fresh = User.objects.get(pk=actors["supervisor"].pk)
    with django_assert_num_queries(1 + 2):  # its organization once, then each read
        assert case_get_for_user(user=fresh, case_id=case.pk).organization.pk == case.organization_id
        assert [c.organization.slug for c in case_list(actor=fresh)] == [organization.slug] * 2
