"""The header's main menu: who sees which link, which one is current, in both languages, and that
a role change shows at once (the menu is cached per set of roles, never per person)."""

import re

from kamtrain.accounts import operations
from kamtrain.accounts.roles import Role
from kamtrain.core.navigation import links_for
from tests.factories import create_user


def menu(html):
    nav = re.search(r'<nav [^>]*>(.*?)</nav>', html, re.S).group(1)
    return re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav)


def endpoints(roles):
    return [link.endpoint for link in links_for(frozenset(roles))]


def test_links_follow_roles():
    trainee = endpoints([Role.TRAINEE])
    assert "gaps.mine" in trainee and "plans.mine" in trainee
    assert not {"bank.index", "records.index", "admin.users", "gaps.team", "certificates.expiring_soon"} & set(trainee)
    leader = endpoints([Role.LEADER])
    assert "gaps.team" in leader and "certificates.expiring_soon" in leader and "records.index" not in leader
    # HR who also leads a team sees the records, which hold the expiring list, not a second link
    hr_leader = endpoints([Role.HR, Role.LEADER])
    assert "records.index" in hr_leader and "certificates.expiring_soon" not in hr_leader
    assert hr_leader.index("records.index") == endpoints([Role.HR]).index("records.index")
    admin = endpoints([Role.ADMIN])
    assert {"admin.users", "admin.teams", "admin.audit_log", "admin.roster", "bank.index"} <= set(admin)


def test_page_marks_the_current_link_in_both_languages(client, login_as):
    user = create_user("navtrainee", roles=[Role.TRAINEE])
    login_as(user)
    links = menu(client.get("/modules").get_data(as_text=True))
    current = [(href, label) for href, mark, label in links if mark]
    assert current == [("/modules", "课程模块")]
    assert ("/gaps/", "", "我的差距报告") in links
    client.post("/language/en", data={"next": "/modules"})
    links = menu(client.get("/modules").get_data(as_text=True))
    assert [label for _, mark, label in links if mark] == ["Course modules"]
    assert "My gap report" in [label for _, _, label in links]


def test_a_role_change_shows_in_the_menu_at_once(client, login_as):
    user = create_user("navpromoted", roles=[Role.TRAINEE])
    login_as(user)
    assert "/bank/" not in [href for href, _, _ in menu(client.get("/").get_data(as_text=True))]
    operations.update_user(None, user, roles=[Role.TRAINEE, Role.TRAINER])
    assert "/bank/" in [href for href, _, _ in menu(client.get("/").get_data(as_text=True))]
