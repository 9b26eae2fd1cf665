"""Curriculum in the browser. A trainee on a phone reads a module (reading time is reported while
the page is visible), answers the self-check in place, marks the module complete and sees the
syllabus progress move; a trainer edits a module with a preview, sees the new version and its
diff, and reverts the edit; leaders and HR open the progress views from their dashboards."""

import re

import pytest

from tests.browser.conftest import has_horizontal_scroll, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.no_db]


def syllabus_done(page, base):
    page.goto(f"{base}/syllabus")
    return int(page.locator("progress.progress").get_attribute("data-done"))


def test_trainee_reads_answers_and_completes_a_module_on_a_phone(live_server, phone):
    phone.clock.install()
    sign_in(phone, live_server, "trainee09")  # sales, working towards level 3; no demo progress
    before = syllabus_done(phone, live_server)
    assert not has_horizontal_scroll(phone)
    item = phone.locator("ol.syllabus-modules li").filter(has_not=phone.locator(".pill.ok")).first
    item.locator("a").click()
    phone.wait_for_load_state()
    module_url = phone.url
    assert phone.locator("article.prose h2").count() >= 4
    assert not has_horizontal_scroll(phone)

    # reading time: a heartbeat after 30 s while the page is visible. (Reading a response body
    # hangs while Playwright's fake clock is installed, so the page's own mark is checked.)
    beats = []
    phone.on("response", lambda r: beats.append(r) if r.url.endswith("/time") else None)
    phone.clock.run_for(31_000)
    for _ in range(50):
        if beats:
            break
        phone.wait_for_timeout(100)
    assert len(beats) == 1 and beats[0].ok and beats[0].request.method == "POST"
    assert beats[0].request.post_data_json == {"seconds": 30}
    assert phone.get_attribute("[data-time-url]", "data-reported") == "30"

    # the self-check answers in place: no page load, feedback under every question
    phone.locator("#self-check").scroll_into_view_if_needed()
    for i in range(3):
        phone.locator(f"input[name=q{i}]").first.check()
    phone.click("#self-check button[type=submit]")
    result = phone.locator("#self-check-result")
    result.wait_for(state="visible")
    assert re.fullmatch(r"3 题中答对 [0-3] 题。", result.inner_text())
    assert phone.locator("fieldset.question .feedback").count() == 3
    assert phone.locator("label.option.right").count() == 3
    assert phone.url == module_url  # answered in place: the form was not posted
    assert phone.locator("form[data-instant]").get_attribute("data-right") is not None
    assert not has_horizontal_scroll(phone)

    phone.click("button:has-text('标记为已完成')")
    phone.wait_for_load_state()
    assert phone.locator("p.small .pill.ok").first.is_visible()
    assert syllabus_done(phone, live_server) == before + 1


def test_self_check_works_without_javascript(live_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    try:
        sign_in(page, live_server, "trainee10")
        page.goto(f"{live_server}/modules/communication-foundations")
        page.locator("input[name=q0]").first.check()
        page.click("#self-check button[type=submit]")
        page.wait_for_load_state()
        assert "/self-check" in page.url
        assert re.fullmatch(r"3 题中答对 [0-3] 题。", page.locator("#self-check-result").inner_text())
        assert page.locator("fieldset.question .feedback").count() == 3
    finally:
        context.close()


def test_trainer_edits_a_module_and_reverts_the_edit(live_server, phone):
    code = "strategic-cooperation"
    sign_in(phone, live_server, "trainer")
    phone.goto(f"{live_server}/modules/{code}")
    old_title = phone.locator("h1").inner_text()
    phone.click("a[data-edit]")
    phone.wait_for_load_state()
    assert not has_horizontal_scroll(phone)
    added = "补充：合作协议每年复盘一次，由双方联系人共同签字确认。"
    body = phone.input_value("#body")
    phone.fill("#title_zh", old_title + "（修订）")
    phone.fill("#body", body.replace("## 常见误区", f"{added}\n\n[危险链接](javascript:alert(1))\n\n## 常见误区", 1))
    phone.fill("#note", "补充年度复盘要求")

    phone.click("button[value=preview]")
    phone.wait_for_load_state()
    preview = phone.locator("[data-preview]")
    assert added in preview.inner_text()
    assert preview.locator("a[href^='javascript']").count() == 0
    phone.click("button[value=save]")
    phone.wait_for_load_state()
    assert phone.url.endswith(f"/modules/{code}/versions")
    newest = phone.locator("li.version").first
    assert newest.get_attribute("data-source") == "web"
    assert "补充年度复盘要求" in newest.inner_text() and "唐立新" in newest.inner_text()
    number = int(newest.get_attribute("data-version"))
    assert not has_horizontal_scroll(phone)

    newest.locator("a").first.click()
    phone.wait_for_load_state()
    assert added in phone.locator("table.diff tr.add").first.inner_text() or \
        added in " ".join(phone.locator("table.diff tr.add").all_inner_texts())
    assert not has_horizontal_scroll(phone)
    phone.goto(f"{live_server}/modules/{code}")
    assert phone.locator("h1").inner_text() == old_title + "（修订）"

    phone.goto(f"{live_server}/modules/{code}/versions/{number - 1}")
    phone.click("[data-revert]")
    phone.wait_for_load_state()
    assert phone.locator(f"li.version[data-version='{number + 1}']").is_visible()
    assert f"已恢复到版本 {number - 1}" in phone.locator("li.version").first.inner_text()
    phone.goto(f"{live_server}/modules/{code}")
    assert phone.locator("h1").inner_text() == old_title
    assert added not in phone.locator("article.prose").inner_text()


@pytest.mark.parametrize("username, link, heading", [
    ("leader1", "team-progress", "班组学习进度"),
    ("hr", "org-progress", "各单位学习完成情况"),
])
def test_progress_views_open_from_the_dashboards(live_server, phone, username, link, heading):
    sign_in(phone, live_server, username)
    phone.click(f"a[data-link={link}]")
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() == heading
    assert not has_horizontal_scroll(phone)
    if username == "leader1":
        done = [int(x) for x in phone.locator("tr[data-member] td:nth-child(3)").all_inner_texts()]
        assert len(done) == 10 and sum(1 for n in done if n > 0) >= 5  # demo activity
    phone.click("button:has-text('English')")
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() in ("Team learning progress", "Completion by org unit")
    assert not has_horizontal_scroll(phone)
    phone.click("button:has-text('简体中文')")
    phone.wait_for_load_state()
