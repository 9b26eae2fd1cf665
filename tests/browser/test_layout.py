"""The page frame in the browser: on a phone the main menu sits behind a Menu button so each page's
own content starts at the top; on a desktop the menu is always shown."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.no_db]


def test_phone_menu_opens_and_closes(live_server, phone):
    sign_in(phone, live_server, "trainee01")
    phone.goto(f"{live_server}/modules")
    toggle, nav = phone.locator(".menu-toggle"), phone.locator("#main-nav")
    assert toggle.is_visible() and not nav.is_visible()
    # the page title is within the first screen's top quarter
    assert phone.locator("main h1").bounding_box()["y"] < 844 / 4
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and nav.is_visible()
    assert nav.locator('a[aria-current="page"]').inner_text() == "课程模块"
    nav.get_by_text("我的差距报告").click()
    phone.wait_for_url(f"{live_server}/gaps/")
    assert not phone.locator("#main-nav").is_visible()
    phone.locator(".menu-toggle").click()
    phone.keyboard.press("Escape")
    assert phone.locator(".menu-toggle").get_attribute("aria-expanded") == "false"
    assert not phone.locator("#main-nav").is_visible()


def test_desktop_shows_the_menu_without_a_button(live_server, desktop):
    sign_in(desktop, live_server, "trainee01")
    desktop.goto(f"{live_server}/modules")
    assert desktop.locator("#main-nav").is_visible() and not desktop.locator(".menu-toggle").is_visible()
