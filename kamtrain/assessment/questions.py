"""Questions as plain data, and how each type is scored — Moodle's semantics, no database, no HTTP.

Every importer (GIFT, Moodle XML, Aiken) produces ``Question`` objects and every exporter consumes
them; the bank stores them as versions; attempts grade responses with ``grade``. Fractions are
Moodle's: an option's weight is a fraction of the question's mark (1.0 = 100 %, may be negative),
and a question's score is always floored at 0 and capped at 1.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

#: Moodle's question type names, in the order reports list them (CONTRACT §2).
QUESTION_TYPES = ("multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay", "cloze", "description")

#: Types whose answers are scored automatically.
AUTO_GRADED = frozenset({"multichoice", "truefalse", "shortanswer", "numerical", "matching", "cloze"})

#: The fractions Moodle accepts for an answer (question_bank::fraction_options_full), positive and negative.
_GRADE_STEPS = (1.0, 0.9, 5 / 6, 0.8, 0.75, 0.7, 2 / 3, 0.6, 0.5, 0.4, 1 / 3, 0.3, 0.25, 0.2, 1 / 6, 1 / 7,
                0.125, 1 / 9, 0.1, 0.05, 0.0)
MOODLE_FRACTIONS = tuple(sorted({*_GRADE_STEPS, *(-s for s in _GRADE_STEPS)}, reverse=True))


_EXACT_FRACTIONS = frozenset(MOODLE_FRACTIONS)


def is_moodle_fraction(value: float) -> bool:
    return value in _EXACT_FRACTIONS or any(abs(value - allowed) < 1e-5 for allowed in MOODLE_FRACTIONS)


def nearest_moodle_fraction(value: float) -> float:
    return min(MOODLE_FRACTIONS, key=lambda allowed: abs(value - allowed))


@dataclass
class Answer:
    """One option or accepted answer: text, weight (fraction of the mark), feedback.

    For numerical answers ``text`` is the number as written (or ``*`` for "any other answer") and
    ``tolerance`` the nominal error allowed either side.
    """

    text: str
    fraction: float
    feedback: str = ""
    tolerance: float = 0.0


@dataclass
class MatchPair:
    """A matching stem and its answer; an empty stem is an extra distractor answer."""

    stem: str
    answer: str


@dataclass
class Unit:
    name: str
    multiplier: float = 1.0


@dataclass
class ClozeField:
    """One embedded sub-question of a cloze question: ``{weight:KIND:answers}`` in the text."""

    kind: str  # multichoice | shortanswer | numerical
    weight: int = 1
    answers: list[Answer] = field(default_factory=list)
    case_sensitive: bool = False
    display: str = "dropdown"  # multichoice only: dropdown | vertical | horizontal (MULTICHOICE, _V, _H)
    multiple: bool = False  # MULTIRESPONSE
    shuffle: bool = False


@dataclass
class Question:
    """A question of one of ``QUESTION_TYPES`` as the formats describe it.

    ``category`` is a Moodle-style path without the context prefix, e.g. ``top/kamtrain/information``.
    Cloze questions keep their text with ``{#1}``, ``{#2}`` … where the fields stand.
    """

    qtype: str
    name: str
    text: str
    text_format: str = "html"  # html | moodle | plain | markdown
    general_feedback: str = ""
    category: str = "top"
    idnumber: str | None = None
    tags: list[str] = field(default_factory=list)
    default_mark: float = 1.0
    penalty: float = 0.3333333
    # multichoice
    single: bool = True
    shuffle: bool = True
    numbering: str = "abc"
    correct_feedback: str = ""
    partially_correct_feedback: str = ""
    incorrect_feedback: str = ""
    # multichoice, truefalse (answers "true" and "false"), shortanswer, numerical
    answers: list[Answer] = field(default_factory=list)
    case_sensitive: bool = False  # shortanswer
    units: list[Unit] = field(default_factory=list)  # numerical; the first has multiplier 1
    unit_penalty: float = 0.1
    # Moodle's unitgradingtype: 0 units are not graded, 1 a wrong or missing unit costs
    # unit_penalty × the answer's fraction, 2 it costs unit_penalty (a fraction of the mark)
    unit_grading_type: int = 0
    pairs: list[MatchPair] = field(default_factory=list)  # matching
    fields: list[ClozeField] = field(default_factory=list)  # cloze
    # essay
    response_format: str = "editor"
    response_required: bool = True
    response_lines: int = 15
    min_words: int | None = None
    max_words: int | None = None
    grader_info: str = ""  # the rubric a trainer marks against
    response_template: str = ""
    # images and other files referenced as @@PLUGINFILE@@/name
    files: dict[str, bytes] = field(default_factory=dict)
    # where it came from (1-based line of the question's first line), not part of the question
    line: int | None = field(default=None, compare=False)

    @property
    def max_fraction(self) -> float:
        return 0.0 if self.qtype == "description" else 1.0

    @property
    def is_multi_answer(self) -> bool:
        return self.qtype == "multichoice" and not self.single

    @property
    def truefalse_answer(self) -> bool:
        """The correct value of a true/false question."""
        return any(a.text == "true" and a.fraction > 0 for a in self.answers)

    def metadata(self) -> dict:
        """kamtrain's meaning of the tags: level-N, difficulty-N, track-X (see docs/content-format.md)."""
        found = {"levels": [], "difficulty": None, "tracks": []}
        for tag in self.tags:
            kind, value = _META_TAGS.get(tag, (None, None))
            if kind == "difficulty":
                found["difficulty"] = value
            elif kind:
                found[kind].append(value)
        return found


_META_TAGS = {
    **{f"level-{n}": ("levels", n) for n in (1, 2, 3, 4)},
    **{f"difficulty-{n}": ("difficulty", n) for n in (1, 2, 3)},
    **{f"track-{t}": ("tracks", t) for t in ("sales", "marketing")},
}


# --------------------------------------------------------------------------------------- scoring

def clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def grade(question: Question, response) -> float | None:
    """Fraction (0…1) a response earns; ``None`` when a person must mark it (essay) or nothing is asked.

    Responses: multichoice single → option index; multichoice multi → iterable of indexes;
    truefalse → bool; shortanswer / numerical → text; matching → {stem index: answer text};
    cloze → {field index: that field's response}. A missing response (``None``) scores 0.
    """
    grader = _GRADERS.get(question.qtype)
    if grader is None:
        return None
    if response is None:
        return 0.0
    value = clamp(grader(question, response))
    # weights such as 33.33333 % add up to 0.9999999: that is full marks, as in Moodle
    return 1.0 if value > 1 - 1e-6 else value


def _grade_multichoice(question, response):
    return _choice_fraction(question.answers, response, question.single)


def _choice_fraction(answers, response, single):
    if single:
        index = _as_index(response)
        return answers[index].fraction if index is not None and 0 <= index < len(answers) else 0.0
    chosen = {i for i in (_as_index(r) for r in response) if i is not None and 0 <= i < len(answers)}
    return sum(answers[i].fraction for i in chosen)


def _as_index(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _grade_truefalse(question, response):
    if isinstance(response, str):
        response = {"true": True, "false": False}.get(response.lower())
    if not isinstance(response, bool):
        return 0.0
    return 1.0 if response == question.truefalse_answer else 0.0


def normalise_text_response(text: str) -> str:
    """Trim, unify full-width forms (NFKC) and collapse runs of white space, as a trainee would expect."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(text))).strip()


def wildcard_matches(pattern: str, text: str, case_sensitive: bool) -> bool:
    """Moodle's short-answer comparison (qtype_shortanswer_question::compare_string_with_wildcard):
    a run of ``*`` matches any run of characters, ``\\*`` is a literal asterisk, the rest matches
    literally; both sides normalised first (full-width forms, white space)."""
    bits = re.split(r"(?<!\\)\*+", normalise_text_response(pattern))
    regex = "^" + ".*".join(re.escape(bit.replace("\\*", "*")) for bit in bits) + "$"
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.match(regex, normalise_text_response(text), flags | re.DOTALL) is not None


def matching_answer(answers, response, case_sensitive=False):
    """The first short answer (in order, as Moodle) the response matches, or None."""
    if normalise_text_response(response) == "":
        return None
    return next((a for a in answers if wildcard_matches(a.text, response, case_sensitive)), None)


def _grade_shortanswer(question, response):
    answer = matching_answer(question.answers, response, question.case_sensitive)
    return answer.fraction if answer else 0.0


_NUMBER = re.compile(r"^\s*([+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?)\s*(.*?)\s*$")


def parse_number(text: str, units=()):
    """(value in the first unit, unit ok?) for a trainee's numerical response, or (None, False).

    Accepts a decimal comma and full-width digits; a known unit after the number divides by its
    multiplier (Moodle's convention: value_in_unit = base_value × multiplier).
    """
    text = unicodedata.normalize("NFKC", str(text)).replace(" ", "")
    m = _NUMBER.match(text)
    if not m:
        return None, False
    value = float(m[1].replace(",", "."))
    unit_text = m[2]
    if not units:
        return (value, True) if unit_text == "" else (None, False)
    if unit_text == "":
        return value, False
    for unit in units:
        if unit.name == unit_text:
            return value / unit.multiplier, True
    return value, False


def within_tolerance(answer: Answer, value: float) -> bool:
    """qtype_numerical_answer::within_tolerance: ``*`` holds anything, otherwise answer ± |tolerance|
    (plus a hair for floating point, MDL-42367)."""
    if answer.text.strip() == "*":
        return True
    try:
        target = float(answer.text)
    except ValueError:
        return False
    return abs(value - target) <= abs(answer.tolerance) + 1e-12 * max(1.0, abs(target))


def numerical_answer(answers, value):
    """The first answer (in order) whose interval holds ``value``; ``*`` matches anything."""
    return next((answer for answer in answers if within_tolerance(answer, value)), None)


def _grade_numerical(question, response):
    """Moodle's qtype_numerical_question::grade_response: the first answer whose interval holds the
    value (converted by its unit), else the first that holds the number as typed (the unit is then
    wrong); a wrong or missing unit costs the unit penalty only when units are graded."""
    text = unicodedata.normalize("NFKC", str(response)).replace(" ", "")
    m = _NUMBER.match(text)
    if not m:
        return 0.0
    raw = float(m[1].replace(",", "."))
    if math.isnan(raw) or math.isinf(raw):
        return 0.0
    unit_text = m[2]
    unit = next((u for u in question.units if u.name == unit_text), None) if unit_text else None
    if unit_text and not question.units:
        return 0.0  # no units defined: "12 m" is not a number
    scaled = raw / unit.multiplier if unit and unit.multiplier else raw
    answer, unit_right = None, False
    for candidate in question.answers:
        if within_tolerance(candidate, scaled):
            answer, unit_right = candidate, unit is not None
            break
        if within_tolerance(candidate, raw):
            answer, unit_right = candidate, False
            break
    if answer is None:
        return 0.0
    fraction = answer.fraction
    if question.units and not unit_right:
        if question.unit_grading_type == 1:
            fraction -= question.unit_penalty * fraction
        elif question.unit_grading_type == 2:
            fraction -= question.unit_penalty
    return max(fraction, 0.0)


def _grade_matching(question, response):
    stems = [(i, pair) for i, pair in enumerate(question.pairs) if pair.stem.strip()]
    if not stems:
        return 0.0
    right = sum(1 for i, pair in stems
                if normalise_text_response(response.get(i, response.get(str(i), ""))) ==
                normalise_text_response(pair.answer))
    return right / len(stems)


def grade_cloze_field(cloze_field: ClozeField, response) -> float:
    if response is None:
        return 0.0
    if cloze_field.kind == "multichoice":
        return clamp(_choice_fraction(cloze_field.answers, response, not cloze_field.multiple))
    if cloze_field.kind == "numerical":
        value, _ = parse_number(response)
        answer = None if value is None else numerical_answer(cloze_field.answers, value)
        return clamp(answer.fraction) if answer else 0.0
    answer = matching_answer(cloze_field.answers, response, cloze_field.case_sensitive)
    return clamp(answer.fraction) if answer else 0.0


def _grade_cloze(question, response):
    total = sum(f.weight for f in question.fields)
    if not total:
        return 0.0
    earned = sum(f.weight * grade_cloze_field(f, response.get(i, response.get(str(i))))
                 for i, f in enumerate(question.fields))
    return earned / total


_GRADERS = {
    "multichoice": _grade_multichoice,
    "truefalse": _grade_truefalse,
    "shortanswer": _grade_shortanswer,
    "numerical": _grade_numerical,
    "matching": _grade_matching,
    "cloze": _grade_cloze,
}


def right_answer_summary(question: Question) -> str:
    """A one-line statement of the right answer, for review pages and trainers."""
    if question.qtype == "multichoice":
        return "; ".join(a.text for a in question.answers if a.fraction > 0)
    if question.qtype == "truefalse":
        return "true" if question.truefalse_answer else "false"
    if question.qtype in ("shortanswer", "numerical"):
        best = max(question.answers, key=lambda a: a.fraction, default=None)
        if best is None:
            return ""
        return best.text if not best.tolerance else f"{best.text} ± {best.tolerance:g}"
    if question.qtype == "matching":
        return "; ".join(f"{p.stem} → {p.answer}" for p in question.pairs if p.stem.strip())
    if question.qtype == "cloze":
        parts = []
        for i, f in enumerate(question.fields, 1):
            best = max(f.answers, key=lambda a: a.fraction, default=None)
            parts.append(f"({i}) {best.text if best else ''}")
        return " ".join(parts)
    return ""
