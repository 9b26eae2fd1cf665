"""`kamtrain bank import|export` exactly as CONTRACT §2 describes them."""

import json
import zipfile

from kamtrain.assessment.models import Question
from kamtrain.core.db import db

GIFT = """// a small bank
$CATEGORY: $course$/top/CLI/Sub

::Q1::客户经理的三种角色之一是？{=顾问#对。 ~推销员 ~收银员}

::Q2::漏斗式提问先问封闭式问题。{F}

::Q3::流失分几个阶段？{#4}

::Q4::把概念配对。{=经济价值 -> 消费能力 =综合价值 -> 影响和示范}

::Q5::谈谈你的客户规划。{}

::Q6::以下是关于谈判的说明。

::Q7::漏斗提问的名字是什么？{=漏斗式提问}

::Q8::哪些属于谈判原则？{~%50%互利#对 ~%50%坚持标准#对 ~%-100%一味让步#错}
"""

BROKEN = GIFT + "\n::Q9::没有结束{=甲 ~乙\n\n::Q10::数字题{#x..y}\n"


def _run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_dry_run_json_report_has_the_contract_shape(app, tmp_path):
    path = tmp_path / "x.gift"
    path.write_text(GIFT, encoding="utf-8")
    result = _run(app, "bank", "import", str(path), "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(report) >= {"files", "imported", "dry_run"} and report["dry_run"] is True and report["imported"] == 0
    f = report["files"][0]
    assert f["path"] == str(path) and f["format"] == "gift" and f["encoding"].startswith("utf-8")
    assert f["questions"] == 8
    assert f["by_type"] == {"multichoice": 2, "truefalse": 1, "shortanswer": 1, "numerical": 1, "matching": 1,
                            "essay": 1, "cloze": 0, "description": 1}
    assert f["multichoice_single"] == 1 and f["multichoice_multi"] == 1
    assert f["categories"] == ["top/CLI/Sub"]
    assert f["errors"] == [] and isinstance(f["warnings"], list)
    assert db.session.scalar(db.select(Question).filter_by(name="Q1")) is None


def test_errors_exit_1_with_lines_and_import_nothing(app, tmp_path):
    path = tmp_path / "bad.gift"
    path.write_text(BROKEN, encoding="utf-8")
    result = _run(app, "bank", "import", str(path), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["imported"] == 0 and report["dry_run"] is False
    errors = report["files"][0]["errors"]
    assert len(errors) >= 2
    for e in errors:
        assert set(e) == {"line", "column", "question", "message"} and isinstance(e["line"], int)
    lines = BROKEN.splitlines()
    assert {lines[e["line"] - 1][:6] for e in errors} >= {"::Q9::", "::Q10:"}
    assert db.session.scalar(db.select(Question).filter_by(name="Q1")) is None


def test_import_then_export_in_every_format(app, tmp_path):
    path = tmp_path / "x.gift"
    path.write_text(GIFT, encoding="utf-8")
    result = _run(app, "bank", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "imported 8" in result.output
    for fmt, suffix in (("gift", "txt"), ("moodlexml", "xml"), ("aiken", "txt"), ("qti3", "zip")):
        out = tmp_path / f"out-{fmt}.{suffix}"
        result = _run(app, "bank", "export", "--format", fmt, "--category", "top/CLI", "-o", str(out))
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0
    assert "::Q1::" in (tmp_path / "out-gift.txt").read_text(encoding="utf-8")
    assert (tmp_path / "out-aiken.txt").read_text(encoding="utf-8").count("ANSWER:") == 1
    with zipfile.ZipFile(tmp_path / "out-qti3.zip") as z:
        assert "imsmanifest.xml" in z.namelist()


def test_usage_errors_exit_2(app, tmp_path):
    assert _run(app, "bank", "import", str(tmp_path / "missing.gift")).exit_code == 2
    assert _run(app, "bank", "import", "--format", "csv", str(tmp_path)).exit_code == 2
    assert _run(app, "bank", "export", "-o", str(tmp_path / "x")).exit_code == 2


def test_non_utf8_is_refused_with_the_byte_offset(app, tmp_path):
    path = tmp_path / "gbk.gift"
    path.write_bytes("::Q1::客户经理{=顾问 ~推销员}\n".encode("gb18030"))
    result = _run(app, "bank", "import", str(path), "--json")
    assert result.exit_code == 1
    error = json.loads(result.stdout.strip().splitlines()[-1])["files"][0]["errors"][0]
    assert "offset" in error["message"] and "GB" in error["message"].upper()
