"""A trainee takes a whole certification exam on a phone: answers every question (autosave and the
Next button), reloads mid-way and finds the answers again, submits, and sees the result per
competency category."""

import pytest

from tests.browser.conftest import has_horizontal_scroll, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.no_db]


def _answer(page):
    """Give some answer to every field of the question on screen; returns what was given."""
    given = {}
    question = page.locator("fieldset.question").first
    radios = question.locator("input[type=radio]")
    checkboxes = question.locator("input[type=checkbox]")
    if radios.count() and not question.locator("select").count():
        radios.last.check()
        given["radio"] = radios.last.get_attribute("value")
    if checkboxes.count():
        checkboxes.first.check()
        given["checkbox"] = checkboxes.first.get_attribute("value")
    selects = question.locator("select")
    for i in range(selects.count()):
        select = selects.nth(i)
        options = select.locator("option")
        value = options.nth(options.count() - 1).get_attribute("value")
        select.select_option(value)
        given[f"select{i}"] = value
    texts = question.locator("input[type=text]")
    for i in range(texts.count()):
        texts.nth(i).fill(f"答案{i}")
        texts.nth(i).dispatch_event("change")
        given[f"text{i}"] = f"答案{i}"
    areas = question.locator("textarea")
    if areas.count():
        areas.first.fill("先向客户致歉并确认影响范围，再给出明确的恢复时间表，每半小时通报进度。")
        areas.first.dispatch_event("change")
        given["textarea"] = True
    return given


def _wait_saved(page):
    page.wait_for_selector('#attempt[data-save-state="saved"]', timeout=10000)


def test_a_whole_exam_on_a_phone(live_server, phone, tmp_path):
    page = phone
    sign_in(page, live_server, "trainee07")  # sales track, working towards level 4: sales-4 is assigned
    page.goto(f"{live_server}/quizzes/")
    assert not has_horizontal_scroll(page)
    page.click("#my-exams form[action$='/start'] button")
    page.wait_for_selector("#attempt-form")
    page.screenshot(path=str(tmp_path / "exam-question.png"), full_page=True)
    assert page.locator(".timer .timer-value").is_visible()
    total = page.locator(".navigator .navq").count()
    assert total == 40
    assert not has_horizontal_scroll(page)

    answers = {}
    for number in range(1, total + 1):
        assert page.locator(f".navigator .navq[data-position='{number}'].current").count() == 1
        answers[number] = _answer(page)
        _wait_saved(page)  # the autosave stored it before we move on
        assert page.locator(f".navigator .navq[data-position='{number}']").get_attribute("class").count("answered")
        if number == 20:  # mid-way: reload, everything is still there
            page.reload()
            page.wait_for_selector("#attempt-form")
            question = page.locator("fieldset.question").first
            if "radio" in answers[20]:
                assert question.locator(f"input[type=radio][value='{answers[20]['radio']}']").is_checked()
            assert page.locator(".navigator .navq.answered").count() == 20
            page.click(".navigator .navq[data-position='5']")
            page.wait_for_selector(".navigator .navq[data-position='5'].current")
            filled = page.locator("fieldset.question").first
            assert (filled.locator("input:checked").count() + filled.locator("textarea").count()
                    + filled.locator("input[type=text]").count() + filled.locator("select").count()) > 0
            page.click(".navigator .navq[data-position='20']")
            page.wait_for_selector(".navigator .navq[data-position='20'].current")
        if number < total:
            page.click(f".attempt-actions button[value='{number + 1}']")
            page.wait_for_selector(f".navigator .navq[data-position='{number + 1}'].current")

    page.click(".attempt-actions button[value='summary']")
    page.wait_for_selector("form[action$='/submit']")
    assert page.locator(".flash.info").count() == 0  # nothing left unanswered
    page.screenshot(path=str(tmp_path / "exam-summary.png"), full_page=True)
    page.click("form[action$='/submit'] button[type=submit]")
    page.wait_for_selector(".result-summary")
    page.screenshot(path=str(tmp_path / "exam-result.png"), full_page=True)
    rows = page.locator(".category-results li")
    assert rows.count() == 12  # every competency category of the sales-4 blueprint
    assert page.locator(".result-summary").get_attribute("data-state") in ("graded", "needs_marking")
    assert not has_horizontal_scroll(page)
    # the answers stay secret for a certification exam
    assert page.locator("fieldset.question").count() == 0
