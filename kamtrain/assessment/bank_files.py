"""The team's own question bank in ``question_banks/`` (GIFT and Moodle XML), loaded by
``kamtrain content sync``.

Beyond importing cleanly, every bank question must say what kamtrain needs to build exams and
competency evidence (docs/content-format.md): an idnumber, a competency category (from the
category path ``top/kamtrain/<code>``), one or more ``level-N`` tags, a ``difficulty-N`` tag and
at least one ``track-…`` tag.
"""

from dataclasses import dataclass, field
from pathlib import Path

from kamtrain.assessment import bank
from kamtrain.assessment.formats import parse
from kamtrain.assessment.models import Question
from kamtrain.core.db import db
from kamtrain.core.sourcefiles import Problem

BANK_PATTERNS = ("*.gift", "*.xml", "*.txt")


@dataclass
class BankContent:
    questions: list = field(default_factory=list)
    source_of: dict = field(default_factory=dict)  # id(question) -> "file:line"


def bank_paths(root: Path):
    folder = root / "question_banks"
    return sorted(p for pattern in BANK_PATTERNS for p in folder.rglob(pattern))


def read_question_banks(root: Path, rel, category_codes):
    """All questions of question_banks/ and every problem, as ``file:line: message``."""
    content, problems = BankContent(), []
    seen = {}
    for path in bank_paths(root):
        display = rel(path)
        parsed = parse(path.read_bytes(), display)
        problems += [Problem(display, e.line, _named(e), e.column) for e in parsed.errors]
        for q in parsed.questions:
            where = f"{display}:{q.line}"
            for message in _kamtrain_rules(q, category_codes):
                problems.append(Problem(display, q.line, f"[{q.name}] {message}"))
            if q.idnumber in seen:
                problems.append(Problem(display, q.line, f"[{q.name}] idnumber {q.idnumber} is also used at "
                                                         f"{seen[q.idnumber]}"))
            elif q.idnumber:
                seen[q.idnumber] = where
            content.questions.append(q)
            content.source_of[id(q)] = where
    return content, problems


def _named(finding):
    return f"[{finding.question}] {finding.message}" if finding.question else finding.message


def _kamtrain_rules(question, category_codes):
    if not question.idnumber:
        yield "no idnumber: add a comment line // [id:KT-XXX-NNN] above the question"
    if bank.competency_code_for(question, category_codes) is None:
        yield (f"category {question.category} names no competency category; "
               "use $CATEGORY: $course$/top/kamtrain/<category code>")
    meta = question.metadata()
    if question.qtype == "description":
        return
    if not meta["levels"]:
        yield "no level tag: add [tag:level-4] … [tag:level-1]"
    if meta["difficulty"] is None:
        yield "no difficulty tag: add [tag:difficulty-1], -2 or -3"
    if not meta["tracks"]:
        yield "no track tag: add [tag:track-sales] and/or [tag:track-marketing]"


def apply_question_banks(content: BankContent):
    """Store the bank; questions that came from question_banks/ and are gone from it are retired."""
    stats = bank.store_questions(content.questions, source_of=content.source_of, origin="content",
                                 note="content sync")
    present = {q.idnumber for q in content.questions}
    retired = 0
    for row in db.session.scalars(db.select(Question).filter_by(origin="content", retired=False)):
        if row.idnumber not in present:
            row.retired = True
            retired += 1
    db.session.flush()
    return {"questions": len(content.questions), "questions_changed": stats["created"] + stats["updated"],
            "questions_retired": retired}
