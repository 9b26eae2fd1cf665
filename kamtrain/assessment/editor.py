"""Between the question editor form and interchange ``Question`` objects.

``form_data`` fills the form from a question; ``question_from_form`` builds the question back and
returns the problems as {form field: message} so the page can show each one at its field.
Cloze questions are edited in Moodle's embedded-answer syntax, ``{1:MULTICHOICE:=right~wrong}``.
"""

import re
from decimal import Decimal

from flask_babel import gettext as _

from kamtrain.assessment import questions as qm
from kamtrain.assessment import rendering
from kamtrain.assessment.formats import cloze


def _percent(fraction):
    return f"{fraction * 100:.5f}".rstrip("0").rstrip(".")


def form_data(q: qm.Question, row=None) -> dict:
    """Initial form data (keyword arguments for the form's ``data``)."""
    text = cloze.to_text(q) if q.qtype == "cloze" else q.text
    data = {
        "name": q.name, "idnumber": q.idnumber or "", "category": q.category, "text": text,
        "text_format": q.text_format, "general_feedback": q.general_feedback, "default_mark": q.default_mark,
        "single": "1" if q.single else "0", "shuffle": q.shuffle,
        "correct_feedback": q.correct_feedback, "partially_correct_feedback": q.partially_correct_feedback,
        "incorrect_feedback": q.incorrect_feedback, "case_sensitive": q.case_sensitive,
        "unit_penalty": q.unit_penalty, "unit_grading": str(q.unit_grading_type),
        "response_lines": q.response_lines, "min_words": q.min_words,
        "max_words": q.max_words, "grader_info": q.grader_info, "response_template": q.response_template,
        "tags": ", ".join(t for t in q.tags if not _is_meta_tag(t)),
        "options": [{"text": a.text, "fraction": _percent(qm.nearest_moodle_fraction(a.fraction)),
                     "feedback": a.feedback, "tolerance": a.tolerance or None} for a in q.answers
                    if q.qtype != "truefalse"],
        "pairs": [{"stem": p.stem, "answer": p.answer} for p in q.pairs],
        "units": [{"name": u.name, "multiplier": u.multiplier} for u in q.units],
    }
    if q.qtype == "truefalse":
        data["truefalse_answer"] = "true" if q.truefalse_answer else "false"
        for a in q.answers:
            data[f"{a.text}_feedback"] = a.feedback
    if row is not None:
        data["competency"] = row.competency.code if row.competency else ""
        data["levels"] = [str(v) for v in row.levels]
        data["tracks"] = list(row.tracks)
        data["difficulty"] = str(row.difficulty or "")
    return data


def _is_meta_tag(tag):
    return tag.startswith(("level-", "difficulty-", "track-", "competency-"))


def meta_tags(levels, tracks, difficulty):
    """kamtrain's metadata as the tags GIFT and Moodle XML carry (docs/content-format.md)."""
    tags = [f"level-{v}" for v in sorted(levels, reverse=True)]
    if difficulty:
        tags.append(f"difficulty-{difficulty}")
    tags += [f"track-{t}" for t in tracks]
    return tags


