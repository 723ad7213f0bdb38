"""The organization admin pages: users, teams, sharing agreements, API clients and the partner
webhook of the admin's own organization. No case content anywhere.

Only an active ``org_admin`` of an organization gets in (everyone else 403); an object of another
organization is the plain 404. Every write is a service call that checks the actor again and
records a security event for the organization. Secrets (an initial password, a client secret, a
webhook secret) are shown in the answer to the POST that made them, and never again.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import forms, services
from accounts.choices import Role
from accounts.models import ApiClient, Team, User


def org_admin_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not (user.is_active and user.role == Role.ORG_ADMIN and user.organization_id):
            raise PermissionDenied(_("Only an organization admin sees these pages."))
        return view(request, *args, **kwargs)

    return wrapper


def _apply(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, ValidationError(errors).messages)
    else:
        form.add_error(None, exc.messages)


def _render(request, template, context, status=200):
    return render(request, template, {"nav": "organization", **context}, status=status)


def _member(request, pk) -> User:
    return get_object_or_404(User, pk=pk, organization=request.user.organization, is_service_account=False)


def _locked_usernames(usernames) -> set[str]:
    from axes.models import AccessAttempt

    return set(
        AccessAttempt.objects.filter(
            username__in=list(usernames), failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).values_list("username", flat=True)
    )


# --- users ---------------------------------------------------------------------------------------


@org_admin_required
def users(request):
    people = list(
        User.objects.filter(organization=request.user.organization, is_service_account=False)
        .prefetch_related("groups__team")
        .order_by("username")
    )
    locked = _locked_usernames(u.username for u in people)
    rows = [
        {
            "user": u,
            "teams": [g.team.name for g in u.groups.all() if hasattr(g, "team")],
            "locked": u.username in locked,
        }
        for u in people
    ]
    return _render(request, "accounts/org/users.html", {"rows": rows})


@org_admin_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    organization = request.user.organization
    form = forms.UserCreateForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = services.user_create_by_admin(
                actor=request.user,
                username=data["username"],
                role=data["role"],
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                teams=data["teams"],
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            # Shown in this answer only: no redirect, nothing kept that a reload could show again.
            return _render(request, "accounts/org/user_created.html", {"member": user, "password": password})
    return _render(request, "accounts/org/user_create.html", {"form": form}, status=400 if form.errors else 200)


@org_admin_required
def user_detail(request, pk):
    member = _member(request, pk)
    organization = request.user.organization
    return _render(
        request,
        "accounts/org/user_detail.html",
        {
            "member": member,
            "role_form": forms.RoleForm(initial={"role": member.role}, prefix="role"),
            "teams_form": forms.TeamsForm(
                organization=organization,
                prefix="teams",
                initial={"teams": Team.objects.filter(organization=organization, group__user=member)},
            ),
            "locked": bool(_locked_usernames([member.username])),
        },
    )


def _user_action(request, pk, action, done: str):
    member = _member(request, pk)
    try:
        action(member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("orgadmin:user-detail", member.pk)


@org_admin_required
@require_POST
def user_role(request, pk):
    form = forms.RoleForm(request.POST, prefix="role")
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return redirect("orgadmin:user-detail", pk)
    role = form.cleaned_data["role"]
    return _user_action(
        request,
        pk,
        lambda u: services.user_change_role_by_admin(actor=request.user, user=u, role=role),
        _("Role changed."),
    )


@org_admin_required
@require_POST
def user_teams(request, pk):
    form = forms.TeamsForm(request.POST, prefix="teams", organization=request.user.organization)
    if not form.is_valid():
        messages.error(request, _("Choose teams of your organization."))
        return redirect("orgadmin:user-detail", pk)
    teams = form.cleaned_data["teams"]
    return _user_action(
        request,
        pk,
        lambda u: services.user_set_teams_by_admin(actor=request.user, user=u, teams=teams),
        _("Team membership changed."),
    )


@org_admin_required
@require_POST
def user_deactivate(request, pk):
    return _user_action(
        request,
        pk,
        lambda u: services.user_deactivate_by_admin(actor=request.user, user=u),
        _("Account deactivated: its sessions and tokens have ended."),
    )


@org_admin_required
@require_POST
def user_unlock(request, pk):
    return _user_action(
        request, pk, lambda u: services.user_unlock(actor=request.user, user=u), _("Sign-in lockout lifted.")
    )


@org_admin_required
@require_POST
def user_reset_mfa(request, pk):
    return _user_action(
        request,
        pk,
        lambda u: services.user_reset_second_factor(actor=request.user, user=u),
        _("Second factor reset: the person sets up a new one at their next sign-in."),
    )


# --- teams ---------------------------------------------------------------------------------------


@org_admin_required
@require_http_methods(["GET", "POST"])
def teams(request):
    form = forms.TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create_by_admin(actor=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Team created."))
            return redirect("orgadmin:team-detail", team.pk)
    team_list = Team.objects.filter(organization=request.user.organization).prefetch_related("group__user_set")
    return _render(
        request, "accounts/org/teams.html", {"teams": team_list, "form": form}, status=400 if form.errors else 200
    )


def _team(request, pk) -> Team:
    return get_object_or_404(Team, pk=pk, organization=request.user.organization)


@org_admin_required
@require_http_methods(["GET", "POST"])
def team_detail(request, pk):
    team = _team(request, pk)
    members = list(team.members.order_by("username"))
    form = forms.TeamMemberForm(request.POST or None, organization=team.organization, exclude=members)
    if request.method == "POST" and form.is_valid():
        services.team_add_member_by_admin(actor=request.user, team=team, user=form.cleaned_data["user"])
        messages.success(request, _("Member added."))
        return redirect("orgadmin:team-detail", team.pk)
    return _render(
        request,
        "accounts/org/team_detail.html",
        {"team": team, "members": members, "form": form},
        status=400 if form.errors else 200,
    )


@org_admin_required
@require_POST
def team_remove(request, pk, user_pk):
    team = _team(request, pk)
    member = _member(request, user_pk)
    services.team_remove_member_by_admin(actor=request.user, team=team, user=member)
    messages.success(request, _("Member removed."))
    return redirect("orgadmin:team-detail", team.pk)


# --- sharing agreements ------------------------------------------------------------------------


@org_admin_required
def agreements(request):
    from sharing.models import SharingAgreement

    organization = request.user.organization
    both = SharingAgreement.objects.filter(Q(provider=organization) | Q(recipient=organization)).select_related(
        "provider", "recipient"
    )
    return _render(
        request,
        "accounts/org/agreements.html",
        {
            "provided": [a for a in both if a.provider_id == organization.pk],
            "received": [a for a in both if a.recipient_id == organization.pk],
        },
    )


@org_admin_required
@require_http_methods(["GET", "POST"])
def agreement_create(request):
    from sharing.services.agreements import agreement_create_by_admin

    form = forms.AgreementForm(request.POST or None, organization=request.user.organization)
    if request.method == "POST" and form.is_valid():
        try:
            agreement_create_by_admin(
                actor=request.user,
                recipient=form.cleaned_data["recipient"],
                categories=form.cleaned_data["categories"],
                purposes=form.cleaned_data["purposes"],
                valid_until=form.valid_until_datetime(),
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Agreement created."))
            return redirect("orgadmin:agreements")
    return _render(request, "accounts/org/agreement_form.html", {"form": form}, status=400 if form.errors else 200)


def _provided_agreement(request, pk):
    from sharing.models import SharingAgreement

    return get_object_or_404(SharingAgreement, pk=pk, provider=request.user.organization)


@org_admin_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk):
    from sharing.services.agreements import agreement_change

    agreement = _provided_agreement(request, pk)
    initial = {
        "categories": agreement.categories,
        "purposes": agreement.purposes,
        "valid_until": agreement.valid_until.date() if agreement.valid_until else None,
    }
    form = forms.AgreementForm(
        request.POST or None, organization=request.user.organization, with_recipient=False, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            agreement_change(
                actor=request.user,
                agreement=agreement,
                categories=form.cleaned_data["categories"],
                purposes=form.cleaned_data["purposes"],
                valid_until=form.valid_until_datetime(),
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Agreement changed."))
            return redirect("orgadmin:agreements")
    return _render(
        request,
        "accounts/org/agreement_form.html",
        {"form": form, "agreement": agreement},
        status=400 if form.errors else 200,
    )


@org_admin_required
@require_POST
def agreement_terminate(request, pk):
    from sharing.services.agreements import agreement_terminate as terminate

    terminate(actor=request.user, agreement=_provided_agreement(request, pk))
    messages.success(request, _("Agreement terminated: no new share may use it."))
    return redirect("orgadmin:agreements")


# --- API clients -------------------------------------------------------------------------------


@org_admin_required
@require_http_methods(["GET", "POST"])
def api_clients(request):
    organization = request.user.organization
    form = forms.ApiClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client, secret = services.api_client_create(
                actor=request.user,
                organization=organization,
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                scopes=form.cleaned_data["scopes"],
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            return _render(request, "accounts/org/api_client_created.html", {"client": client, "secret": secret})
    clients = ApiClient.objects.filter(organization=organization).select_related("application__user")
    return _render(
        request, "accounts/org/api_clients.html", {"clients": clients, "form": form}, status=400 if form.errors else 200
    )


def _client(request, pk) -> ApiClient:
    return get_object_or_404(
        ApiClient.objects.select_related("application__user"), pk=pk, organization=request.user.organization
    )


@org_admin_required
@require_http_methods(["GET", "POST"])
def api_client_detail(request, pk):
    client = _client(request, pk)
    form = forms.ScopesForm(request.POST or None, initial={"scopes": client.scopes})
    if request.method == "POST" and form.is_valid():
        try:
            services.api_client_change_scopes(actor=request.user, client=client, scopes=form.cleaned_data["scopes"])
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Scopes changed: issued tokens have the new scopes at once."))
            return redirect("orgadmin:api-client-detail", client.pk)
    return _render(
        request,
        "accounts/org/api_client_detail.html",
        {"client": client, "form": form},
        status=400 if form.errors else 200,
    )


@org_admin_required
@require_POST
def api_client_revoke(request, pk):
    client = _client(request, pk)
    services.api_client_revoke(actor=request.user, client=client)
    messages.success(request, _("API client revoked: its tokens no longer work."))
    return redirect("orgadmin:api-client-detail", client.pk)


# --- partner webhook ---------------------------------------------------------------------------


def _endpoint(request):
    from sharing.models import PartnerEndpoint

    return PartnerEndpoint.objects.filter(organization=request.user.organization).first()


@org_admin_required
@require_http_methods(["GET", "POST"])
def webhook(request):
    from sharing.choices import DeliveryChannel
    from sharing.models import Delivery
    from sharing.services.endpoints import endpoint_change_url

    endpoint = _endpoint(request)
    form = failures = None
    if endpoint is not None:
        form = forms.EndpointForm(request.POST or None, initial={"url": endpoint.url})
        if request.method == "POST" and form.is_valid():
            try:
                endpoint_change_url(actor=request.user, endpoint=endpoint, url=form.cleaned_data["url"])
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("Webhook URL changed."))
                return redirect("orgadmin:webhook")
        failures = (
            Delivery.objects.filter(share__recipient=endpoint.organization, channel=DeliveryChannel.WEBHOOK)
            .exclude(last_error="")
            .only("id", "kind", "status", "attempts", "last_error", "created_at", "next_attempt_at")
            .order_by("-created_at")[:20]
        )
    elif request.method == "POST":
        raise PermissionDenied(_("Your organization has no webhook."))
    status = 400 if form is not None and form.errors else 200
    return _render(
        request, "accounts/org/webhook.html", {"endpoint": endpoint, "form": form, "failures": failures}, status=status
    )


@org_admin_required
@require_POST
def webhook_rotate(request):
    from django.http import Http404

    from sharing.services.endpoints import endpoint_rotate_secret

    endpoint = _endpoint(request)
    if endpoint is None:
        raise Http404
    secret = endpoint_rotate_secret(actor=request.user, endpoint=endpoint)
    return _render(request, "accounts/org/webhook_rotated.html", {"endpoint": endpoint, "secret": secret})
