"""A question as an attempt presents it — pure functions, no database, no HTTP.

The bank stores options in the author's order, and authors (like Moodle's GIFT writers) usually put
the right answer first. The shared renderer posts an option's index in the stored list, so an
attempt page built from it directly would tell a curious trainee that ``value="0"`` is right. An
attempt therefore shows a *presented* copy of the question whose options are already in the
attempt's shuffled order: the page only ever carries positions on the page. Responses are stored
in the bank's indexes (``canonical``), so grading, review and item statistics never depend on the
shuffle; ``to_page`` and ``to_bank`` translate between the two.

Also here: checking a submitted form against the question (a forged value is refused, not
silently dropped), and the one-string ``answer_key`` item statistics group by.
"""

import dataclasses
import random
import re
import secrets

from markupsafe import Markup, escape

from kamtrain.assessment import rendering
from kamtrain.assessment.questions import Question

MAX_TEXT = 20000


def slot_seed(attempt_seed: int, position: int) -> int:
    return attempt_seed * 1009 + position


@dataclasses.dataclass
class Presented:
    """The presented copy and the permutations: ``order[i]`` is the bank index of page option ``i``."""

    question: Question
    order: list
    field_orders: dict  # cloze field index → order
    seed: int


def present(question: Question, seed: int) -> Presented:
    rng_order = rendering.option_order(question, seed)
    shown = dataclasses.replace(question, answers=[question.answers[i] for i in rng_order], shuffle=False)
    field_orders = {}
    if question.qtype == "cloze":
        fields = []
        for i, f in enumerate(question.fields):
            order = list(range(len(f.answers)))
            if f.kind == "multichoice" and f.shuffle:
                random.Random(seed * 31 + i).shuffle(order)
            field_orders[i] = order
            fields.append(dataclasses.replace(f, answers=[f.answers[j] for j in order], shuffle=False))
        shown = dataclasses.replace(shown, fields=fields)
    return Presented(shown, rng_order, field_orders, seed)


def view(presented: Presented, prefix: str, file_url=None) -> dict:
    """The answer-free view model for the ``question`` macro (the seed only shuffles matching choices)."""
    return rendering.question_view(presented.question, prefix, seed=presented.seed, file_url=file_url)


def to_bank(presented: Presented, response):
    """A response read from the page (page positions) → the bank's indexes."""
    q = presented.question
    if response is None:
        return None
    if q.qtype == "multichoice":
        if q.single:
            return presented.order[response]
        return sorted(presented.order[i] for i in response)
    if q.qtype == "cloze":
        out = {}
        for i, value in response.items():
            f = q.fields[i]
            order = presented.field_orders.get(i)
            if f.kind == "multichoice" and order:
                value = sorted(order[j] for j in value) if f.multiple else order[value]
            out[i] = value
        return out
    return response


def to_page(presented: Presented, response):
    """A stored response (bank indexes) → page positions, to fill the form in again."""
    q = presented.question
    if response is None:
        return None
    if q.qtype == "multichoice":
        back = {bank: page for page, bank in enumerate(presented.order)}
        if q.single:
            return back.get(response)
        return sorted(back[i] for i in response if i in back)
    if q.qtype == "cloze":
        out = {}
        for key, value in response.items():
            i = int(key)
            order = presented.field_orders.get(i)
            f = q.fields[i] if i < len(q.fields) else None
            if f is not None and f.kind == "multichoice" and order:
                back = {bank: page for page, bank in enumerate(order)}
                value = sorted(back[j] for j in value if j in back) if f.multiple else back.get(value)
            out[i] = value
        return out
    if q.qtype == "matching":
        return {int(k): v for k, v in response.items()}
    return response


# ------------------------------------------------------------------------------ reading a form

def _index_ok(value, count):
    return value.isdigit() and int(value) < count


def form_problems(presented: Presented, form, prefix: str):
    """Why a submitted form cannot be the page's own (an option that does not exist, a value not
    offered, an absurd length): a list of short English reasons, empty when the form is plausible."""
    q = presented.question
    problems = []
    names = [k for k in form if k == prefix or k.startswith(prefix + "-")]
    for name in names:
        values = form.getlist(name)
        if any(len(v) > MAX_TEXT for v in values):
            problems.append(f"{name}: too long")
    if q.qtype == "multichoice":
        values = form.getlist(prefix)
        if q.single and len(values) > 1:
            problems.append(f"{prefix}: more than one choice")
        if any(not _index_ok(v, len(q.answers)) for v in values):
            problems.append(f"{prefix}: no such option")
    elif q.qtype == "truefalse":
        if any(v not in ("true", "false") for v in form.getlist(prefix)):
            problems.append(f"{prefix}: not true or false")
    elif q.qtype == "matching":
        offered = set(rendering.matching_choices(q, presented.seed))
        stems = {i for i, p in enumerate(q.pairs) if p.stem.strip()}
        for name in names:
            part = name[len(prefix) + 1:] if name != prefix else ""
            if not part.isdigit() or int(part) not in stems:
                problems.append(f"{name}: no such item")
            elif any(v and v not in offered for v in form.getlist(name)):
                problems.append(f"{name}: not one of the choices")
    elif q.qtype == "cloze":
        for name in names:
            part = name[len(prefix) + 1:] if name != prefix else ""
            if not part.isdigit() or int(part) >= len(q.fields):
                problems.append(f"{name}: no such blank")
                continue
            f = q.fields[int(part)]
            if f.kind == "multichoice":
                values = [v for v in form.getlist(name) if v != ""]
                if any(not _index_ok(v, len(f.answers)) for v in values):
                    problems.append(f"{name}: no such option")
    elif q.qtype in ("shortanswer", "numerical", "essay") and len(form.getlist(prefix)) > 1:
        problems.append(f"{prefix}: more than one answer")
    return problems