def question_from_form(form, qtype) -> tuple[qm.Question, dict]:
    """(question, problems by field name). The metadata tags follow the metadata fields."""
    problems = {}
    levels = sorted({int(v) for v in form.levels.data or []}, reverse=True)
    tracks = [t for t in ("sales", "marketing") if t in (form.tracks.data or [])]
    difficulty = int(form.difficulty.data) if form.difficulty.data else None
    free_tags = [t.strip() for t in (form.tags.data or "").replace("，", ",").split(",") if t.strip()]
    q = qm.Question(
        qtype=qtype, name=form.name.data.strip(), text=form.text.data or "", text_format=form.text_format.data,
        general_feedback=form.general_feedback.data or "", category=form.category.data.strip(),
        idnumber=(form.idnumber.data or "").strip() or None,
        tags=meta_tags(levels, tracks, difficulty) + [t for t in free_tags if not _is_meta_tag(t)],
        default_mark=float(form.default_mark.data if form.default_mark.data is not None else 1),
        penalty=1.0 if qtype == "truefalse" else 0.3333333,
    )
    if qtype != "description" and not q.text.strip():
        problems["text"] = _("The question needs a text.")
    if qtype == "multichoice":
        q.single = form.single.data == "1"
        q.shuffle = bool(form.shuffle.data)
        q.correct_feedback = form.correct_feedback.data or ""
        q.partially_correct_feedback = form.partially_correct_feedback.data or ""
        q.incorrect_feedback = form.incorrect_feedback.data or ""
        q.answers = _options(form)
        if len(q.answers) < 2:
            problems["options"] = _("Give at least two options.")
        elif q.single and max(a.fraction for a in q.answers) < 0.999:
            problems["options"] = _("With one answer only, one option must be worth 100 %.")
        elif not q.single and abs(sum(a.fraction for a in q.answers if a.fraction > 0) - 1) > 0.01:
            problems["options"] = _("With several answers, the positive grades must add up to 100 %.")
    elif qtype == "truefalse":
        right = form.truefalse_answer.data == "true"
        q.answers = [qm.Answer("true", 1.0 if right else 0.0, form.true_feedback.data or ""),
                     qm.Answer("false", 0.0 if right else 1.0, form.false_feedback.data or "")]
        q.penalty = 1.0
    elif qtype == "shortanswer":
        q.case_sensitive = bool(form.case_sensitive.data)
        q.answers = _options(form)
        if not q.answers or max(a.fraction for a in q.answers) < 0.999:
            problems["options"] = _("Give at least one answer worth 100 %.")
    elif qtype == "numerical":
        q.answers = _options(form, numerical=True)
        q.units = [qm.Unit(u.form.name.data.strip(), float(u.form.multiplier.data or 1)) for u in form.units
                   if (u.form.name.data or "").strip()]
        q.unit_penalty = float(form.unit_penalty.data or 0)
        q.unit_grading_type = int(form.unit_grading.data or 0) if q.units else 0
        for a in q.answers:
            if a.text != "*":
                try:
                    float(a.text)
                except ValueError:
                    problems["options"] = _("“%(value)s” is not a number.", value=a.text)
        if not q.answers or max(a.fraction for a in q.answers) < 0.999:
            problems.setdefault("options", _("Give at least one answer worth 100 %."))
        if q.units and abs(q.units[0].multiplier - 1) > 1e-9:
            problems["units"] = _("The first unit must have multiplier 1.")
    elif qtype == "matching":
        q.shuffle = bool(form.shuffle.data)
        q.pairs = [qm.MatchPair(p.form.stem.data.strip(), p.form.answer.data.strip()) for p in form.pairs
                   if (p.form.answer.data or "").strip()]
        if sum(1 for p in q.pairs if p.stem) < 2:
            problems["pairs"] = _("Give at least two items with their matches.")
    elif qtype == "essay":
        q.response_lines = form.response_lines.data or 15
        q.min_words, q.max_words = form.min_words.data, form.max_words.data
        q.grader_info = form.grader_info.data or ""
        q.response_template = form.response_template.data or ""
        q.penalty = 0.0
        if not q.grader_info.strip():
            problems["grader_info"] = _("Write the rubric the trainer marks against.")
    elif qtype == "cloze":
        text, fields, errors = cloze.parse(q.text)
        q.text, q.fields = text, fields
        if errors:
            problems["text"] = "; ".join(rendering.message_text(e) for e in errors)
        elif not fields:
            problems["text"] = _("A cloze question needs at least one embedded answer such as {1:SHORTANSWER:=answer}.")
    elif qtype == "description":
        q.default_mark = 0.0
    return q, problems


