"""The scenario validator: broken copies of a real scenario file, each problem reported as
``file:line: message``."""

from kamtrain.content.sync import sync_content
from tests.scenarios.conftest import EXAMPLE, all_problems, edit, line_of, scenario_problems

FILE = f"content/scenarios/{EXAMPLE}.yaml"


def test_the_example_is_valid(content_copy):
    assert scenario_problems(content_copy) == []


def _response_line(path, needle):
    """The '- id: …' line of the response whose block contains ``needle``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    n = line_of(path, needle) - 1
    while "- id:" not in lines[n]:
        n -= 1
    return n + 1


def test_missing_field(example):
    edit(example, "minutes: 25\n", "")
    assert f"{FILE}:2: minutes: missing" in scenario_problems(example.parents[2])


def test_unknown_field(example):
    line = line_of(example, "mood: 热心")
    edit(example, "mood: 热心", "moood: 热心")
    problems = scenario_problems(example.parents[2])
    assert f"{FILE}:{line}: cast.people.zhou.moood: unknown field" in problems
    assert any(p.endswith("cast.people.zhou.mood: missing") for p in problems)


def test_unknown_node_in_next(example):
    line = line_of(example, "next: open_ok")
    edit(example, "next: open_ok", "next: open_okay")
    problems = scenario_problems(example.parents[2])
    assert f"{FILE}:{line}: nodes.d_open.responses[0]: next: no node 'open_okay'" in problems


def test_unknown_start(example):
    line = line_of(example, "start: brief")
    edit(example, "start: brief", "start: briefing")
    assert f"{FILE}:{line}: start: no node 'briefing'" in scenario_problems(example.parents[2])


def test_unreachable_node(example):
    text = example.read_text(encoding="utf-8")
    example.write_text(text + "  orphan:\n    note: 没有任何节点通向这里。\n    next: lost\n", encoding="utf-8")
    line = line_of(example, "  orphan:")
    assert f"{FILE}:{line}: nodes.orphan: unreachable from the start (brief)" in scenario_problems(example.parents[2])


def test_dead_end(example):
    line = line_of(example, "  outage_ok:")
    edit(example, "至少你们认账。}\n    next: d_probe\n", "至少你们认账。}\n")
    problems = scenario_problems(example.parents[2])
    assert (f"{FILE}:{line}: nodes.outage_ok: dead end: only an ending may stop the play (give next or next_if)"
            in problems)


def test_response_without_next_is_a_dead_end(example):
    line = _response_line(example, "next: open_ok")
    edit(example, "        next: open_ok\n", "")
    problems = scenario_problems(example.parents[2])
    assert f"{FILE}:{line}: nodes.d_open.responses[0]: dead end: a response needs next or next_if" in problems


def test_loop_with_no_way_out(example):
    text = example.read_text(encoding="utf-8")
    text += ("  loop_a:\n    note: 双方各执一词。\n    next: loop_b\n"
             "  loop_b:\n    say:\n      - {speaker: zhao, text: 还是那句话。}\n    next: loop_a\n")
    example.write_text(text, encoding="utf-8")
    edit(example, "        next: escalated\n", "        next: loop_a\n")
    line = line_of(example, "  loop_a:")
    problems = scenario_problems(example.parents[2])
    assert (f"{FILE}:{line}: nodes.loop_a: loop with no way out: loop_a → loop_b → loop_a never reaches an ending"
            in problems)


def test_loop_closed_by_a_condition(example):
    """Statically the loop has an exit, but when trust < 3 it never opens."""
    line = line_of(example, "  cooled:")
    edit(example, "{else: escalated}", "{else: cooled}")
    problems = scenario_problems(example.parents[2])
    assert any(p.startswith(f"{FILE}:{line}: nodes.cooled: loop with no way out: when trust=") for p in problems)


def test_unknown_category_in_scores(example):
    line = line_of(example, "scores: {consultative_selling: 2, teamwork: 1}")
    edit(example, "scores: {consultative_selling: 2, teamwork: 1}", "scores: {negotiation: 2, teamwork: 1}")
    assert (f"{FILE}:{line}: nodes.prep.responses[0].scores: unknown competency category 'negotiation'"
            in scenario_problems(example.parents[2]))


def test_category_not_listed_by_the_scenario(example):
    line = line_of(example, "scores: {consultative_selling: 2, teamwork: 1}")
    edit(example, "scores: {consultative_selling: 2, teamwork: 1}", "scores: {consultative_selling: 2, sharing: 1}")
    assert (f"{FILE}:{line}: nodes.prep.responses[0].scores: 'sharing' is not among the scenario's categories"
            in scenario_problems(example.parents[2]))


def test_score_outside_the_scale(example):
    line = line_of(example, "scores: {consultative_selling: 2, teamwork: 1}")
    edit(example, "scores: {consultative_selling: 2, teamwork: 1}", "scores: {consultative_selling: 9, teamwork: 1}")
    assert (f"{FILE}:{line}: nodes.prep.responses[0].scores.consultative_selling: expected a whole number -2..3"
            in scenario_problems(example.parents[2]))


def test_missing_feedback(example):
    line = _response_line(example, "feedback: 这是“准备不足就上桌”")
    text = example.read_text(encoding="utf-8").splitlines(keepends=True)
    feedback = line_of(example, "feedback: 这是“准备不足就上桌”")
    example.write_text("".join(text[:feedback - 1] + text[feedback:]), encoding="utf-8")
    assert f"{FILE}:{line}: nodes.prep.responses[1].feedback: missing" in scenario_problems(example.parents[2])


def test_decision_with_one_response(example):
    start = line_of(example, "      - id: rebut")
    end = line_of(example, "        next: open_soft")
    text = example.read_text(encoding="utf-8").splitlines(keepends=True)
    example.write_text("".join(text[:start - 1] + text[end:]), encoding="utf-8")
    line = start - 8  # the 'responses:' line of d_open
    assert example.read_text(encoding="utf-8").splitlines()[line - 1].strip() == "responses:"
    assert (f"{FILE}:{line}: nodes.d_open.responses: a decision has 2–5 responses, found 1"
            in scenario_problems(example.parents[2]))


def test_decision_with_six_responses(example):
    lines = example.read_text(encoding="utf-8").splitlines(keepends=True)
    start = line_of(example, "      - id: wait")
    block = lines[start - 1:start + 5]
    assert block[-1].strip() == "next: open"
    extra = [b.replace("id: wait", f"id: wait{i}") for i in range(4) for b in block]
    example.write_text("".join(lines[:start - 1] + extra + lines[start - 1:]), encoding="utf-8")
    line = line_of(example, "responses:")
    assert (f"{FILE}:{line}: nodes.prep.responses: a decision has 2–5 responses, found 7"
            in scenario_problems(example.parents[2]))


def test_exactly_one_best(example):
    line = line_of(example, "decision: 离谈判还有一天") + 1
    edit(example, "        best: true\n        next: open\n", "        next: open\n")
    assert (f"{FILE}:{line}: nodes.prep.responses: mark exactly one response 'best: true' (the expert's choice),"
            " found 0" in scenario_problems(example.parents[2]))


def test_bad_condition(example):
    line = line_of(example, '"trust >= 4 and room >= 1"')
    edit(example, '"trust >= 4 and room >= 1"', '"trust >>= 4 and room >= 1"')
    assert (f"{FILE}:{line}: nodes.minutes.next_if[0].when: bad condition 'trust >>= 4 and room >= 1': expected a"
            " variable or a number, found '>='" in scenario_problems(example.parents[2]))


def test_condition_may_not_call_code(example):
    line = line_of(example, '"trust >= 4 and room >= 1"')
    edit(example, '"trust >= 4 and room >= 1"', '"__import__(\'os\').system(\'true\')"')
    problems = scenario_problems(example.parents[2])
    assert any(p.startswith(f"{FILE}:{line}: nodes.minutes.next_if[0].when: bad condition") for p in problems)


def test_unknown_state_variable(example):
    line = line_of(example, '"trust >= 4 and room >= 1"')
    edit(example, '"trust >= 4 and room >= 1"', '"trust >= 4 and budget >= 1"')
    assert (f"{FILE}:{line}: nodes.minutes.next_if: unknown state variable 'budget' in condition"
            in scenario_problems(example.parents[2]))


def test_unknown_state_variable_in_effects(example):
    line = line_of(example, "effects: {trust: 1}")
    edit(example, "effects: {trust: 1}", "effects: {trsut: 1}")
    assert (f"{FILE}:{line}: nodes.d_open.responses[0].effects: unknown state variable 'trsut'"
            in scenario_problems(example.parents[2]))


def test_next_if_needs_else(example):
    line = line_of(example, '{when: "trust >= 2", next: won_thin}')
    edit(example, '      - {else: lost}\n', '')
    problems = scenario_problems(example.parents[2])
    assert (f"{FILE}:{line}: nodes.minutes.next_if[2]: the last entry must be {{else: node}} so that there is always"
            " a way on" in problems)


def test_free_text_without_rubric(example):
    line = line_of(example, "  minutes:")
    start = line_of(example, "    rubric:")
    end = line_of(example, "    hints:")
    text = example.read_text(encoding="utf-8").splitlines(keepends=True)
    example.write_text("".join(text[:start - 1] + text[end - 1:]), encoding="utf-8")
    assert (f"{FILE}:{line}: nodes.minutes: free_text without rubric (list criteria with points)"
            in scenario_problems(example.parents[2]))


def test_unknown_speaker(example):
    line = line_of(example, "{speaker: sun, text: 价格归采购管")
    edit(example, "{speaker: sun, text: 价格归采购管", "{speaker: sunhao, text: 价格归采购管")
    assert (f"{FILE}:{line}: nodes.open.say[1].speaker: 'sunhao' is not in the cast"
            in scenario_problems(example.parents[2]))


def test_condition_that_never_holds(example):
    edit(example, '"trust >= 4 and room >= 1"', '"trust >= 9"')
    line = line_of(example, "  won_good:")
    problems = scenario_problems(example.parents[2])
    assert f"{FILE}:{line}: nodes.won_good: never reached: the conditions on the way to it never hold" in problems


def test_every_response_conditional(example):
    """A decision must always offer something: at least one response has no condition."""
    edit(example, "        best: true\n        next: open\n", "        best: true\n        condition: \"room > 0\"\n"
         "        next: open\n")
    edit(example, "      - id: wait\n", "      - id: wait\n        condition: \"room > 0\"\n")
    edit(example, "      - id: max\n", "      - id: max\n        condition: \"trust > 0\"\n")
    line = line_of(example, "responses:")
    assert (f"{FILE}:{line}: nodes.prep.responses: at least one response must have no condition"
            in scenario_problems(example.parents[2]))


def test_response_never_offered(example):
    edit(example, "      - id: wait\n", "      - id: wait\n        condition: \"room < 3\"\n")
    line = line_of(example, "      - id: wait")
    assert (f"{FILE}:{line}: nodes.prep.responses[1]: never offered: its condition never holds here"
            in scenario_problems(example.parents[2]))


def test_response_id_that_yaml_reads_as_a_boolean(example):
    line = line_of(example, "      - id: wait")
    edit(example, "      - id: wait", "      - id: no")
    assert (f"{FILE}:{line}: nodes.prep.responses[1].id: YAML reads this id as false; quote it or choose another"
            in scenario_problems(example.parents[2]))


def test_yaml_error_names_the_line(example):
    line = line_of(example, "minutes: 25")
    edit(example, "minutes: 25", "minutes: [25")
    problems = scenario_problems(example.parents[2])
    assert len(problems) == 1 and problems[0].startswith(f"{FILE}:") and int(problems[0].split(":")[1]) >= line


def test_id_must_match_the_file_name(example):
    edit(example, "id: bank-price-sla-negotiation", "id: bank-negotiation")
    assert f"{FILE}:2: id: 'bank-negotiation' must equal the file name '{EXAMPLE}'" in scenario_problems(
        example.parents[2])


def test_unknown_module(example):
    line = line_of(example, "modules: [")
    edit(example, "modules: [", "modules: [no-such-module, ")
    assert f"{FILE}:{line}: modules: no module 'no-such-module'" in scenario_problems(example.parents[2])


def test_syllabus_naming_an_unknown_scenario(content_copy):
    path = content_copy / "content" / "syllabi" / "sales-4.yaml"
    line = line_of(path, "- difficult-interviewees")
    edit(path, "- difficult-interviewees", "- difficult-interviewee")
    assert (f"content/syllabi/sales-4.yaml:{line}: required_scenarios: no scenario 'difficult-interviewee'"
            in all_problems(content_copy))


def test_syllabus_naming_a_scenario_for_other_levels(content_copy):
    path = content_copy / "content" / "scenarios" / "difficult-interviewees.yaml"
    edit(path, "levels: [4, 3]", "levels: [3]")
    syllabus = content_copy / "content" / "syllabi" / "sales-4.yaml"
    line = line_of(syllabus, "- difficult-interviewees")
    assert (f"content/syllabi/sales-4.yaml:{line}: required_scenarios: scenario 'difficult-interviewees' does not list"
            " track sales and level 4 among its tracks and levels" in all_problems(content_copy))


def test_content_sync_check_reports_scenario_problems(app, content_copy):
    path = content_copy / "content" / "scenarios" / f"{EXAMPLE}.yaml"
    line = line_of(path, "next: open_ok")
    edit(path, "next: open_ok", "next: open_okay")
    result = sync_content(content_copy, check_only=True)
    assert f"{FILE}:{line}: nodes.d_open.responses[0]: next: no node 'open_okay'" in map(str, result.problems)


def test_content_sync_refuses_invalid_scenarios(app, content_copy):
    path = content_copy / "content" / "scenarios" / f"{EXAMPLE}.yaml"
    edit(path, "next: open_ok", "next: open_okay")
    result = sync_content(content_copy)
    assert not result.ok
    assert any(str(p).startswith(FILE) for p in result.problems)


def test_cli_check_fails_on_a_broken_scenario(app, content_copy):
    runner = app.test_cli_runner()
    original = app.config["CONTENT_DIR"]
    app.config["CONTENT_DIR"] = str(content_copy)
    try:
        edit(content_copy / "content" / "scenarios" / f"{EXAMPLE}.yaml", "next: open_ok", "next: open_okay")
        result = runner.invoke(args=["content", "sync", "--check"])
        assert result.exit_code == 1
        assert f"{FILE}:" in result.output
    finally:
        app.config["CONTENT_DIR"] = original
