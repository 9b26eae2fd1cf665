"""The plan PDF: real text with the Chinese font embedded as a subset, the radar chart drawn, and the
`kamtrain pdp pdf USERNAME -o FILE.pdf` command (CONTRACT §2)."""

import shutil
import subprocess

import pytest

from kamtrain.core.db import db
from kamtrain.development import operations as ops
from tests.development.test_plans import weak_trainee

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def _plan(team_with_leader):
    team, leader = team_with_leader
    user = weak_trainee(team)
    user.full_name = "欧阳明珠"
    plan = ops.generate_plan(user, user, lang="zh")
    ops.agree(user, plan)
    ops.approve(leader, plan, "同意")
    db.session.flush()
    return user, plan


@needs_poppler
def test_cli_writes_the_plan_pdf(app, team_with_leader, tmp_path):
    user, plan = _plan(team_with_leader)
    out = tmp_path / "plan.pdf"
    result = app.test_cli_runner().invoke(args=["pdp", "pdf", user.username, "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "欧阳明珠" in text and "个人发展计划" in text
    assert plan.goals[0].text[:12] in text.replace("\n", "")  # the Chinese goal text, as written
    assert "顾问式销售" in text and "已批准" in text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "KamtrainCJK" in line or "WenQuanYi" in line]
    assert cjk, fonts
    # emb yes, sub yes (the columns of pdffonts: name type encoding emb sub uni object ID)
    assert all(line.split()[-5:-3] == ["yes", "yes"] for line in cjk), fonts


@needs_poppler
def test_radar_is_in_the_pdf(app, team_with_leader, tmp_path):
    from flask_babel import force_locale

    from kamtrain.development.pdf import plan_pdf

    _user, plan = _plan(team_with_leader)
    with app.app_context(), force_locale("en"):
        data = plan_pdf(plan, lang="en")
    path = tmp_path / "en.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Personal development plan" in text and "Consultative" in text
    # the radar's axis labels and legend are text in the drawing
    assert "Proficiency now" in text and "Target:" in text


def test_cli_unknown_user_and_no_plan(app, tmp_path):
    from tests.competency.helpers import trainee

    runner = app.test_cli_runner()
    result = runner.invoke(args=["pdp", "pdf", "nobody-here", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1 and not (tmp_path / "x.pdf").exists()
    planless = trainee()
    result = runner.invoke(args=["pdp", "pdf", planless.username, "-o", str(tmp_path / "y.pdf")])
    assert result.exit_code == 1


def test_cli_lists_plans_due_for_review(app, team_with_leader):
    user, plan = _plan(team_with_leader)
    runner = app.test_cli_runner()
    assert user.username not in runner.invoke(args=["pdp", "due"]).output
    result = runner.invoke(args=["pdp", "due", "--days", "120"])
    assert result.exit_code == 0 and user.username in result.output


@needs_poppler
def test_a_plan_towards_the_next_level_shows_that_levels_targets(app, client, login_as, tmp_path):
    """Level 4's targets met, the plan works towards level 3: the PDF and the plan page measure
    against level 3 (its legend and its target values), not the level 4 the trainee was set."""
    from flask_babel import force_locale

    from kamtrain.development.pdf import plan_pdf
    from tests.competency.helpers import add_evidence, trainee

    user = trainee(level=4)
    for code in ("information", "consultative_selling", "communication", "customer_service"):
        for _ in range(5):
            add_evidence(user, code, 0.4, days=2)
    plan = ops.generate_plan(user, user)
    db.session.flush()
    assert plan.level == 3
    with app.app_context(), force_locale("en"):
        path = tmp_path / "next.pdf"
        path.write_bytes(plan_pdf(plan, lang="en"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Target: Level 3" in text and "Target: Level 4" not in text
    login_as(user)
    page = client.get(f"/plan/{plan.id}").get_data(as_text=True)
    assert "目标：三级" in page and "目标：四级" not in page  # the radar's legend
