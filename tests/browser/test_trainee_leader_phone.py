"""A trainee's and a team leader's pages on a phone (390×844), in Chinese and English: nothing scrolls
sideways (a cloze question with a long option in a result included), the gap trend's months all fit,
the leader's team list is one readable card per member whose name opens the member's gap report, and
an evidence row's label is not squeezed into a column of letters by a long note."""

from contextlib import contextmanager

import pytest

from tests.browser.conftest import has_horizontal_scroll, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.no_db]

TRAINEE_PAGES = ["/", "/syllabus", "/modules", "/quizzes/", "/scenarios", "/gaps/", "/gaps/evidence/information",
                 "/gaps/assess", "/plan/", "/certificates/"]
LEADER_PAGES = ["/", "/gaps/team", "/progress/team", "/exams/"]


def _switch(page, lang):
    page.click("button:has-text('English')" if lang == "en" else "button:has-text('简体中文')")
    page.wait_for_load_state()


@contextmanager
def _signed_in(page, server, username, lang):
    """Signed in as a demo user reading ``lang``; the user's saved language is Chinese again after."""
    sign_in(page, server, username)
    if lang == "en":
        _switch(page, "en")
    try:
        yield
    finally:
        if lang == "en":
            _switch(page, "zh")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_trainee_pages_and_results_fit_a_phone(live_server, phone, lang):
    with _signed_in(phone, live_server, "trainee01", lang):
        for path in TRAINEE_PAGES:
            phone.goto(live_server + path)
            assert not has_horizontal_scroll(phone), f"{path} ({lang})"
        phone.goto(live_server + "/quizzes/")
        results = phone.locator("#my-attempts a[href$='/result']").evaluate_all("els => els.map(e => e.href)")
        assert results
        for url in results:
            phone.goto(url)
            assert not has_horizontal_scroll(phone), f"{url} ({lang})"
        # the trend's six months and "now" are all in sight, the latest not hidden in a scroll box
        phone.goto(live_server + "/gaps/")
        assert phone.locator("[data-section=trend] .table-wrap").evaluate("e => e.scrollWidth <= e.clientWidth")
        phone.goto(live_server + "/gaps/evidence/information")
        label_widths = phone.locator("table.evidence-table td[data-label]").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect().height ? "
            "parseFloat(getComputedStyle(e, '::before').width) : 99)")
        assert label_widths and min(label_widths) > 20  # not one letter per line


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_leader_team_list_and_pages_fit_a_phone(live_server, phone, lang):
    with _signed_in(phone, live_server, "leader1", lang):
        names = phone.locator("[data-panel=leader] table td.name a")
        assert names.count() >= 5
        first = names.first
        # a name stays on one line, not one character per line
        assert first.bounding_box()["height"] < 40
        assert not has_horizontal_scroll(phone)
        for path in LEADER_PAGES:
            phone.goto(live_server + path)
            assert not has_horizontal_scroll(phone), f"{path} ({lang})"
        phone.goto(live_server + "/")
        name = phone.locator("[data-panel=leader] table td.name a").first
        who = name.inner_text()
        name.click()
        phone.wait_for_url(f"{live_server}/gaps/people/**")
        assert who in phone.locator("h1").inner_text()
        assert not has_horizontal_scroll(phone)
