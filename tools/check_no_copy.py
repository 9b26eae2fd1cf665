"""Report any run of 20+ Chinese characters (punctuation ignored) shared with a seed document.

Usage: python tools/check_no_copy.py [PATH ...]   (default: content/ and question_banks/)
       python tools/check_no_copy.py --update-fingerprints
Exit 1 when a copied run is found.

The seed documents live outside the repository (../shared/seeds). So that the check also runs on a
clone without them, the repository keeps their fingerprints: an 8-byte BLAKE2b digest of every run
of 20 characters, sorted (tools/seed_fingerprints.bin; no seed text). When the seeds are present
they are used and the test checks the fingerprints still match them.
"""
import glob
import hashlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
FINGERPRINTS = Path(__file__).resolve().parent / "seed_fingerprints.bin"
RUN = 20
DIGEST = 8


def han(text):
    return "".join(re.findall(r"[\u4e00-\u9fff]", text))


def fingerprint(run):
    return hashlib.blake2b(run.encode("utf-8"), digest_size=DIGEST).digest()


def seed_fingerprints(seed_dir=SEEDS):
    """The fingerprints of every 20-character run of the seed documents in ``seed_dir``."""
    prints = set()
    for p in sorted(glob.glob(str(Path(seed_dir) / "0*.txt"))):
        h = han(Path(p).read_text(encoding="utf-8"))
        prints.update(fingerprint(h[i:i + RUN]) for i in range(len(h) - RUN + 1))
    return prints


def stored_fingerprints(path=FINGERPRINTS):
    data = Path(path).read_bytes()
    return {data[i:i + DIGEST] for i in range(0, len(data), DIGEST)}


def known_fingerprints():
    """From the seeds when this machine has them, else the stored copy."""
    return seed_fingerprints() if any(SEEDS.glob("0*.txt")) else stored_fingerprints()


def copied_runs(path, prints):
    h = han(Path(path).read_text(encoding="utf-8", errors="ignore"))
    return [h[i:i + RUN] for i in range(len(h) - RUN + 1) if fingerprint(h[i:i + RUN]) in prints]


def main(argv):
    if argv == ["--update-fingerprints"]:
        FINGERPRINTS.write_bytes(b"".join(sorted(seed_fingerprints())))
        return 0
    targets = argv or [str(ROOT / "content"), str(ROOT / "question_banks")]
    files = []
    for t in targets:
        p = Path(t)
        files += [f for f in p.rglob("*") if f.is_file()] if p.is_dir() else [p]
    prints = known_fingerprints()
    bad = 0
    for f in files:
        runs = copied_runs(f, prints)
        if runs:
            bad += 1
            print(f"{f}: copies {runs[0]}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
