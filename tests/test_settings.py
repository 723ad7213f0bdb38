"""Settings read from the environment (config/settings.py): production refuses to start without
its keys; a local run generates them once under the var directory and keeps them."""

import ast
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OWN_VARIABLES = (
    "DJANGO_SECRET_KEY",
    "CASEBRIDGE_SIGNING_KEY",
    "DJANGO_DEBUG",
    "DJANGO_ALLOWED_HOSTS",
    "CASEBRIDGE_VAR_DIR",
)


@pytest.fixture
def var_dir(tmp_path):
    return tmp_path / "var"


@pytest.fixture
def manage(var_dir):
    def run(*args, **environment):
        env = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
        env["CASEBRIDGE_VAR_DIR"] = str(var_dir)
        env["DJANGO_SETTINGS_MODULE"] = "config.settings"
        env.update(environment)
        return subprocess.run(  # noqa: S603 -- our own manage.py, fixed arguments
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run


def test_production_refuses_to_start_without_a_secret_key(manage, var_dir):
    result = manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert not (var_dir / "secret_key").exists()


def test_production_refuses_to_start_without_a_signing_key(manage, var_dir):
    result = manage("check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "CASEBRIDGE_SIGNING_KEY" in result.stderr
    assert not (var_dir / "signing_key").exists()


def test_production_starts_with_both_keys(manage, var_dir):
    result = manage(
        "check",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 50,
        CASEBRIDGE_SIGNING_KEY="y" * 50,
        DJANGO_ALLOWED_HOSTS="casebridge.example",
    )
    assert result.returncode == 0, result.stderr
    assert not (var_dir / "secret_key").exists()
    assert not (var_dir / "signing_key").exists()


def _printed(result):
    """The value the shell command printed after ``=>`` (the shell itself may print other lines)."""
    assert result.returncode == 0, result.stderr
    lines = [line[2:] for line in result.stdout.splitlines() if line.startswith("=>")]
    assert len(lines) == 1, result.stdout
    return ast.literal_eval(lines[0])


def test_a_local_run_generates_private_keys_once(manage, var_dir):
    first = manage("check", DJANGO_DEBUG="1")
    assert first.returncode == 0, first.stderr
    keys = {}
    for name in ("secret_key", "signing_key"):
        path = var_dir / name
        assert path.is_file(), name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
        keys[name] = path.read_text()
        assert len(keys[name].strip()) >= 50, name
    assert keys["secret_key"] != keys["signing_key"]

    # A second start reuses the files unchanged, and the keys in them are the ones in use.
    second = manage(
        "shell",
        "-c",
        "from django.conf import settings; print('=>' + repr((settings.SECRET_KEY, settings.CASEBRIDGE_SIGNING_KEY)))",
        DJANGO_DEBUG="1",
    )
    in_use = _printed(second)
    for name, content in keys.items():
        assert (var_dir / name).read_text() == content, name
        assert stat.S_IMODE((var_dir / name).stat().st_mode) == 0o600, name
    assert in_use == (keys["secret_key"].strip(), keys["signing_key"].strip())


def test_allowed_hosts_is_a_list(manage):
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print('=>' + repr(settings.ALLOWED_HOSTS))",
        DJANGO_ALLOWED_HOSTS="a.example,b.example",
        DJANGO_DEBUG="1",
    )
    assert _printed(result) == ["a.example", "b.example"]


@pytest.mark.parametrize(("setting", "threshold"), [(None, 5), ("0", None)])
def test_prepared_statements_are_on_unless_a_pooler_needs_them_off(manage, setting, threshold):
    environment = {"DATABASE_URL": "postgres://casebridge@db.invalid:5432/casebridge", "DJANGO_DEBUG": "1"}
    if setting is not None:
        environment["CASEBRIDGE_DB_PREPARED_STATEMENTS"] = setting
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print('=>' + repr(settings.DATABASES['default']['OPTIONS'].get('prepare_threshold')))",
        **environment,
    )
    assert _printed(result) == threshold
