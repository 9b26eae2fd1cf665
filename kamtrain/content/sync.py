"""`kamtrain content sync`: read every content file, validate all of it, and only when nothing is
wrong write it in one transaction. Problems are reported as ``file:line: message``."""

from dataclasses import dataclass, field
from pathlib import Path

from kamtrain.assessment import bank_files
from kamtrain.competency import sync as competency_sync
from kamtrain.content import store
from kamtrain.content.module_files import check_prerequisites, read_module
from kamtrain.content.syllabus_files import read_syllabus
from kamtrain.core.db import db
from kamtrain.core.sourcefiles import Problem
from kamtrain.scenarios import store as scenario_store
from kamtrain.scenarios.checks import read_scenarios


@dataclass
class SyncResult:
    problems: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    @property
    def ok(self):
        return not self.problems


def sync_content(root, check_only=False, force=False):
    """Validate (and unless ``check_only`` store) the content under ``root``.

    Writes nothing when any file has a problem, or when a changed module file would overwrite a
    newer web edit (unless ``force``). The caller's session is committed here on success so that
    the whole sync is one transaction."""
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
    if model is None:
        return result
    categories = set(model.category_codes)
    tracks, problems = competency_sync.read_tracks(tracks_path, rel(tracks_path), model.category_codes)
    result.problems += problems
    track_targets = {(t.code, lv.level): lv.targets for t in tracks or [] for lv in t.levels}

    modules = []
    module_paths = sorted((root / "content" / "modules").glob("*.md"))
    module_codes = {path.stem for path in module_paths}  # a broken module is reported once, in its own file
    for path in module_paths:
        data, problems = read_module(path, rel(path), categories)
        result.problems += problems
        if data is not None:
            modules.append(data)
    result.problems += check_prerequisites(modules, module_codes)

    syllabi = []
    for path in sorted((root / "content" / "syllabi").glob("*.yaml")):
        data, problems = read_syllabus(path, rel(path), categories, module_codes, track_targets)
        result.problems += problems
        if data is not None:
            syllabi.append(data)
    found = {s.code for s in syllabi}
    for code in sorted({f"{t}-{lv}" for t, lv in track_targets} - found):
        if not any(str(p).startswith(f"content/syllabi/{code}.yaml") for p in result.problems):
            result.problems.append(Problem("content/syllabi", None, f"no syllabus for {code}"))

    # Role-play scenarios (and the syllabi's required_scenarios checked against them).
    scenarios, problems = read_scenarios(root, rel, model.category_codes, module_codes)
    result.problems += problems

    question_banks, problems = bank_files.read_question_banks(root, rel, categories)
    result.problems += problems

    if result.ok and not force:
        result.problems += store.file_conflicts(modules)
    if not result.ok or check_only:
        return result
    try:
        result.counts.update(competency_sync.apply_competency(model))
        result.counts.update(competency_sync.apply_tracks(tracks))
        result.counts.update(store.apply_modules(modules))
        result.counts.update(store.apply_syllabi(syllabi))
        result.counts.update(bank_files.apply_question_banks(question_banks))
        result.counts.update(scenario_store.apply_scenarios(scenarios))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result
