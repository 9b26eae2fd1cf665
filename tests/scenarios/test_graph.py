"""The scenario graph: a pure SVG drawing, and the trainers' page that shows it."""

import re
import xml.etree.ElementTree as ET

from kamtrain.accounts.roles import Role
from kamtrain.core.db import db
from kamtrain.scenarios.checks import check_scenario
from kamtrain.scenarios.files import read_scenario
from kamtrain.scenarios.graph import problems_by_node, render_svg
from tests.factories import create_user
from tests.scenarios.conftest import CATEGORIES, EXAMPLE, MODULES, edit, load

SVG = "{http://www.w3.org/2000/svg}"


def test_svg_draws_every_node_coloured_by_kind():
    scenario = load(EXAMPLE)
    svg = render_svg(scenario)
    root = ET.fromstring(svg)  # well-formed XML
    groups = [g for g in root.iter(f"{SVG}g") if "node" in g.get("class", "")]
    assert {g.get("id") for g in groups} == {f"node-{code}" for code in scenario.nodes}
    kinds = {g.get("id"): g.get("class") for g in groups}
    assert kinds["node-prep"] == "node kind-decision" and kinds["node-minutes"] == "node kind-free_text"
    rects = {g.get("id"): g.find(f"{SVG}rect").get("fill") for g in groups}
    assert rects["node-won_good"] == "#dcfce7" and rects["node-lost"] == "#fee2e2"
    edges = [p for p in root.iter(f"{SVG}path") if "edge" in p.get("class", "")]
    best = [p for p in edges if "best" in p.get("class")]
    assert len(best) == len(scenario.decisions)
    assert "style=" not in svg and "<script" not in svg  # passes the Content-Security-Policy


def test_layers_go_down_the_page():
    scenario = load(EXAMPLE)
    root = ET.fromstring(render_svg(scenario))
    y = {g.get("id")[5:]: float(g.find(f"{SVG}rect").get("y")) for g in root.iter(f"{SVG}g")
         if g.get("id", "").startswith("node-")}
    order = ["brief", "prep", "open", "d_open", "open_ok", "d_outage", "minutes", "won_good"]
    assert [y[code] for code in order] == sorted(y[code] for code in order) and len({y[c] for c in order}) == 8
    assert y["open_ok"] == y["open_bad"] == y["open_soft"]


def test_problems_are_highlighted(content_copy):
    path = content_copy / "content" / "scenarios" / f"{EXAMPLE}.yaml"
    edit(path, "next: open_ok", "next: open_okay")
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "  orphan:\n    note: 孤立<节点>&\n    next: lost\n", encoding="utf-8")
    scenario, problems = read_scenario(path, "x.yaml", CATEGORIES, MODULES)
    problems += check_scenario(scenario)
    flagged, elsewhere = problems_by_node(scenario, problems)
    assert set(flagged) == {"d_open", "open_ok", "orphan"} and elsewhere == []
    svg = render_svg(scenario, problems)
    root = ET.fromstring(svg)
    bad = {g.get("id") for g in root.iter(f"{SVG}g") if "has-problem" in g.get("class", "")}
    assert bad == {"node-d_open", "node-open_ok", "node-orphan"}
    assert "no node &#x27;open_okay&#x27;" in svg or "no node 'open_okay'" in svg
    assert "孤立&lt;节点&gt;&amp;" in svg


def test_every_real_scenario_draws():
    for code in ("logistics-churn-retention", "difficult-interviewees", "leader-coaching-manager"):
        ET.fromstring(render_svg(load(code)))


def test_graph_page_for_trainers(client, login_as):
    login_as(create_user(roles=[Role.TRAINER]))
    r = client.get(f"/scenarios/{EXAMPLE}/graph")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "<svg" in html and "node-d_open" in html and "农商行专线续约" in html
    assert 'href="/scenarios/gov-it-needs-discovery/graph"' in html


def test_graph_page_shows_problems(app, client, login_as, content_copy):
    edit(content_copy / "content" / "scenarios" / f"{EXAMPLE}.yaml", "next: open_ok", "next: open_okay")
    login_as(create_user(roles=[Role.ADMIN]))
    original = app.config["CONTENT_DIR"]
    app.config["CONTENT_DIR"] = str(content_copy)
    try:
        html = client.get(f"/scenarios/{EXAMPLE}/graph").get_data(as_text=True)
    finally:
        app.config["CONTENT_DIR"] = original
    assert "next: no node" in html and "has-problem" in html