def _options(form, numerical=False):
    answers = []
    for entry in form.options:
        text = (entry.form.text.data or "").strip()
        if not text:
            continue
        tolerance = entry.form.tolerance.data
        answers.append(qm.Answer(text=text, fraction=float(Decimal(entry.form.fraction.data or "0") / 100),
                                 feedback=(entry.form.feedback.data or "").strip(),
                                 tolerance=float(tolerance) if numerical and tolerance is not None else 0.0))
    return answers


# ------------------------------------------------------------------------------ images

#: Largest image a trainer can upload into a question, in bytes.
MAX_IMAGE_BYTES = 2 * 1024 * 1024
#: At most this many files per question.
MAX_IMAGES = 20

_IMAGE_KINDS = (  # (magic bytes test, media type, file name suffix)
    (lambda b: b.startswith(b"\x89PNG\r\n\x1a\n"), "image/png", ".png"),
    (lambda b: b.startswith(b"\xff\xd8\xff"), "image/jpeg", ".jpg"),
    (lambda b: b[:6] in (b"GIF87a", b"GIF89a"), "image/gif", ".gif"),
    (lambda b: b[:4] == b"RIFF" and b[8:12] == b"WEBP", "image/webp", ".webp"),
)
IMAGE_MEDIA_TYPES = frozenset(kind[1] for kind in _IMAGE_KINDS)
_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}


def image_kind(blob: bytes):
    """``(media type, suffix)`` of a PNG, JPEG, GIF or WebP image, from its first bytes (what the
    browser says and what the name claims are not trusted); None for anything else."""
    for test, media_type, suffix in _IMAGE_KINDS:
        if test(blob):
            return media_type, suffix
    return None


def image_name(filename: str, suffix: str) -> str:
    """A safe file name for an uploaded image (letters, digits, CJK, ``._-``), ending in ``suffix``."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = base.rpartition(".")
    if not dot or "." + ext.lower() not in _SUFFIXES:  # no image suffix to drop
        stem = base
    stem = re.sub(r"[^\w\-]+", "_", stem).strip("._")[:80] or "image"
    return stem + suffix


def read_images(form, current: dict, question: qm.Question) -> tuple[dict, dict]:
    """The question's files after the edit — the current ones minus those to remove, plus the uploads —
    and the problems by form field. Uploads must be images (checked by their bytes) of at most
    ``MAX_IMAGE_BYTES``; every ``@@PLUGINFILE@@/name`` the question refers to must be among them."""
    from kamtrain.assessment.formats.common import referenced_files

    removed = set(form.remove_images.data or [])
    files = {name: blob for name, blob in current.items() if name not in removed}
    problems = []
    for upload in form.images.data or []:
        if upload is None or not getattr(upload, "filename", ""):
            continue
        blob = upload.read(MAX_IMAGE_BYTES + 1)
        if len(blob) > MAX_IMAGE_BYTES:
            problems.append(_("%(name)s is larger than %(mb)d MB.", name=upload.filename, mb=MAX_IMAGE_BYTES // 2**20))
            continue
        kind = image_kind(blob)
        if kind is None:
            problems.append(_("%(name)s is not a PNG, JPEG, GIF or WebP image.", name=upload.filename))
            continue
        name = image_name(upload.filename, kind[1])
        if name in files and files[name] != blob:  # another image of the same name: keep both
            stem, suffix = name.rsplit(".", 1)
            n = 2
            while f"{stem}-{n}.{suffix}" in files:
                n += 1
            name = f"{stem}-{n}.{suffix}"
        files[name] = blob
    if len(files) > MAX_IMAGES:
        problems.append(_("A question can have at most %(n)d images.", n=MAX_IMAGES))
    out = {"images": " ".join(problems)} if problems else {}
    texts = [question.text, question.general_feedback, *(a.text for a in question.answers),
             *(a.feedback for a in question.answers), *(p.stem for p in question.pairs), question.grader_info]
    missing = sorted({name for text in texts for name in referenced_files(text) if name not in files})
    if missing:
        out["text"] = _("No image called %(names)s: upload it below or correct the name.", names=", ".join(missing))
    return files, out
