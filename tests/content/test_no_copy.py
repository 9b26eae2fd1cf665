"""No run of 20 or more Chinese characters in content/ or question_banks/ may come from a seed."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"


def _checker():
    spec = importlib.util.spec_from_file_location("check_no_copy", ROOT / "tools" / "check_no_copy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_seeds_are_present():
    assert len(list(SEEDS.glob("0*.txt"))) == 5, f"seed documents expected in {SEEDS}"


def test_content_copies_no_seed_run():
    check = _checker()
    grams = check.seed_grams(SEEDS)
    assert len(grams) > 10000
    files = [p for d in ("content", "question_banks") for p in (ROOT / d).rglob("*") if p.is_file()]
    assert files
    assert any(p.parent.name == "scenarios" for p in files), "content/scenarios must be scanned too"
    copied = {str(p.relative_to(ROOT)): runs[0] for p in files if (runs := check.copied_runs(p, grams))}
    assert copied == {}


def test_the_check_catches_a_copy(tmp_path):
    check = _checker()
    grams = check.seed_grams(SEEDS)
    seed_text = (SEEDS / "000_2195b4110e26a92d.txt").read_text(encoding="utf-8")
    han = check.han(seed_text)
    sample = tmp_path / "copied.md"
    sample.write_text("前言。" + "，".join(han[100:125]) + "。", encoding="utf-8")
    assert check.copied_runs(sample, grams)
