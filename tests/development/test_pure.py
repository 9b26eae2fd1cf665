"""Plan generation and plan progress as pure functions, on cases worked out by hand."""

from datetime import date, timedelta

import pytest

from kamtrain.development import generate as gen
from kamtrain.development.progress import gap_closed, goal_progress, plan_progress, share

TODAY = date(2026, 11, 24)


def gap(cid, code, value, target, reliable=True):
    return gen.GapInput(cid, code, (f"类别{cid}", f"Category {cid}"), value, reliable, target)


GAPS = [gap(1, "information", 2.4, 2), gap(2, "consultative_selling", 1.6, 3), gap(3, "it_knowledge", None, 2),
        gap(4, "communication", 2.1, 3, reliable=False), gap(5, "customer_service", 2.6, 3)]


def test_largest_gaps_first():
    chosen = gen.choose_gaps(GAPS)
    # shortfalls: consultative 1.4, it (no evidence → 1.0) 1.0, communication 0.9, service 0.4; information meets
    assert [g.code for g in chosen] == ["consultative_selling", "it_knowledge", "communication"]
    assert gen.choose_gaps([gap(1, "information", 3.2, 3)]) == []


def test_reliable_before_provisional_at_equal_shortfall():
    chosen = gen.choose_gaps([gap(1, "a", 2.0, 3, reliable=False), gap(2, "b", 2.0, 3), gap(3, "c", None, 2)])
    assert [g.code for g in chosen] == ["b", "a", "c"]


MODULES = [
    gen.ModuleOption(10, "m-primary-l3", (2, 4), ("sales",), (3,), 40),
    gen.ModuleOption(11, "m-secondary", (4, 2), ("sales",), (3,), 20),
    gen.ModuleOption(12, "m-primary-l4", (2,), ("sales", "marketing"), (4,), 30),
    gen.ModuleOption(13, "m-done", (2,), ("sales",), (3,), 10, completed=True),
    gen.ModuleOption(14, "m-marketing", (2,), ("marketing",), (3,), 10),
]
SCENARIOS = [gen.ScenarioOption("s-passed", ("consultative_selling",), ("sales",), (3,), passed=True),
             gen.ScenarioOption("s-open", ("communication", "consultative_selling"), ("sales",), (3,)),
             gen.ScenarioOption("s-other", ("it_knowledge",), ("sales",), (4,))]
INDICATORS = [gen.IndicatorOption(2, 2, ("二级行为一", "step 2 one")), gen.IndicatorOption(2, 2, ("二级行为二", "two")),
              gen.IndicatorOption(2, 2, ("二级行为三", "three")), gen.IndicatorOption(2, 3, ("三级行为", "step 3"))]


def test_modules_primary_category_and_level_first():
    picked = gen.pick_modules(GAPS[1], MODULES, "sales", 3, taken=set())
    # primary category at the level (10), then primary at another level (12); not completed (13),
    # not another track (14); the secondary-category module comes after the primary ones
    assert [m.id for m in picked] == [10, 12]


def test_scenario_not_passed_first():
    assert gen.pick_scenario(GAPS[1], SCENARIOS, "sales", 3, taken=set()).id == "s-open"
    assert gen.pick_scenario(GAPS[1], SCENARIOS, "sales", 3, taken={"s-open"}).id == "s-passed"


def test_next_step_to_practise():
    # the step above the one fully reached (the whole part of the shown figure), at most the target
    assert gen.next_step(gap(1, "a", 1.6, 3)) == 2
    assert gen.next_step(gap(1, "a", 2.0, 3)) == 3
    assert gen.next_step(gap(1, "a", 2.96, 3)) == 3  # shown 3.0, capped at the target
    assert gen.next_step(gap(1, "a", 1.2, 2)) == 2
    assert gen.next_step(gap(1, "a", None, 3)) == 2


def test_generate_goals_items_and_dates():
    goals = gen.generate(GAPS, MODULES, SCENARIOS, INDICATORS, "sales", 3, TODAY, lang="zh")
    assert [g.code for g in goals] == ["consultative_selling", "it_knowledge", "communication"]
    first = goals[0]
    assert first.baseline == 1.6 and first.target == 3
    assert first.text == "在2027-02-09前把“类别2”从1.6提升到目标3级（熟练）。"
    assert first.due_on == TODAY + timedelta(days=gen.PERIOD_DAYS - 14)
    kinds = [i.kind for i in first.items]
    assert kinds == ["module", "module", "quiz", "scenario", "action", "action"]
    assert [i.module_id for i in first.items[:2]] == [10, 12]
    assert [i.due_on for i in first.items[:2]] == [TODAY + timedelta(days=14), TODAY + timedelta(days=28)]
    assert first.items[2].category_code == "consultative_selling"
    assert first.items[3].scenario_id == "s-open"
    # 1.6 works towards step 2: the first two step-2 indicators become on-the-job actions, due with the goal
    assert [i.text for i in first.items[4:]] == ["在客户工作中做到：二级行为一（请班组长在拜访中观察并记录）",
                                                 "在客户工作中做到：二级行为二（请班组长在拜访中观察并记录）"]
    assert first.items[4].due_on == first.due_on
    # module 11's primary category is communication; the first goal's scenario is not offered again
    third = goals[2]
    assert [i.module_id for i in third.items if i.kind == "module"] == [11]
    assert all(i.scenario_id != "s-open" for i in third.items)
    # the last goal is due at the end of the period, the items of later goals a week later each
    assert third.due_on == TODAY + timedelta(days=gen.PERIOD_DAYS)
    assert goals[1].items[0].due_on == TODAY + timedelta(days=42 + 7)  # no module for it_knowledge: the quiz


def test_goal_text_in_english_and_without_evidence():
    text = gen.goal_text(gap(3, "it_knowledge", None, 2), date(2027, 2, 1), "en")
    assert text == "By 2027-02-01, build up evidence in Category 3 and reach the target step 2 (Competent)."


def test_shares_of_progress():
    assert share(2, 5) == 0.4 and share(0, 0) is None
    # from 1.6 to 3, now 2.3: (2.3 − 1.6) / 1.4 = 0.5
    assert gap_closed(1.6, 2.3, 3) == pytest.approx(0.5)
    assert gap_closed(None, 2.0, 3) == pytest.approx(0.5)  # no evidence when planned counts as 1.0
    assert gap_closed(2.0, 1.5, 3) == 0.0  # fell back: nothing closed
    assert gap_closed(2.0, 3.2, 3) == 1.0
    assert gap_closed(2.0, None, 3) == 0.0
    assert gap_closed(3.5, 3.0, 3) == 1.0  # the target was already met
    # goal: 2 of 4 activities (0.5) and half the gap (0.5) → 0.5; 3 of 4 and no change → 0.375
    assert goal_progress(2, 4, 1.6, 2.3, 3) == pytest.approx(0.5)
    assert goal_progress(3, 4, 2.0, 2.0, 3) == pytest.approx(0.375)
    assert goal_progress(0, 0, 2.0, 2.5, 3) == pytest.approx(0.5)  # no activities: the gap alone
    # plan: goals 0.5 and 0.375, and assigned work outside goals 1 of 2 → mean of 0.5, 0.375, 0.5 = 45.8 → 46
    assert plan_progress([0.5, 0.375], 1, 2) == 46
    assert plan_progress([]) == 0