def test_graph_page_unknown_or_odd_code_is_404(client, login_as):
    login_as(create_user(roles=[Role.TRAINER]))
    assert client.get("/scenarios/no-such-scenario/graph").status_code == 404
    assert client.get("/scenarios/..%2Fsyllabi%2Fsales-4/graph").status_code == 404
    assert client.get("/scenarios/Bank/graph").status_code == 404


def test_graph_page_refuses_trainees(client, login_as):
    login_as(create_user(roles=[Role.TRAINEE]))
    assert client.get(f"/scenarios/{EXAMPLE}/graph").status_code == 403


def _graph_page(app, client, code, content_dir):
    original = app.config["CONTENT_DIR"]
    app.config["CONTENT_DIR"] = str(content_dir)
    try:
        response = client.get(f"/scenarios/{code}/graph")
    finally:
        app.config["CONTENT_DIR"] = original
    return response


def _part(html, source):
    found = re.search(rf'data-source="{source}".*?(?=data-source=|<nav )', html, re.S)
    return found.group(0) if found else None


def test_graph_page_draws_the_stored_version_without_a_content_dir(app, client, login_as, tmp_path):
    login_as(create_user(roles=[Role.TRAINER]))
    response = _graph_page(app, client, EXAMPLE, tmp_path)  # an empty directory: no content/ at all
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    stored = _part(html, "stored")
    assert stored and "<svg" in stored and "node-d_open" in stored and "农商行专线续约" in html
    assert _part(html, "file") is None and "has-problem" not in html
    assert 'data-problems="stored"' in html and "flash success" in html
    assert 'href="/scenarios/gov-it-needs-discovery/graph"' in html  # other scenarios come from the database


def test_graph_page_shows_problems_of_the_stored_version(app, client, login_as, tmp_path):
    from kamtrain.scenarios import store
    from kamtrain.scenarios.models import ScenarioRecord, ScenarioVersion

    definition = store.current_version(db.session.get(ScenarioRecord, EXAMPLE)).definition
    broken = {**definition, "code": "graph-stored-broken",
              "nodes": [*definition["nodes"], {"code": "orphan", "kind": "note", "text": "孤立", "branches": [
                  {"target": "lost", "when": None}]}]}
    db.session.add(ScenarioRecord(id="graph-stored-broken", title_zh="坏", title_en="Broken", tracks=["sales"],
                                  levels=[3], categories=["communication"], content_hash="x" * 64, version=1))
    db.session.add(ScenarioVersion(scenario_id="graph-stored-broken", number=1, content_hash="x" * 64,
                                   definition=broken))
    db.session.flush()
    login_as(create_user(roles=[Role.TRAINER]))
    html = _graph_page(app, client, "graph-stored-broken", tmp_path).get_data(as_text=True)
    stored = _part(html, "stored")
    assert "nodes.orphan: unreachable from the start" in stored
    assert '<g class="node kind-note has-problem" id="node-orphan">' in stored


def test_graph_page_shows_a_changed_file_next_to_the_stored_version(app, client, login_as, content_copy):
    edit(content_copy / "content" / "scenarios" / f"{EXAMPLE}.yaml", "next: open_ok", "next: open_okay")
    login_as(create_user(roles=[Role.TRAINER]))
    html = _graph_page(app, client, EXAMPLE, content_copy).get_data(as_text=True)
    stored, pending = _part(html, "stored"), _part(html, "file")
    assert "has-problem" not in stored and "<svg" in stored  # what trainees play is sound
    assert "next: no node" in pending and "has-problem" in pending and "<svg" in pending


def test_graph_page_draws_a_file_never_stored(app, client, login_as, content_copy):
    scenarios = content_copy / "content" / "scenarios"
    (scenarios / "graph-new-draft.yaml").write_text((scenarios / f"{EXAMPLE}.yaml").read_text(encoding="utf-8"),
                                                    encoding="utf-8")
    login_as(create_user(roles=[Role.TRAINER]))
    response = _graph_page(app, client, "graph-new-draft", content_copy)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and _part(html, "stored") is None
    assert "<svg" in _part(html, "file")
    assert _graph_page(app, client, "graph-new-draft", content_copy.parent / "nowhere").status_code == 404


def test_a_narrow_graph_is_widened_to_show_its_whole_legend():
    scenario = load(EXAMPLE)
    labels = {"poor": "ending: poor (the customer walks away)", "problem": "a problem the checks found"}
    root = ET.fromstring(render_svg(scenario, labels=labels))
    width = float(root.get("width"))
    last = [t for t in root.iter(f"{SVG}text") if t.text == labels["problem"]][0]
    assert float(last.get("x")) + 7 * len(labels["problem"]) <= width
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
