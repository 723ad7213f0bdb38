"""Safe defaults (issue 11, item 6): debug off unless asked for, private local state, security
headers, no caching of API answers, bounded sessions, a clean ``check --deploy`` and the README's
production steps working as written."""

import os
import secrets
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
OWN = ("DJANGO_DEBUG", "DJANGO_SECRET_KEY", "CASEBRIDGE_SIGNING_KEY", "DJANGO_ALLOWED_HOSTS", "CASEBRIDGE_VAR_DIR")
OWN += ("CASEBRIDGE_MFA_REQUIRED", "CASEBRIDGE_SSL_REDIRECT", "CASEBRIDGE_TRUSTED_PROXY_COUNT", "DATABASE_URL")
# The browser tests set this for their live server; a production process never has it.
OWN += ("DJANGO_ALLOW_ASYNC_UNSAFE",)


def production_env(var_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in OWN}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        CASEBRIDGE_VAR_DIR=str(var_dir),
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        CASEBRIDGE_SIGNING_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="casebridge.example,127.0.0.1",
    )
    env.update(extra)
    return env


def manage(env, *args, timeout=180):
    return subprocess.run(  # noqa: S603 -- our own manage.py, fixed arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_debug_is_off_unless_asked_for(tmp_path):
    result = manage(
        production_env(tmp_path / "var"), "shell", "-c", "from django.conf import settings; print(settings.DEBUG)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_check_deploy_is_clean_in_production(tmp_path):
    result = manage(production_env(tmp_path / "var"), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_local_state_is_private(tmp_path):
    var_dir = tmp_path / "var"
    result = manage(production_env(var_dir, DJANGO_DEBUG="1"), "migrate", "--no-input")
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(var_dir.stat().st_mode) == 0o700
    files = [p for p in var_dir.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


def test_bin_demo_writes_no_password_but_its_own_file():
    script = (ROOT / "bin" / "demo").read_text()
    assert 'seed_demo.json"' not in script.replace('rm -f "$VAR_DIR/seed_demo.json"', "")
    assert 'chmod 600 "$VAR_DIR/demo_password"' in script
    assert "umask 077" in script


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_readme_production_steps_serve_the_sign_in_page(tmp_path):
    """migrate, collectstatic, gunicorn with debug off behind a TLS proxy: the sign-in page is a 200."""
    readme = (ROOT / "README.md").read_text()
    for step in ("manage.py migrate", "manage.py collectstatic --noinput", "gunicorn config.wsgi"):
        assert step in readme, step
    env = production_env(tmp_path / "var", CASEBRIDGE_TRUSTED_PROXY_COUNT="1")
    for args in (("migrate", "--no-input"), ("collectstatic", "--noinput")):
        result = manage(env, *args)
        assert result.returncode == 0, result.stderr
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603 -- our own app on the loopback interface
        [str(gunicorn), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}/login/"
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}
        deadline = time.monotonic() + 60
        while True:
            try:
                response = requests.get(url, headers=headers, timeout=10, allow_redirects=False)
                break
            except requests.ConnectionError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
        assert response.status_code == 200, response.text[:2000]
        assert "Username or email" in response.text
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        css = requests.get(f"http://127.0.0.1:{port}/static/css/casebridge.css", headers=headers, timeout=10)
        # The manifest storage serves a hashed name; the page names it.
        assert "/static/css/casebridge." in response.text
        assert css.status_code in (200, 404)
        # Plain HTTP (no proxy header) is redirected to HTTPS.
        plain = requests.get(url, timeout=10, allow_redirects=False)
        assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.django_db
def test_security_headers(client, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_SSL_REDIRECT = False
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=3600")
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_api_answers_are_never_cached(client, caseworker, make_case):
    case = make_case(caseworker)
    client.force_login(caseworker)
    for url in ("/api/v1/me/", f"/api/v1/cases/{case.pk}/", "/api/v1/cases/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


@pytest.mark.django_db
def test_an_idle_session_ends(client, caseworker, settings):
    settings.CASEBRIDGE_SESSION_IDLE_SECONDS = 1800
    client.force_login(caseworker)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session["_cb_seen"] -= 1801
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.django_db
def test_a_session_ends_after_its_absolute_lifetime(client, caseworker, settings):
    settings.CASEBRIDGE_SESSION_MAX_SECONDS = 12 * 3600
    client.force_login(caseworker)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session["_cb_started"] -= 12 * 3600 + 1
    session.save()
    assert client.get(reverse("home")).status_code == 302
