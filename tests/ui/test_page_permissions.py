"""The generic page-permission suite: every page of the workspace, for every kind of user.

Each user gets exactly the declared answer, a foreign case is a 404 exactly like a missing one,
and nothing of another organization's case (reference, title, person names) appears in any
response. A page added to ``casework.urls`` without a row in ``tests/ui/pages.py`` fails.
"""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.ui.pages import LOGIN, PAGES, USERS, Page


def request(client, ui_page: Page, world, args=None):
    url = reverse(ui_page.name, args=ui_page.args(world) if args is None else args)
    if ui_page.method == "POST":
        return client.post(url, ui_page.body(world))
    return client.get(url)


def secrets_of(parts) -> list[str]:
    return [
        parts.case.reference,
        parts.case.title,
        parts.survivor.given_name,
        parts.survivor.family_name,
        parts.note.body,
    ]


@pytest.mark.parametrize("ui_page", PAGES, ids=str)
def test_every_user_gets_the_declared_answer(ui_page, ui_world, client):
    w = ui_world
    for who in USERS:
        client.logout()
        user = w.user(who)
        if user is not None:
            client.force_login(user)
        response = request(client, ui_page, w)
        expected = ui_page.expected[who]
        if expected == LOGIN:
            assert response.status_code == 302, (who, response.status_code)
            assert response["Location"].startswith(reverse("login")), (who, response["Location"])
        elif expected == 200:
            assert response.status_code == ui_page.ok, (who, response.status_code, response.content[:2000])
        else:
            assert response.status_code == expected, (who, response.status_code)
        # Nothing of the other organization's case, ever.
        content = response.content.decode()
        hidden = secrets_of(w.a) if who == "foreign" else secrets_of(w.b)
        for secret in hidden:
            assert secret not in content, (who, secret)
        if expected == 404:
            # Exactly like a case that does not exist.
            args = [uuid.uuid4() if isinstance(a, uuid.UUID) else a for a in ui_page.args(w)]
            missing = request(client, ui_page, w, args=args)
            assert missing.status_code == 404
            assert missing.content == response.content


def _names(resolver, namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_workspace_page_is_in_the_suite():
    prefixes = ("casework:", "sharing:", "audit:", "orgadmin:")
    workspace = {name for name in _names(get_resolver()) if name.startswith(prefixes)} | {"home"}
    declared = {ui_page.name for ui_page in PAGES}
    assert workspace - declared == set(), "add the new page to tests/ui/pages.py"
    assert declared - workspace == set()