def read(presented: Presented, form, prefix: str):
    """The response in the bank's indexes (``questions.grade``'s shape), or None when unanswered."""
    return to_bank(presented, rendering.read_response(presented.question, form, prefix))


def answer_key(question: Question, response) -> str | None:
    """One short string per distinct response, for distractor counts (bank indexes, not page positions)."""
    if response is None:
        return None
    if question.qtype == "multichoice":
        return str(response) if question.single else ",".join(str(i) for i in sorted(response))
    if question.qtype == "truefalse":
        return "true" if response else "false"
    if question.qtype in ("shortanswer", "numerical"):
        return str(response).strip()[:255]
    if question.qtype == "essay":
        return "essay"
    if isinstance(response, dict):
        return ";".join(f"{k}={response[k]}" for k in sorted(response, key=str))[:255]
    return str(response)[:255]


# ------------------------------------------------------------------------------ a question body rendered once

class ResponseMarks:
    """What a (page-position) response changes in the ``question`` macro's output, one method per place:
    `` checked``, `` selected`` or an escaped value. The macro calls these when given ``marks``."""

    def __init__(self, question: Question, response):
        self.q, self.r = question, response

    def option(self, i):
        r = self.r
        chosen = r is not None and ((self.q.single and r == i) or (not self.q.single and i in r))
        return " checked" if chosen else ""

    def truefalse(self, value):
        return " checked" if self.r is not None and self.r == (value == "true") else ""

    def text(self):
        return escape(self.r or "")

    def essay(self):
        return escape(self.r or self.q.response_template or "")

    def match(self, idx, choice):
        return " selected" if self.r and self.r.get(idx) == choice else ""

    def _field(self, i):
        return self.r.get(i) if self.r else None

    def cloze_select(self, i, j):
        return " selected" if self._field(i) == j else ""

    def cloze_choice(self, i, j):
        r = self._field(i)
        chosen = r is not None and ((self.q.fields[i].multiple and j in r) or r == j)
        return " checked" if chosen else ""

    def cloze_text(self, i):
        return escape(self._field(i) or "")


class Holes:
    """Stands in for ResponseMarks while a question body is rendered once: every call leaves a
    place-holder no question text can contain (a NUL and a per-process random token) and is recorded."""

    TOKEN = secrets.token_hex(6)
    PATTERN = re.compile("\x00" + TOKEN + "(\\d+)\x00")

    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        if name.startswith("_") or not hasattr(ResponseMarks, name):
            raise AttributeError(name)

        def hole(*args):
            self.calls.append((name, args))
            return Markup(f"\x00{self.TOKEN}{len(self.calls) - 1}\x00")
        return hole


@dataclasses.dataclass(frozen=True)
class Body:
    """A question body rendered once (``compile_body``): the fixed HTML between the places a response
    changes, the calls that fill them, and the body as shown before anything is answered."""

    parts: tuple
    holes: tuple
    empty: Markup

    def fill(self, question: Question, response) -> Markup:
        """The body with ``response`` (page positions; ``question`` the presented copy) filled in."""
        if response is None:
            return self.empty
        return self._fill(question, response)

    def _fill(self, question, response):
        marks = ResponseMarks(question, response)
        out = [self.parts[0]]
        for (name, args), part in zip(self.holes, self.parts[1:], strict=True):
            out.append(str(getattr(marks, name)(*args)))
            out.append(part)
        return Markup("".join(out))


def compile_body(render, view: dict, **options) -> Body:
    """``render(view, marks=…, **options)`` (the ``question`` macro) once, with place-holders where a
    response shows. The HTML is then the same for every trainee shown this presented question."""
    holes = Holes()
    html = str(render(view, marks=holes, **options))
    pieces = Holes.PATTERN.split(html)
    parts, indexes = tuple(pieces[0::2]), [int(n) for n in pieces[1::2]]
    if indexes != list(range(len(holes.calls))):
        raise ValueError("a place-holder went missing from the rendered question")
    body = Body(parts, tuple(holes.calls), Markup(""))
    return dataclasses.replace(body, empty=body._fill(view["q"], None))
