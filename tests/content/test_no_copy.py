"""No run of 20 or more Chinese characters in content/ or question_banks/ may come from a seed.

The seeds (../shared/seeds) are not part of the repository; tools/seed_fingerprints.bin keeps a
digest of each of their 20-character runs, so the check runs on any clone."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _checker():
    spec = importlib.util.spec_from_file_location("check_no_copy", ROOT / "tools" / "check_no_copy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_stored_fingerprints_are_the_seeds():
    check = _checker()
    stored = check.stored_fingerprints()
    assert len(stored) > 10000
    if any(check.SEEDS.glob("0*.txt")):  # where the seeds are at hand, the stored copy must be theirs
        assert stored == check.seed_fingerprints(), "run: python tools/check_no_copy.py --update-fingerprints"


def test_content_copies_no_seed_run():
    check = _checker()
    prints = check.known_fingerprints()
    files = [p for d in ("content", "question_banks") for p in (ROOT / d).rglob("*") if p.is_file()]
    assert files
    assert any(p.parent.name == "scenarios" for p in files), "content/scenarios must be scanned too"
    copied = {str(p.relative_to(ROOT)): runs[0] for p in files if (runs := check.copied_runs(p, prints))}
    assert copied == {}


def test_the_check_catches_a_copy(tmp_path):
    check = _checker()
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    source = "客户经理要先弄清客户的组织结构与决策链条，再安排拜访顺序，避免只同采购部门打交道而错过真正拍板的人。"
    (seeds / "001_sample.txt").write_text(source, encoding="utf-8")
    prints = check.seed_fingerprints(seeds)
    copied = tmp_path / "copied.md"
    copied.write_text("前言。" + "，".join(check.han(source)[5:30]) + "。", encoding="utf-8")
    own = tmp_path / "own.md"
    own.write_text("拜访之前，先把客户的决策链画出来：谁提需求、谁评估、谁拍板，各自关心什么。", encoding="utf-8")
    assert check.copied_runs(copied, prints) and not check.copied_runs(own, prints)
