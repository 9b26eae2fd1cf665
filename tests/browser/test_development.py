"""Gap report to development plan in the browser. A team leader opens the team heatmap, sees the
team's weakest categories and assigns a scenario for one of them to the whole team; a trainee of
that team finds it in their development plan on a phone, plays it to the end, and the plan's
progress and the radar chart of the gap report move."""

import re

import pytest

from kamtrain.scenarios import engine
from tests.browser.conftest import has_horizontal_scroll, sign_in
from tests.scenarios.conftest import load

pytestmark = [pytest.mark.browser, pytest.mark.no_db]

TRAINEE = "trainee09"  # leader1's team; no plan in the demo data


def radar_points(page, base):
    page.goto(f"{base}/gaps/")
    return page.locator("svg.radar .radar-profile").get_attribute("points")


def plan_progress(page, base):
    page.goto(f"{base}/plan/")
    return int(page.locator("[data-section=summary] [data-plan-progress]").get_attribute("data-plan-progress"))


def test_leader_assigns_a_scenario_and_the_trainee_plays_it(live_server, desktop, phone):
    base = live_server
    # the trainee's radar before
    sign_in(phone, base, TRAINEE)
    radar_before = radar_points(phone, base)
    assert radar_before

    # the leader: heatmap, weakest categories, assign a scenario to the team
    sign_in(desktop, base, "leader1")
    desktop.goto(f"{base}/gaps/team")
    heatmap = desktop.locator("[data-section=heatmap] table.heatmap")
    assert heatmap.locator("tbody tr[data-member]").count() == 10
    assert heatmap.locator(f"tr[data-member={TRAINEE}] td.heat").count() == 12
    weak = desktop.locator("[data-section=weakest] [data-weak]")
    assert 1 <= weak.count() <= 3
    chosen = None
    for i in range(weak.count()):
        card = weak.nth(i)
        options = card.locator("select[name=what] option[value^='scenario:']")
        if options.count():
            chosen = card, options.first.get_attribute("value")
            break
    assert chosen is not None, "no weak category with a scenario to assign"
    card, value = chosen
    code = value.split(":", 1)[1]
    if card.locator("details.assign-form").get_attribute("open") is None:
        card.locator("details.assign-form summary").click()
    card.locator("select[name=what]").select_option(value)
    card.locator("select[name=to]").select_option("team")
    card.locator("input[name=note]").fill("本周内完成这个情景演练")
    card.locator("button[data-action=assign]").click()
    desktop.wait_for_load_state()
    assert desktop.locator(".flash.success").is_visible()

    # the trainee: the scenario is in the plan, not done yet
    phone.goto(f"{base}/plan/")
    item = phone.locator(f"li.plan-item[data-scenario='{code}']")
    assert item.count() == 1 and item.get_attribute("data-done") == "no"
    assert "本周内完成这个情景演练" in item.inner_text()
    assert not has_horizontal_scroll(phone)
    progress_before = plan_progress(phone, base)

    # play it from the plan to its ending (the best path)
    phone.goto(f"{base}/plan/")
    phone.locator(f"li.plan-item[data-scenario='{code}'] .item-title a").click()
    phone.wait_for_url(re.compile(rf".*/scenarios/{code}$"))
    phone.click("main form[action$='/start'] button[type=submit]")
    phone.wait_for_url(re.compile(r".*/scenarios/runs/\d+$"))
    for step in engine.best_path(load(code)).path:
        before = phone.locator(".chat > *").count()
        if step.choice == engine.TEXT:
            phone.fill("#now textarea", "先确认客户关心的问题，再给出方案和下一步安排。")
            phone.click("#now button[type=submit]")
        else:
            phone.click(f"#now button.choice[value='{step.choice}']")
        phone.locator(".chat > *").nth(before).wait_for()
    assert phone.locator(".ending-card").is_visible()

    # the plan's progress and the radar moved
    phone.goto(f"{base}/plan/")
    item = phone.locator(f"li.plan-item[data-scenario='{code}']")
    assert item.get_attribute("data-done") == "yes"
    assert plan_progress(phone, base) > progress_before
    assert radar_points(phone, base) != radar_before
    assert not has_horizontal_scroll(phone)

    # and the leader's heatmap shows the trainee's plan with its progress
    desktop.goto(f"{base}/gaps/team")
    assert desktop.locator(f"tr[data-member={TRAINEE}] a[href*='/plan/']").count() == 1
