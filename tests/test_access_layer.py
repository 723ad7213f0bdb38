"""Nothing outside the access module fetches a case-bound object by hand.

An AST scan of the request-facing and domain code (views, API views, services, selectors, forms,
tasks): ``<Model>.objects.…`` or ``<Model>._default_manager`` on a case-bound model is allowed only
in the places listed below, each with the reason it does not act for a user. Everything else goes
through ``casework.access`` (``get_for_user``/``restrict``) or a model's ``restrict()``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "casework", "sharing", "audit", "config")
CASE_BOUND = {
    "Case",
    "Person",
    "Note",
    "ServiceNeed",
    "TechnologyIndicator",
    "Consent",
    "Task",
    "Share",
    "SharedRecord",
    "Delivery",
    "Disclosure",
    "RecordView",
}
# (module, function) -> why a direct query is right there.
ALLOWED = {
    ("casework/access.py", "*"): "the access module itself",
    ("sharing/snapshot.py", "case_snapshot"): "loads a case its caller has already authorized, by id",
    ("sharing/services/delivery.py", "*"): "the delivery worker acts for no user; it re-checks the basis itself",
    (
        "sharing/services/disclosures.py",
        "disclosure_record",
    ): "the delivery worker writes the ledger; it acts for no user",
    ("sharing/services/outbox.py", "*"): "the outbox records work for shares its callers already hold",
    ("casework/services/access.py", "touch"): "stamps a case its caller holds locked through authorize()",
    ("sharing/services/basis.py", "*"): "locks, by id, rows its callers hold through the access module or the worker",
    ("sharing/services/inbox.py", "_answer"): "moves the share of a record the caller holds locked",
    ("sharing/services/shares.py", "end_share"): "erases the record of a share its caller holds locked",
    ("sharing/services/shares.py", "shares_revoke_for_consent"): "the shares of a consent its caller holds locked",
    ("sharing/services/shares.py", "shares_expire_due"): "beat's expiry sweep acts for no user",
    ("sharing/services/shares.py", "_expire_one"): "beat's expiry sweep acts for no user",
    ("casework/api/matches.py", "get"): "counts other organizations' fingerprints: sector, count and date, never a row",
    ("casework/selectors.py", "indicator_matches"): "the same count, for the case page",
    ("casework/services/tasks.py", "consent_renewals_due"): "beat's renewal sweep acts for no user",
    ("casework/services/tasks.py", "consent_renewal_create"): "beat's renewal sweep acts for no user",
    ("casework/api/viewsets.py", "base_queryset"): "the base viewset restricts what this returns, always",
    ("casework/selectors.py", "case_get_for_user"): "hands the joined cases to get_for_user, which restricts them",
    ("audit/selectors.py", "case_id_for_reference"): "an auditor's case reference to its id: never a row's content",
    (
        "audit/selectors.py",
        "references_for_case_ids",
    ): "case ids in the auditor's trail to their references, no content",
}


def _scanned_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or "/management/" in relative:
                continue
            name = path.name
            if (
                name in ("views.py", "services.py", "selectors.py", "forms.py", "tasks.py")
                or "/services/" in relative
                or "/api/" in relative
                or relative == "casework/access.py"
                or relative == "sharing/snapshot.py"
            ):
                yield relative, path


# A chain on ``<Model>.objects`` that only makes rows, or that stays inside a case the caller has
# already been authorized for (``filter(case=case)``), fetches nothing for a user.
# Shaping a queryset fetches nothing: one handed to ``get_for_user``/``restrict`` is restricted there.
HARMLESS = {
    "create", "bulk_create", "none", "select_related", "prefetch_related", "order_by", "annotate", "only",
    "defer", "with_involves_minor",
}  # fmt: skip


def _chain(node, parents):
    """The method calls applied to ``node`` (``X.objects``): [(name, keyword names), …]."""
    calls = []
    while True:
        parent = parents.get(node)
        if isinstance(parent, ast.Attribute):
            call = parents.get(parent)
            keywords = {k.arg for k in call.keywords} if isinstance(call, ast.Call) and call.func is parent else set()
            calls.append((parent.attr, keywords))
            node = call if isinstance(call, ast.Call) and call.func is parent else parent
        else:
            return calls


def _fetches_for_a_user(calls) -> bool:
    names = [name for name, _ in calls]
    if not names or "restrict" in names or set(names) <= HARMLESS:
        return False
    scoped = any(name in ("filter", "exclude") and "case" in keywords for name, keywords in calls)
    return not scoped


class _Finder(ast.NodeVisitor):
    def __init__(self, tree):
        self.parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
        self.functions: list[str] = []
        self.hits: list[tuple[int, str, str]] = []

    def visit_FunctionDef(self, node):
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Attribute(self, node):
        if (
            node.attr in ("objects", "_default_manager")
            and isinstance(node.value, ast.Name)
            and node.value.id in CASE_BOUND
        ):
            calls = _chain(node, self.parents)
            if _fetches_for_a_user(calls):
                function = self.functions[0] if self.functions else "<module>"
                chain = ".".join(name for name, _ in calls)
                self.hits.append((node.lineno, function, f"{node.value.id}.{node.attr}.{chain}"))
        self.generic_visit(node)


def direct_queries():
    for relative, path in _scanned_files():
        tree = ast.parse(path.read_text(), filename=relative)
        finder = _Finder(tree)
        finder.visit(tree)
        for line, function, what in finder.hits:
            if (relative, "*") in ALLOWED or (relative, function) in ALLOWED:
                continue
            yield f"{relative}:{line} in {function}(): {what}"


def test_no_case_bound_object_is_fetched_outside_the_access_module():
    found = list(direct_queries())
    assert not found, "fetch through casework.access instead:\n" + "\n".join(found)


def test_the_scan_sees_a_hand_written_fetch(tmp_path, monkeypatch):
    """The check itself bites: a view that fetches a case by hand is reported."""
    fake = tmp_path / "casework" / "views.py"
    fake.parent.mkdir()
    fake.write_text(
        "def page(request, pk):\n    return Case.objects.get(pk=pk)\n"
        "def fine(request, case):\n    Note.objects.filter(case=case)\n    return Note.objects.create(case=case)\n"
    )
    monkeypatch.setattr("tests.test_access_layer.ROOT", tmp_path)
    monkeypatch.setattr("tests.test_access_layer.APPS", ("casework",))
    assert list(direct_queries()) == ["casework/views.py:2 in page(): Case.objects.get"]


@pytest.mark.parametrize("entry", sorted(ALLOWED))
def test_every_allowance_still_exists(entry):
    """An allowance for a file that is gone is stale and must be removed."""
    assert (ROOT / entry[0]).exists(), entry


def test_casework_domain_does_not_import_sharing():
    """casework's models, services, selectors and API know nothing of sharing: it announces changes
    through ``casework.signals`` and sharing subscribes. Only the case page (``casework/views.py``),
    a presentation that composes both apps, reads sharing."""
    presentation = {"casework/views.py"}
    offenders = []
    for path in sorted((ROOT / "casework").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in presentation or "/migrations/" in relative:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name == "sharing" or name.startswith("sharing.") for name in names):
                offenders.append(f"{relative}:{node.lineno}")
    assert not offenders, offenders


def test_the_api_plumbing_imports_no_domain_app():
    domain = ("accounts", "casework", "sharing", "audit")
    offenders = []
    for path in sorted((ROOT / "config" / "api").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [module or ""]
            if any(m.split(".")[0] in domain for m in modules):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders
