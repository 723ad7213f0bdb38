"""Multi-factor sign-in (issue 11, item 2): after the password, a user with a second factor must
present it; a user who must have one is sent to enrolment and reaches nothing else; TOTP codes
(computed here with pyotp) and single-use recovery codes work; an org admin resets a factor."""

import re
import time

import pyotp
import pytest
from django.urls import reverse

from accounts.choices import Role
from accounts.models import Notification
from accounts.services import recovery_codes_new, user_reset_second_factor
from audit.models import DomainEvent

PASSWORD = "a-long-password-1"


@pytest.fixture(autouse=True)
def _no_retry_delay(settings):
    # django-otp makes each device wait 2^(n-1) s after n failures (its brute-force brake); the
    # tests that try a wrong code first would otherwise sleep.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def person(caseworker):
    caseworker.set_password(PASSWORD)
    caseworker.save()
    return caseworker


def sign_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def enrol_totp(client) -> tuple[pyotp.TOTP, list[str]]:
    page = client.get(reverse("mfa_setup")).content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    totp = pyotp.TOTP(secret)
    done = client.post(reverse("mfa_setup"), {"action": "confirm-totp", "otp_token": totp.now()})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())
    assert len(codes) == 10
    return totp, codes


@pytest.mark.django_db
def test_required_mfa_sends_a_new_user_to_enrolment_and_nowhere_else(client, person, settings, make_case):
    settings.CASEBRIDGE_MFA_REQUIRED = "all"
    case = make_case(person)
    sign_in(client, person)
    for path in ("/", f"/api/v1/cases/{case.pk}/", "/api/v1/me/", "/admin/"):
        response = client.get(path)
        assert response.status_code in (302, 403), path
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("mfa_setup")), path
    page = client.get(reverse("mfa_setup"))
    assert page.status_code == 200 and "One-time code" in page.content.decode()
    enrol_totp(client)
    # Enrolled and verified in this session: the app opens.
    assert client.get("/").status_code == 200
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    event = DomainEvent.objects.get(event_type="security.mfa_enrolled")
    assert event.organization == person.organization


@pytest.mark.django_db
def test_a_wrong_totp_code_does_not_enrol(client, person, settings):
    settings.CASEBRIDGE_MFA_REQUIRED = "all"
    sign_in(client, person)
    response = client.post(reverse("mfa_setup"), {"action": "confirm-totp", "otp_token": "000000"})
    assert "not valid" in response.content.decode()
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_the_password_alone_opens_nothing_once_enrolled(client, person, settings, make_case):
    settings.CASEBRIDGE_MFA_REQUIRED = "off"  # even where not required, an enrolled factor is asked for
    case = make_case(person)
    sign_in(client, person)
    client.get(reverse("mfa_setup"))
    totp, _ = enrol_totp(client)
    client.post(reverse("logout"))

    sign_in(client, person)
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].startswith(reverse("mfa_verify"))
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 403
    page = client.get(reverse("mfa_verify")).content.decode()
    assert 'for="id_otp_token">One-time code<' in page
    wrong = client.post(reverse("mfa_verify"), {"otp_token": "123456"})
    assert wrong.status_code == 200 and client.get("/").status_code == 302
    assert DomainEvent.objects.filter(event_type="security.mfa_failed").exists()
    # The next window's code (the current one was spent on enrolment, and codes are single-use).
    ok = client.post(reverse("mfa_verify"), {"otp_token": totp.at(time.time() + 30), "next": "/"})
    assert ok.status_code == 302 and ok["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 200


@pytest.mark.django_db
def test_a_recovery_code_works_once(client, person, settings):
    settings.CASEBRIDGE_MFA_REQUIRED = "all"
    sign_in(client, person)
    _, codes = enrol_totp(client)
    client.post(reverse("logout"))

    sign_in(client, person)
    assert client.post(reverse("mfa_verify"), {"otp_token": codes[0]}).status_code == 302
    assert client.get("/").status_code == 200
    assert DomainEvent.objects.filter(event_type="security.recovery_code_used").count() == 1
    client.post(reverse("logout"))

    sign_in(client, person)
    again = client.post(reverse("mfa_verify"), {"otp_token": codes[0]})
    assert again.status_code == 200 and client.get("/").status_code == 302
    assert client.post(reverse("mfa_verify"), {"otp_token": codes[1]}).status_code == 302


@pytest.mark.django_db
def test_privileged_mode_asks_supervisors_not_caseworkers(client, org, make_user, settings):
    settings.CASEBRIDGE_MFA_REQUIRED = "privileged"
    for role, blocked in ((Role.CASEWORKER, False), (Role.SUPERVISOR, True), (Role.AUDITOR, True)):
        user = make_user(org, role)
        user.set_password(PASSWORD)
        user.save()
        client.post(reverse("logout"))
        sign_in(client, user)
        assert (client.get("/").status_code == 302) is blocked, role


@pytest.mark.django_db
def test_optional_mode_offers_enrolment_once(client, person, settings):
    settings.CASEBRIDGE_MFA_REQUIRED = "optional"
    sign_in(client, person)
    first = client.get("/")
    assert first.status_code == 302 and first["Location"].startswith(reverse("mfa_setup"))
    assert "Not now" in client.get(reverse("mfa_setup")).content.decode()
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_an_org_admin_resets_a_second_factor_and_the_user_is_told(client, person, org, make_user, settings):
    settings.CASEBRIDGE_MFA_REQUIRED = "all"
    sign_in(client, person)
    enrol_totp(client)
    recovery_codes_new(user=person)
    admin = make_user(org, Role.ORG_ADMIN)
    user_reset_second_factor(actor=admin, user=person)
    # Signed out everywhere; at the next sign-in, enrolment again.
    assert client.get("/").status_code == 302
    sign_in(client, person)
    assert client.get("/")["Location"].startswith(reverse("mfa_setup"))
    assert Notification.objects.filter(user=person, read_at__isnull=True).count() == 1
    enrol_totp(client)
    assert "second factor was reset" in client.get("/").content.decode()
    event = DomainEvent.objects.get(event_type="security.mfa_removed")
    assert (event.actor, event.organization) == (admin, org)


@pytest.mark.django_db
def test_the_existing_login_and_logout_still_work_without_mfa(client, person, settings):
    settings.CASEBRIDGE_MFA_REQUIRED = "off"
    sign_in(client, person)
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302
