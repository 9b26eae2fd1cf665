"""`kamtrain content sync`: read every content file, validate all of it, and only when nothing is
wrong write it in one transaction. Problems are reported as ``file:line: message``."""

from dataclasses import dataclass, field
from pathlib import Path

from kamtrain.competency import sync as competency_sync
from kamtrain.core.db import db


@dataclass
class SyncResult:
    problems: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    @property
    def ok(self):
        return not self.problems


def sync_content(root, check_only=False):
    """Validate (and unless ``check_only`` store) the content under ``root``.

    Writes nothing when any file has a problem. The caller's session is committed here on
    success so that the whole sync is one transaction."""
    root = Path(root)
    result = SyncResult()

    def rel(path):
        try:
            return str(path.relative_to(root))
        except ValueError:
            return str(path)

    comp_path = root / "content" / "competency.yaml"
    tracks_path = root / "content" / "tracks.yaml"
    model, problems = competency_sync.read_competency(comp_path, rel(comp_path))
    result.problems += problems
    tracks = None
    if model is not None:
        tracks, problems = competency_sync.read_tracks(tracks_path, rel(tracks_path), model.category_codes)
        result.problems += problems
    if not result.ok or check_only:
        return result
    try:
        result.counts.update(competency_sync.apply_competency(model))
        result.counts.update(competency_sync.apply_tracks(tracks))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result
