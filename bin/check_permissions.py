"""Mutation check of the permission rules (issue 8, "Tests that must exist").

Each mutant below weakens one rule by exact text replacements in named files. For each, the
source is copied to a temporary directory (the working tree is never touched), the replacements
are applied there, and the permission suites run against the copy; the mutant must make them
fail. A replacement whose ``old`` text is missing fails the check at once: a refactor must move
the mutant along with the code rather than silently disable it. An unmutated copy runs first
and must pass, so a failure is the mutant's doing.

Run from the repository root: ``bin/check-permissions`` (``--list`` names the mutants; naming
some runs only those). The suites run on SQLite whatever ``DATABASE_URL`` says.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"

# The permission suites, quickest first (each mutant run stops at its first failure): the API
# suite's completeness test, its generic and per-caller rows, the cross-organization checks, the
# per-object matrix, and the sharing services.
SUITES = [
    "tests/api/test_completeness.py",
    "tests/api/test_endpoints.py",
    "tests/api/test_callers.py",
    "tests/api/test_cross_org.py",
    "tests/test_permissions.py",
    "tests/test_sharing_services.py",
]
SUITE_GLOBS = ["tests/test_share*.py"]


@dataclass(frozen=True)
class Mutant:
    name: str
    description: str
    edits: tuple[tuple[str, str, str], ...]  # (file, old, new), each ``old`` found exactly once


CASE_FILTER_RETURN = """    return Q(**{organization: user.organization_id}) & (
        Q(**{f"{case_id}__in": by_user.values("content_object")})
        | Q(**{f"{case_id}__in": by_group.values("content_object")})
    )"""

# The first line of ``_case_filter``: before it, an operator (who never works cases) would be let in.
CASE_FILTER_GUARD = (
    '    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "works_cases"'
)

MUTANTS = [
    Mutant(
        "share-request-as-view",
        "the sharing services fetch the case for view, not share",
        (
            (
                "sharing/services/shares.py",
                "return get_for_user(Case, user=actor, pk=case.pk, action=Action.SHARE, lock=lock)",
                "return get_for_user(Case, user=actor, pk=case.pk, action=Action.VIEW, lock=lock)",
            ),
        ),
    ),
    Mutant(
        "inbox-any-caseworker",
        "every case worker of the recipient sees every received record, not only the ones assigned to them",
        (("sharing/querysets.py", "return self.filter(mine, assigned_to=user.pk)", "return self.filter(mine)"),),
    ),
    Mutant(
        "access-module-unrestricted",
        "get_for_user and restrict() in the access module return every row",
        (("casework/access.py", "return queryset.restrict(user, Action(action))", "return queryset"),),
    ),
    Mutant(
        "share-as-view",
        "sharing a case needs only view_case",
        (
            (
                "casework/permissions.py",
                "Action.SHARE: SHARE_CASE}",
                "Action.SHARE: VIEW_CASE}",
            ),
        ),
    ),
    Mutant(
        "team-may-share",
        "a team assignment also grants share_case",
        (
            (
                "casework/permissions.py",
                "TEAM_PERMISSIONS = (VIEW_CASE, CHANGE_CASE)",
                "TEAM_PERMISSIONS = (VIEW_CASE, CHANGE_CASE, SHARE_CASE)",
            ),
        ),
    ),
    Mutant(
        "restrict-same-organization",
        "restrict() reduced to same organization and a case-working role (no grants)",
        (("casework/querysets.py", CASE_FILTER_RETURN, "    return Q(**{organization: user.organization_id})"),),
    ),
    Mutant(
        "restrict-without-organization",
        "restrict() drops the organization condition (grants alone decide)",
        (
            (
                "casework/querysets.py",
                CASE_FILTER_RETURN,
                CASE_FILTER_RETURN.replace("Q(**{organization: user.organization_id}) & (", "("),
            ),
        ),
    ),
    Mutant(
        "user-grant-of-anyone",
        "the user branch drops its user: any user's grant (creator, assignee) opens the case",
        (
            (
                "casework/querysets.py",
                "CaseUserObjectPermission.objects.filter(user=user.pk, permission=permission)",
                "CaseUserObjectPermission.objects.filter(permission=permission)",
            ),
        ),
    ),
    Mutant(
        "user-grant-dropped",
        "the user branch is gone: assignees and creators lose their cases",
        (
            (
                "casework/querysets.py",
                CASE_FILTER_RETURN,
                CASE_FILTER_RETURN.replace("by_user.values", "by_group.values"),
            ),
        ),
    ),
    Mutant(
        "group-grant-of-any-group",
        "the group branch drops the user's groups: any group's grant (the supervisors') opens the case",
        (
            (
                "casework/querysets.py",
                "CaseGroupObjectPermission.objects.filter(permission=permission, group__in=groups)",
                "CaseGroupObjectPermission.objects.filter(permission=permission)",
            ),
        ),
    ),
    Mutant(
        "group-grant-any-permission",
        "the group branch ignores which permission was granted (a team's view opens share)",
        (
            (
                "casework/querysets.py",
                "CaseGroupObjectPermission.objects.filter(permission=permission, group__in=groups)",
                "CaseGroupObjectPermission.objects.filter(group__in=groups)",
            ),
        ),
    ),
    Mutant(
        "superuser-shortcut",
        "a platform operator (is_superuser) sees every case, as guardian's shortcut would",
        (
            (
                "casework/querysets.py",
                CASE_FILTER_GUARD,
                '    if getattr(user, "is_superuser", False):\n        return Q()\n' + CASE_FILTER_GUARD,
            ),
        ),
    ),
    Mutant(
        "separation-of-duties-dropped",
        "works_cases no longer checks the role: org admins and auditors work cases",
        (
            (
                "accounts/models.py",
                "return self.is_active and self.organization_id is not None and self.role in CASE_CONTENT_ROLES",
                "return self.is_active and self.organization_id is not None",
            ),
        ),
    ),
    Mutant(
        "has-scope-always-true",
        "HasScope lets every token through",
        (
            (
                "config/api/permissions.py",
                "        return needed in scopes_of(request)",
                "        return True",
            ),
        ),
    ),
    Mutant(
        "has-scope-fails-open",
        "HasScope lets a view that declares no scope through",
        (
            (
                "config/api/permissions.py",
                '            self.message = "This endpoint declares no scope; it is refused until it does."\n'
                "            return False",
                "            return True",
            ),
        ),
    ),
]


def source_files() -> list[str]:
    """Tracked files and new ones not ignored: the working tree as it is, without .venv or var/."""
    git = shutil.which("git") or "git"
    listed = subprocess.run(  # noqa: S603 - a fixed command line
        [git, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def copy_source(destination: Path) -> None:
    for name in source_files():
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)


def apply(mutant: Mutant, tree: Path) -> None:
    for file, old, new in mutant.edits:
        path = tree / file
        text = path.read_text(encoding="utf-8")
        found = text.count(old)
        if found != 1:
            raise SystemExit(
                f"check-permissions: mutant {mutant.name!r}: expected its text exactly once in {file}, "
                f"found it {found} times. The code moved: update the mutant in bin/check_permissions.py.\n"
                f"--- text:\n{old}"
            )
        path.write_text(text.replace(old, new), encoding="utf-8")


def suites(tree: Path) -> list[str]:
    found = [s for s in SUITES if (tree / s).exists()]
    missing = sorted(set(SUITES) - set(found))
    if missing:
        raise SystemExit(f"check-permissions: suites not found: {missing}")
    for pattern in SUITE_GLOBS:
        found += sorted(str(p.relative_to(tree)) for p in tree.glob(pattern) if str(p.relative_to(tree)) not in found)
    return found


def environment(var_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "CASEBRIDGE_"))}
    env.update(CASEBRIDGE_VAR_DIR=str(var_dir), PYTHONDONTWRITEBYTECODE="1")
    return env


def run_suites(tree: Path, *, stop_at_first: bool) -> tuple[int, float, str]:
    """(pytest's exit code, seconds, the failing test or the last lines of output) for ``tree``."""
    var_dir = tree / "var"
    var_dir.mkdir(exist_ok=True)
    # The copy must be what is imported, not the checkout the virtualenv was installed from.
    where = subprocess.run(  # noqa: S603 - our own virtualenv, fixed arguments
        [str(PYTHON), "-c", "import casework, config; print(casework.__file__)"],
        cwd=tree,
        env=environment(var_dir),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not Path(where).resolve().is_relative_to(tree.resolve()):
        raise SystemExit(f"check-permissions: the copy imports casework from {where}, not from {tree}")
    command = [str(PYTHON), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", *suites(tree)]
    if stop_at_first:
        command.insert(3, "-x")
    started = time.monotonic()
    # Our own virtualenv's pytest on our own test files.
    result = subprocess.run(command, cwd=tree, env=environment(var_dir), capture_output=True, text=True)  # noqa: S603
    output = (result.stdout + result.stderr).strip().splitlines()
    failed = [line.split(" - ")[0] for line in output if line.startswith(("FAILED ", "ERROR "))]
    return result.returncode, time.monotonic() - started, "\n".join(failed[:1] or output[-6:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mutants", nargs="*", help="run only these mutants (default: all)")
    parser.add_argument("--list", action="store_true", help="name the mutants and stop")
    parser.add_argument("--jobs", type=int, default=2, help="mutants checked at once (default 2)")
    args = parser.parse_args()
    if args.list:
        for mutant in MUTANTS:
            print(f"{mutant.name:32} {mutant.description}")
        return 0
    unknown = set(args.mutants) - {m.name for m in MUTANTS}
    if unknown:
        parser.error(f"unknown mutants: {sorted(unknown)}")
    chosen = [m for m in MUTANTS if not args.mutants or m.name in args.mutants]

    with tempfile.TemporaryDirectory(prefix="check-permissions-") as scratch:
        pristine = Path(scratch) / "pristine"
        copy_source(pristine)
        # Every mutant's text must be there before anything runs.
        for mutant in chosen:
            probe = Path(scratch) / "probe"
            for file, _, _ in mutant.edits:
                (probe / file).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(pristine / file, probe / file)
            apply(mutant, probe)
            shutil.rmtree(probe)

        code, seconds, tail = run_suites(pristine, stop_at_first=False)
        print(f"{'unmutated':32} {'passes' if code == 0 else 'FAILS'} ({seconds:.0f} s)", flush=True)
        if code != 0:
            print(f"check-permissions: the suites fail without any mutant; fix that first.\n{tail}")
            return 1

        def check(mutant: Mutant) -> tuple[Mutant, int, float, str]:
            tree = Path(scratch) / mutant.name
            shutil.copytree(pristine, tree, ignore=shutil.ignore_patterns("var"))
            apply(mutant, tree)
            code, seconds, by = run_suites(tree, stop_at_first=True)
            shutil.rmtree(tree)
            return mutant, code, seconds, by

        # Caught means a test failed (exit code 1); a copy that does not even import or collect
        # (exit code 2 and up) says nothing about the suites and fails the check as well.
        survivors, broken = [], []
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            for mutant, code, seconds, by in pool.map(check, chosen):
                verdict = {0: "SURVIVED", 1: "caught"}.get(code, f"BROKEN (pytest exit code {code})")
                print(f"{mutant.name:32} {verdict} ({seconds:.0f} s): {mutant.description}", flush=True)
                if code:
                    print(f"{'':32} by {by.removeprefix('FAILED ')}", flush=True)
                if code == 0:
                    survivors.append(mutant.name)
                elif code != 1:
                    broken.append(mutant.name)
    if broken:
        print(f"check-permissions: mutants that break the copy rather than weaken a rule: {', '.join(broken)}")
        return 1
    if survivors:
        print(f"check-permissions: {len(survivors)} weakened rule(s) went unnoticed: {', '.join(survivors)}")
        return 1
    print(f"check-permissions: all {len(chosen)} mutants caught")
    return 0


if __name__ == "__main__":
    sys.exit(main())
