"""Report any run of 20+ Chinese characters (punctuation ignored) shared with a seed document.

Usage: python tools/check_no_copy.py [PATH ...]   (default: content/ and question_banks/)
Exit 1 when a copied run is found.
"""
import glob
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
RUN = 20


def han(text):
    return "".join(re.findall(r"[\u4e00-\u9fff]", text))


def seed_grams(seed_dir=SEEDS):
    grams = set()
    for p in sorted(glob.glob(str(seed_dir / "0*.txt"))):
        h = han(Path(p).read_text(encoding="utf-8"))
        grams.update(h[i:i + RUN] for i in range(len(h) - RUN + 1))
    return grams


def copied_runs(path, grams):
    h = han(Path(path).read_text(encoding="utf-8", errors="ignore"))
    return [h[i:i + RUN] for i in range(len(h) - RUN + 1) if h[i:i + RUN] in grams]


def main(argv):
    targets = argv or [str(ROOT / "content"), str(ROOT / "question_banks")]
    files = []
    for t in targets:
        p = Path(t)
        files += [f for f in p.rglob("*") if f.is_file()] if p.is_dir() else [p]
    grams = seed_grams()
    bad = 0
    for f in files:
        runs = copied_runs(f, grams)
        if runs:
            bad += 1
            print(f"{f}: copies {runs[0]}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
