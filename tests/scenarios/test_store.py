"""Scenarios stored by content sync: the definition as JSON, versions, retirement."""

import pytest

from kamtrain.content.sync import sync_content
from kamtrain.core.db import db
from kamtrain.scenarios import engine, runs, store
from kamtrain.scenarios.models import ScenarioRecord, ScenarioVersion
from tests.factories import create_user
from tests.scenarios.conftest import EXAMPLE, edit, load, play_steps, stored
from tests.scenarios.test_scenarios import EXPECTED


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_the_json_definition_plays_like_the_file(code):
    parsed = load(code)
    data = store.to_definition(parsed)
    again = store.from_definition(data, parsed.content_hash)
    assert store.to_definition(again) == data
    for extreme in (engine.best_path, engine.worst_path, engine.longest_path):
        a, b = extreme(parsed), extreme(again)
        assert (a.path, a.node, a.scores, a.variables, a.trail) == (b.path, b.node, b.scores, b.variables, b.trail)


def test_sync_stores_every_scenario_with_its_hash():
    records = db.session.scalars(db.select(ScenarioRecord)).all()
    assert {r.id for r in records} == set(EXPECTED)
    for r in records:
        assert not r.retired and r.version >= 1
        assert r.content_hash == load(r.id).content_hash
        assert store.current_version(r).content_hash == r.content_hash
    record = stored()
    assert record.title_zh.startswith("农商行") and record.tracks == ["sales"] and record.levels == [2, 1]


def test_a_changed_file_is_a_new_version_and_runs_keep_theirs(content_copy):
    user = create_user()
    run = runs.start_run(user, stored())
    first_version = run.version_id
    scenario = store.scenario_of(run.version)
    path = engine.best_path(scenario).path
    play_steps(run, path[:3])

    path_file = content_copy / "content" / "scenarios" / f"{EXAMPLE}.yaml"
    edit(path_file, "你先做什么？", "你最先做什么？")
    result = sync_content(content_copy)
    assert result.ok, result.problems
    assert result.counts["scenarios_changed"] == 1 and result.counts["scenario_versions_added"] == 1
    record = stored()
    assert record.version == 2
    assert db.session.scalar(db.select(db.func.count()).select_from(ScenarioVersion).filter_by(
        scenario_id=EXAMPLE)) == 2

    # the running run goes on, and finishes, on the version it started on
    db.session.refresh(run)
    assert run.version_id == first_version
    play_steps_from(run, path, 3)
    assert run.finished and run.quality == "good"
    # a new run starts on the new version
    assert runs.start_run(user, record).version.number == 2

    # syncing the same files again adds nothing
    result = sync_content(content_copy)
    assert result.counts["scenarios_changed"] == 0 and result.counts["scenario_versions_added"] == 0


def play_steps_from(run, path, start):
    for i, step in enumerate(path[start:], start=start):
        if step.choice == engine.TEXT:
            runs.play(run, i, step.node, text="要点")
        else:
            runs.play(run, i, step.node, response=step.choice)


def test_a_removed_file_retires_the_scenario(content_copy):
    (content_copy / "content" / "scenarios" / "leader-coaching-manager.yaml").unlink()
    for syllabus in (content_copy / "content" / "syllabi").glob("*.yaml"):
        text = syllabus.read_text(encoding="utf-8")
        syllabus.write_text(text.replace("  - leader-coaching-manager\n", ""), encoding="utf-8")
    result = sync_content(content_copy)
    assert result.ok, result.problems
    record = stored("leader-coaching-manager")
    assert record.retired
    with pytest.raises(runs.RunError, match="retired"):
        runs.start_run(create_user(), record)
    assert "leader-coaching-manager" not in {r.id for r in runs.active_scenarios()}
