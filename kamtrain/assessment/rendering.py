"""Showing a question the way a trainee sees it, and reading a trainee's response back from a form.

Pure functions shared by the bank's preview and by quiz and exam attempts: the same text
sanitising, the same option order for a given seed, the same form field names. Nothing here
ever puts a fraction, a right answer or feedback into the page — those are added only by the
review templates after grading.
"""

import html
import random
import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from kamtrain.assessment.questions import Question

_md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])

TAGS = {"p", "br", "strong", "b", "em", "i", "u", "sub", "sup", "ul", "ol", "li", "table", "thead", "tbody", "tr",
        "th", "td", "img", "span", "div", "pre", "code", "blockquote", "h3", "h4", "h5", "hr", "a", "del"}
ATTRIBUTES = {"img": {"src", "alt", "width", "height"}, "a": {"href", "title"}, "td": {"colspan", "rowspan"},
              "th": {"colspan", "rowspan"}, "ol": {"start"}}
PLUGINFILE = "@@PLUGINFILE@@/"


def render_text(text: str, text_format: str = "html", file_url=None) -> Markup:
    """Sanitised HTML for a question text in one of Moodle's formats; ``file_url(name)`` resolves
    ``@@PLUGINFILE@@/name`` references (images), otherwise they are dropped."""
    text = text or ""
    if text_format == "markdown":
        rendered = _md.render(text)
    elif text_format == "plain":
        rendered = html.escape(text).replace("\n", "<br>")
    elif text_format == "moodle":  # Moodle auto-format: HTML allowed, line breaks kept
        rendered = text.replace("\n", "<br>")
    else:
        rendered = text
    if PLUGINFILE in rendered:
        rendered = re.sub(re.escape(PLUGINFILE) + r"([^\"'\s>]+)",
                          lambda m: file_url(m[1]) if file_url else "", rendered)
    return Markup(nh3.clean(rendered, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "data"},
                            link_rel="noopener noreferrer"))


def option_order(question: Question, seed: int | None):
    """The order (indexes into ``question.answers``) in which options are shown. Shuffled with a
    per-attempt seed when the question asks for it; stored order without a seed (the bank)."""
    order = list(range(len(question.answers)))
    if seed is not None and question.shuffle:
        random.Random(seed).shuffle(order)
    return order


def matching_choices(question: Question, seed: int | None):
    """The answers offered in every matching drop-down: each distinct answer once, distractors
    included, sorted (or shuffled with a seed)."""
    choices = sorted({p.answer for p in question.pairs if p.answer.strip()})
    if seed is not None:
        random.Random(seed).shuffle(choices)
    return choices


_PLACEHOLDER = re.compile(r"\{#(\d+)\}")


def cloze_parts(question: Question, file_url=None):
    """The cloze text as a list of ``("html", Markup)`` and ``("field", index, ClozeField)`` parts."""
    parts, position = [], 0
    text = question.text or ""
    for m in _PLACEHOLDER.finditer(text):
        parts.append(("html", render_text(text[position:m.start()], question.text_format, file_url)))
        index = int(m[1]) - 1
        if 0 <= index < len(question.fields):
            parts.append(("field", index, question.fields[index]))
        position = m.end()
    parts.append(("html", render_text(text[position:], question.text_format, file_url)))
    return parts


def field_name(prefix: str, *parts) -> str:
    return "-".join([prefix, *map(str, parts)])


def read_response(question: Question, form, prefix: str):
    """The response in the shape ``questions.grade`` expects, from submitted form data (a MultiDict).
    Returns None when nothing was answered. Option values are indexes into ``question.answers``."""
    q = question
    if q.qtype == "multichoice":
        if q.single:
            return _index(form.get(prefix), len(q.answers))
        chosen = sorted({i for i in (_index(v, len(q.answers)) for v in form.getlist(prefix)) if i is not None})
        return chosen or None
    if q.qtype == "truefalse":
        value = form.get(prefix)
        return {"true": True, "false": False}.get(value)
    if q.qtype in ("shortanswer", "numerical", "essay"):
        value = (form.get(prefix) or "").strip()
        return value[:20000] or None
    if q.qtype == "matching":
        answers = {}
        for i, pair in enumerate(q.pairs):
            if pair.stem.strip():
                value = form.get(field_name(prefix, i))
                if value:
                    answers[i] = value[:1000]
        return answers or None
    if q.qtype == "cloze":
        answers = {}
        for i, f in enumerate(q.fields):
            name = field_name(prefix, i)
            if f.kind == "multichoice" and f.multiple:
                value = sorted({j for j in (_index(v, len(f.answers)) for v in form.getlist(name)) if j is not None})
                value = value or None
            elif f.kind == "multichoice":
                value = _index(form.get(name), len(f.answers))
            else:
                value = (form.get(name) or "").strip()[:1000] or None
            if value is not None:
                answers[i] = value
        return answers or None
    return None


