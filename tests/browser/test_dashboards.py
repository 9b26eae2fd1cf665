"""Each demo role signs in on a phone, sees its dashboard in Chinese, switches to English, and
no page scrolls sideways at 390×844."""

import pytest

from tests.browser.conftest import has_horizontal_scroll, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.no_db]

ROLES = {
    # user: (panel, Chinese heading, English heading)
    "trainee01": ("trainee", "我的下一步", "My next steps"),
    "leader1": ("leader", "我的班组", "My team"),
    "trainer": ("trainer", "我的内容", "My content"),
    "hr": ("hr", "认证记录", "Certification records"),
    "admin": ("admin", "系统管理", "Administration"),
}


@pytest.mark.parametrize("username", list(ROLES))
def test_role_dashboard_in_chinese_and_english(live_server, phone, username):
    panel, zh, en = ROLES[username]
    sign_in(phone, live_server, username)
    section = phone.locator(f"[data-panel={panel}]")
    assert section.locator("h2").inner_text() == zh
    assert phone.locator("html").get_attribute("lang") == "zh-CN"
    assert not has_horizontal_scroll(phone)
    phone.click("button:has-text('English')")
    phone.wait_for_load_state()
    assert section.locator("h2").inner_text() == en
    assert phone.locator("html").get_attribute("lang") == "en"
    assert not has_horizontal_scroll(phone)
    # the choice is remembered for this user: sign out and in again
    phone.click("button:has-text('Sign out')")
    sign_in(phone, live_server, username)
    assert phone.locator(f"[data-panel={panel}] h2").inner_text() == en
    phone.click("button:has-text('简体中文')")
    phone.wait_for_load_state()
    assert phone.locator(f"[data-panel={panel}] h2").inner_text() == zh


PAGES = {
    "trainee01": ["/", "/competency/", "/competency/consultative_selling", "/competency/tracks", "/account/password"],
    "leader1": ["/"],
    "hr": ["/", "/admin/roster"],
    "admin": ["/", "/admin/users", "/admin/teams", "/admin/audit", "/admin/users/new"],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_page_scrolls_sideways_on_a_phone(live_server, phone, lang):
    for username, paths in PAGES.items():
        phone.context.clear_cookies()
        sign_in(phone, live_server, username)
        if lang == "en":
            phone.click("button:has-text('English')")
            phone.wait_for_load_state()
        for path in paths:
            phone.goto(live_server + path)
            assert phone.locator("h1").count() >= 1, path
            assert not has_horizontal_scroll(phone), f"{username} {path} ({lang})"
        if lang == "en":  # leave the demo user's saved choice as it was
            phone.click("button:has-text('简体中文')")


def test_wrong_password_shows_an_error_and_stays(live_server, phone):
    phone.goto(live_server + "/login")
    phone.fill("#username", "trainee02")
    phone.fill("#password", "not-the-password")
    phone.click("main button[type=submit]")
    assert "用户名或密码错误" in phone.locator(".flash.error").inner_text()
    assert phone.url.endswith("/login")
