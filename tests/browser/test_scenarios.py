"""Scenarios in the browser. A trainee on a phone plays a scenario to its ending — choices as buttons
(one by keyboard), a written reply with its self-check hints — reloads mid-way without losing
progress, and reads the debrief; a trainer marks the written reply against its rubric, and the
trainee's debrief shows the mark. The same run also works with JavaScript turned off."""

import re

import pytest

from kamtrain.scenarios import engine
from tests.browser.conftest import PHONE, has_horizontal_scroll, sign_in
from tests.scenarios.conftest import load

pytestmark = [pytest.mark.browser, pytest.mark.no_db]

CODE = "bank-price-sla-negotiation"  # has a free-text node ("minutes")
REPLY = "一、三年合同，年费降8%；二、降价以灾备扩容为前提；三、周五前发合同文本和服务等级附件。"


def play_step(page, step, keyboard=False):
    """One step of the path on the run page; waits until the page shows the next point."""
    before = page.locator(".chat > *").count()
    if step.choice == engine.TEXT:
        page.fill("#now textarea", REPLY)
        page.click("#now button[type=submit]")
    else:
        button = page.locator(f"#now button.choice[value='{step.choice}']")
        if keyboard:
            button.focus()
            page.keyboard.press("Enter")
        else:
            button.click()
    page.locator(".chat > *").nth(before).wait_for()  # the new lines are in


def test_trainee_plays_reloads_and_reads_the_debrief_then_a_trainer_marks_the_reply(live_server, phone, browser):
    path = engine.best_path(load(CODE)).path
    sign_in(phone, live_server, "trainee07")  # sales, level 4: no demo runs
    phone.goto(f"{live_server}/scenarios/{CODE}")
    assert phone.locator(".cast-list li").count() == 3
    phone.click("main form[action$='/start'] button[type=submit]")
    phone.wait_for_url(re.compile(r".*/scenarios/runs/\d+$"))
    run_url = phone.url
    assert phone.locator(".chat-note").first.is_visible()
    assert phone.locator("#now button.choice").count() == 3
    assert not has_horizontal_scroll(phone)

    for i, step in enumerate(path[:4]):
        play_step(phone, step, keyboard=i == 1)
    assert phone.url == run_url  # posted in place by scenario.js
    focused = phone.evaluate("document.activeElement && document.activeElement.className")
    assert "choice" in focused  # the keyboard lands on the next decision
    said = phone.locator(".msg.me .bubble").all_inner_texts()
    assert len(said) == 4

    # reload mid-way: nothing is lost
    phone.reload()
    assert phone.locator(".msg.me .bubble").all_inner_texts() == said
    assert phone.locator("#now input[name=node]").get_attribute("value") == path[4].node
    assert phone.locator("#now input[name=position]").get_attribute("value") == "4"

    for step in path[4:]:
        play_step(phone, step)
        if step.choice == engine.TEXT:
            assert phone.locator(".hints li").count() == 3  # self-check hints after sending
    assert phone.locator(".ending-card.good").is_visible()
    assert not has_horizontal_scroll(phone)

    phone.click("#now a[href$='/debrief']")
    phone.wait_for_url(re.compile(r".*/debrief$"))
    assert "100%" in phone.locator(".ending-card .stat").inner_text()
    assert phone.locator(".category-scores li").count() == 4
    assert phone.locator("ol.path li").count() == len([s for s in path if s.choice != engine.TEXT])
    assert REPLY in phone.locator(".bubble.reply").inner_text()
    assert not has_horizontal_scroll(phone)
    debrief_url = phone.url

    # a trainer marks the reply (on a phone too)
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    trainer = context.new_page()
    sign_in(trainer, live_server, "trainer")
    trainer.goto(f"{live_server}/scenarios/review")
    item = trainer.locator(".reply-item").filter(has_text="赵志远").filter(has_text="农商行")
    item.locator("a.button").click()
    trainer.wait_for_url(re.compile(r".*/scenarios/review/\d+$"))
    assert REPLY in trainer.locator(".bubble.reply").inner_text()
    assert trainer.locator(".rubric-marks li").count() == 4
    for i, points in enumerate((3, 2, 2, 1)):
        trainer.fill(f"#c{i}", str(points))
    trainer.fill("#comment", "条款、条件、下一步都写到了。")
    trainer.click("form.mark-form button[type=submit]")
    trainer.wait_for_url(f"{live_server}/scenarios/review")
    assert trainer.locator(".flash.success").is_visible()
    context.close()

    phone.goto(debrief_url)
    assert "8" in phone.locator("section[aria-labelledby=replies-h] strong").first.inner_text()
    assert "条款、条件、下一步都写到了。" in phone.content()


def test_a_run_without_javascript_is_plain_form_posts(live_server, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server, "trainee17")
    page.goto(f"{live_server}/scenarios/difficult-interviewees")
    page.click("main form[action$='/start'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/scenarios/runs/\d+$"))
    path = engine.worst_path(load("difficult-interviewees")).path
    for i, step in enumerate(path):
        with page.expect_navigation():
            page.click(f"#now button.choice[value='{step.choice}']")
        assert page.url.endswith("#now")
        assert page.locator(".msg.me").count() == i + 1
    assert page.locator(".ending-card.poor").is_visible()
    with page.expect_navigation():
        page.click("#now a[href$='/debrief']")
    assert page.locator("article.weak").count() >= 5  # the expert's response at each weak decision
    context.close()