def _index(value, count):
    try:
        index = int(value)
    except (TypeError, ValueError):
        return None
    return index if 0 <= index < count else None


def question_view(question: Question, prefix: str, seed: int | None = None, file_url=None) -> dict:
    """Everything the ``question`` macro (templates/assessment/_question.html) needs, answer-free."""
    view = {"q": question, "prefix": prefix, "text": None, "parts": None, "order": option_order(question, seed),
            "choices": matching_choices(question, seed) if question.qtype == "matching" else [],
            "field_orders": {}}
    if question.qtype == "cloze":
        view["parts"] = cloze_parts(question, file_url)
        for i, f in enumerate(question.fields):
            order = list(range(len(f.answers)))
            if seed is not None and f.shuffle:
                random.Random(seed * 31 + i).shuffle(order)
            view["field_orders"][i] = order
    else:
        view["text"] = render_text(question.text, question.text_format, file_url)
    return view


def render_inline(text: str, text_format: str = "html") -> Markup:
    """An option or feedback text: sanitised, without a wrapping paragraph."""
    rendered = str(render_text(text, "plain" if text_format == "plain" else "html"))
    if text_format == "markdown":
        rendered = str(render_text(text, "markdown"))
    rendered = re.sub(r"^\s*<p>(.*)</p>\s*$", r"\1", rendered, flags=re.DOTALL)
    return Markup(rendered)


_NUMBERINGS = {
    "abc": "abcdefghijklmnopqrstuvwxyz", "ABCD": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
}
_ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]


def numbering(style: str, index: int) -> str:
    """Moodle's answer numbering: abc, ABCD, 123, iii, IIII or none."""
    if style in _NUMBERINGS and index < 26:
        return _NUMBERINGS[style][index] + "."
    if style == "123":
        return f"{index + 1}."
    if style in ("iii", "IIII") and index < len(_ROMAN):
        roman = _ROMAN[index]
        return (roman if style == "iii" else roman.upper()) + "."
    return ""


def review_of(question: Question, response, fraction) -> dict:
    """What a trainee sees after grading: marks per part, the feedback that applies, the right answer."""
    from kamtrain.assessment import questions as qm

    q = question
    fmt = q.text_format
    review = {"fraction": fraction, "parts": {}, "feedback": [], "right_answer": qm.right_answer_summary(q),
              "general": render_text(q.general_feedback, fmt) if q.general_feedback else None}
    if q.qtype == "truefalse":
        for a in q.answers:
            if response is not None and (a.text == "true") == response and a.feedback:
                review["feedback"].append(render_inline(a.feedback, fmt))
        review["right_answer"] = None
    elif q.qtype in ("shortanswer", "numerical") and response is not None:
        if q.qtype == "shortanswer":
            match = qm.matching_answer(q.answers, response, q.case_sensitive)
        else:
            value, _ = qm.parse_number(response, q.units)
            match = None if value is None else qm.numerical_answer(q.answers, value)
        if match is not None and match.feedback:
            review["feedback"].append(render_inline(match.feedback, fmt))
    elif q.qtype == "multichoice":
        review["right_answer"] = None  # shown by marking the options
        combined = (q.correct_feedback if fraction is not None and fraction >= 0.999 else
                    q.partially_correct_feedback if fraction else q.incorrect_feedback)
        if combined:
            review["feedback"].append(render_inline(combined, fmt))
    elif q.qtype == "matching" and response is not None:
        for i, pair in enumerate(q.pairs):
            if pair.stem.strip():
                given = response.get(i)
                review["parts"][i] = given is not None and (
                    qm.normalise_text_response(given) == qm.normalise_text_response(pair.answer))
    elif q.qtype == "cloze":
        for i, f in enumerate(q.fields):
            part = qm.grade_cloze_field(f, (response or {}).get(i))
            review["parts"][i] = part
    elif q.qtype == "essay":
        review["right_answer"] = None
    return review


# ------------------------------------------------------------------------------ importer messages

def message_text(message) -> str:
    """An importer message (``formats.common.Message``, or a plain string) in the reader's language."""
    from kamtrain.assessment.formats.common import template_of

    template, params = template_of(message)
    return _translated(template, params) if template else str(message)


def finding_text(finding: dict) -> str:
    """The message of a finding as a report dict holds it (``import_files(..., translatable=True)``)
    in the reader's language; reports stored without templates show their English text."""
    template = finding.get("template")
    return _translated(template, finding.get("params") or {}) if template else finding.get("message", "")


def _translated(template, params):
    from flask_babel import gettext

    values = {name: _translated(value["template"], value.get("params") or {})
              if isinstance(value, dict) and "template" in value else value for name, value in params.items()}
    return gettext(template, **values) if values else gettext(template)
