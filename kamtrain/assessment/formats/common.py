"""What the three importers share: findings, Moodle's rules for names, categories and grades, and
the checks every imported question goes through (the same in GIFT, Moodle XML and Aiken).

References are to Moodle's own code (github.com/moodle/moodle): ``question/format.php``
(``qformat_default``: category paths, default names, grade matching) and the question types'
``save_question_options`` (what Moodle refuses when it stores a question).
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote

from kamtrain.assessment.questions import MOODLE_FRACTIONS, Question, is_moodle_fraction


def N_(template: str) -> str:
    """Marks an importer message for the catalogues (``N_`` is one of babel's default keywords);
    it is translated when a page shows it, not here."""
    return template


class Message(str):
    """An importer message. As a string it is the English text (the JSON report of CONTRACT §2, the
    command line, logs); it also keeps its template (marked with ``N_``) and named parameters so
    that a page can show it in the reader's language: ``gettext(m.template, **m.params)``.

    Templates with parameters write a literal percent sign as ``%%``; templates without any as ``%``
    (gettext only applies ``%`` when there are parameters)."""

    def __new__(cls, template: str, **params):
        self = super().__new__(cls, template % params if params else template)
        self.template, self.params = template, params
        return self

    def __reduce__(self):  # copy and pickle keep the template
        return _message, (self.template, self.params)


def _message(template, params):
    return Message(template, **params)


def template_of(message) -> tuple[str | None, dict]:
    """``(template, params)`` of a message, ``(None, {})`` for a plain string."""
    if isinstance(message, Message):
        return message.template, {k: _param(v) for k, v in message.params.items()}
    return None, {}


@dataclass
class Finding:
    """An error or a warning about an imported file."""

    line: int | None  # 1-based line in the file (XML: line of the offending element)
    message: str  # English, precise (a ``Message`` keeps its template for translation)
    question: str | None = None  # question name (or generated name) when known
    column: int | None = None

    def as_dict(self, translatable=False, column=True) -> dict:
        """The finding as the JSON report has it (CONTRACT §2); ``translatable`` adds ``template``
        and ``params`` for pages that show it in the reader's language."""
        out = {"line": self.line}
        if column:
            out["column"] = self.column
        out["question"], out["message"] = self.question, str(self.message)
        if translatable:
            out["template"], out["params"] = template_of(self.message)
        return out


def _param(value):
    """A message parameter for JSON: a ``Message`` (a translatable part) as its template and parameters."""
    return {"template": value.template, "params": {k: _param(v) for k, v in value.params.items()}} \
        if isinstance(value, Message) else value


class Collector:
    """Errors and warnings of one file, in file order once sorted. A file can hold very many
    problems (a whole bank in the wrong syntax); after ``LIMIT`` of a kind only the count is kept."""

    LIMIT = 2000

    def __init__(self):
        self.errors: list[Finding] = []
        self.warnings: list[Finding] = []
        self.dropped = {"error": [0, None], "warning": [0, None]}

    def _add(self, kind, findings, finding):
        if len(findings) < self.LIMIT:
            findings.append(finding)
        else:
            self.dropped[kind][0] += 1
            self.dropped[kind][1] = finding.line

    def error(self, line, message, question=None, column=None):
        self._add("error", self.errors, Finding(line, message, question, column))

    def warn(self, line, message, question=None, column=None):
        self._add("warning", self.warnings, Finding(line, message, question, column))

    def sort(self):
        key = lambda f: (f.line or 0, f.column or 0)  # noqa: E731
        self.errors.sort(key=key)
        self.warnings.sort(key=key)
        for kind, findings in (("error", self.errors), ("warning", self.warnings)):
            count, line = self.dropped[kind]
            if count:
                template = (N_("… and %(count)d more errors not listed (the first %(limit)d are)") if kind == "error"
                            else N_("… and %(count)d more warnings not listed (the first %(limit)d are)"))
                findings.append(Finding(line, Message(template, count=count, limit=self.LIMIT)))


# ------------------------------------------------------------------------------------ text helpers

# PHP's trim() strips exactly these (not the ideographic space U+3000 a Chinese text may start with).
PHP_WHITESPACE = " \t\n\r\0\x0b"


def php_trim(text: str) -> str:
    return text.strip(PHP_WHITESPACE)


_TAG = re.compile(r"<[^>]*>")


def strip_tags(text: str) -> str:
    return _TAG.sub("", text)


def plain_text(text: str, text_format: str = "html") -> str:
    """The text without markup, entities decoded, white space collapsed (for names and Aiken)."""
    if text_format in ("html", "moodle") and ("<" in text or "&" in text):
        text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>", " ", text)
        text = html.unescape(strip_tags(text))
    return " ".join(text.split())  # white space runs (str.isspace, as re's \s) become one space


def clean_name(name: str) -> str:
    """Moodle's clean_question_name: PARAM_TEXT (tags removed), trimmed, at most 255 characters."""
    name = php_trim(strip_tags(name) if "<" in name else name)
    return name if len(name) <= 255 else shorten(name, 251)


def shorten(text: str, ideal: int) -> str:
    """Like Moodle's shorten_text: at most ``ideal`` characters including the ``...`` ending,
    broken at a space when there is one in the second half."""
    if len(text) <= ideal:
        return text
    cut = text[:ideal - 3]
    space = cut.rfind(" ")
    if space > ideal // 2:
        cut = cut[:space]
    return cut.rstrip() + "..."


def default_name(text: str, text_format: str = "html", fallback: str = "Question") -> str:
    """Moodle's create_default_question_name: the start of the text (80 characters), no markup."""
    name = clean_name(shorten(plain_text(text, text_format), 80))
    return name or fallback


PLUGINFILE = "@@PLUGINFILE@@/"
_PLUGINFILE_REF = re.compile(re.escape(PLUGINFILE) + r"([^\"'\s<>)]+)")


def referenced_files(text: str) -> list[str]:
    """Names referenced as ``@@PLUGINFILE@@/name`` (URL-decoded, as Moodle stores them)."""
    if not text or PLUGINFILE not in text:
        return []
    return [unquote(m[1]) for m in _PLUGINFILE_REF.finditer(text)]


# ------------------------------------------------------------------------------------ numbers

_PHP_NUMERIC = re.compile(r"^[ \t\n\r\v\f]*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[ \t\n\r\v\f]*$")


def is_numeric(text: str) -> bool:
    """PHP's is_numeric for decimal strings (no hex), which Moodle's GIFT importer uses."""
    return bool(_PHP_NUMERIC.match(text))


def to_decimal(text: str) -> Decimal | None:
    if not is_numeric(text):
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        return None


def number_text(value) -> str:
    """A number as short as it can be written and read back exactly: 2.0 → "2", 0.0005 → "0.0005"."""
    if isinstance(value, Decimal):
        value = value.normalize()
        text = format(value, "f") if -30 < value.adjusted() < 30 else str(value)
        return "0" if text in ("-0", "") else text
    value = float(value)
    if value == int(value) and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def percent_text(fraction: float) -> str:
    """A fraction as Moodle writes a weight: 0.5 → "50", 1/3 → "33.33333", -1 → "-100"."""
    text = f"{round(fraction * 100, 5):.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_EXACT = frozenset(MOODLE_FRACTIONS)


def canonical_fraction(value: float) -> float:
    """A weight as Moodle keeps it: snapped to its grade list when within 1e-5 (match_grade_options),
    otherwise rounded to the 7 decimals of the database column."""
    if value in _EXACT:
        return value
    for allowed in MOODLE_FRACTIONS:
        if abs(value - allowed) < 1e-5:
            return allowed
    return round(value, 7)


def percent(fraction: float) -> str:
    return percent_text(fraction) + "%"


# ------------------------------------------------------------------------------------ categories

_CONTEXT = re.compile(r"^\$([a-z]+)\$$")


def split_category_path(path: str) -> list[str]:
    """Moodle's split_category_path: ``/`` separates, ``//`` is a literal slash in a name."""
    return [php_trim(strip_tags(part.replace("//", "/"))) for part in re.split(r"(?<!/)/(?!/)", path)]


def assemble_category_path(names) -> str:
    """Moodle's assemble_category_path (the inverse of split_category_path)."""
    out = []
    for name in names:
        escaped = name.replace("/", "//")
        if escaped.startswith("/"):
            escaped = " " + escaped
        if escaped.endswith("/"):
            escaped += " "
        out.append(escaped)
    return "/".join(out)


def normalise_category(path: str, warn=None) -> str:
    """A category path as Moodle ≥ 3.5 files it: the context token (``$course$``, ``$system$``,
    ``$module$`` …) removed, every category under ``top``. ``warn(message)`` hears about what is
    legal but probably not meant (``$cat1$`` markers, empty names)."""
    names = split_category_path(php_trim(path))
    if names and _CONTEXT.match(names[0]):
        names.pop(0)
    elif names and re.match(r"^\$[^$/]*\$$", names[0]) and warn:
        warn(Message(N_("'%(name)s' is not a context Moodle recognises (only $course$, $system$, $module$ … "
                        "without digits); it is taken as the name of a category"), name=names[0]))
    if any(not n for n in names) and warn and php_trim(path):
        warn(Message(N_("category path '%(path)s' has an empty category name; it is left out"), path=path))
    names = [n for n in names if n and n != "top"]
    return assemble_category_path(["top", *names])


# ------------------------------------------------------------------------------------ checks

def _text_key(text: str) -> str:
    plain = plain_text(text) if "<" in text or "&" in text else " ".join(text.split())
    if unicodedata.is_normalized("NFKC", plain):  # white space is already collapsed by plain_text
        return plain.casefold()
    return " ".join(unicodedata.normalize("NFKC", plain).split()).casefold()


def is_blank(text: str, text_format: str = "html") -> bool:
    """``not plain_text(text, text_format)``, without building the plain text when there is no markup."""
    if text_format in ("html", "moodle") and ("<" in text or "&" in text):
        return not plain_text(text, text_format)
    return not text.strip()


def check_question(q: Question, report, option_lines=None):
    """Moodle's rules for a parsed question, as errors (Moodle refuses the question or the whole
    import) and warnings (Moodle imports it but it is probably not what the author meant).

    ``report(severity, where, message)`` receives them; ``where`` is the question's line or
    ``option_lines[i]``, the line (or ``(line, column)``) of answer or matching pair ``i`` when the
    format knows it.
    """
    lines = option_lines or []

    def at(i):
        return lines[i] if i < len(lines) and lines[i] else q.line

    if is_blank(q.text, q.text_format) and not referenced_files(q.text) and q.qtype != "cloze":
        report("warning", q.line, Message(N_("the question text is empty")))

    if q.qtype in ("multichoice", "shortanswer", "numerical"):
        # qformat_default::importprocess: every weight must be one of Moodle's grades ("invalid grade")
        for i, a in enumerate(q.answers):
            if a.fraction not in _EXACT and not is_moodle_fraction(a.fraction):
                report("error", at(i), Message(N_(
                    "answer weight %(weight)s is not a grade Moodle accepts (100%%, 90%%, 83.33333%%, 80%%, 75%%, "
                    "70%%, 66.66667%%, 60%%, 50%%, 40%%, 33.33333%%, 30%%, 25%%, 20%%, 16.66667%%, 14.28571%%, 12.5%%, "
                    "11.11111%%, 10%%, 5%%, 0%% or their negatives)"), weight=percent(a.fraction)))

    if q.qtype == "multichoice":
        _check_multichoice(q, report, at)
    elif q.qtype == "shortanswer":
        if not q.answers:
            report("error", q.line, Message(N_("a short-answer question needs at least one answer")))
        elif max(a.fraction for a in q.answers) < 1 - 1e-7:
            # qtype_shortanswer::save_question_options refuses it (fractionsnomax)
            best = percent(max(a.fraction for a in q.answers))
            report("error", q.line, Message(N_("no answer is worth 100%% (the best is %(best)s); Moodle refuses a "
                                               "short-answer question without a fully correct answer"), best=best))
        _duplicates(q, report, at, [a.text for a in q.answers], _TWICE["answer"], casefold=not q.case_sensitive)
        for i, a in enumerate(q.answers):
            if not a.text.strip():
                report("warning", at(i), Message(N_("an answer is empty; no response can ever match it")))
    elif q.qtype == "numerical":
        if not q.answers:
            report("error", q.line, Message(N_("a numerical question needs at least one answer")))
        elif max(a.fraction for a in q.answers) < 1 - 1e-7:
            report("warning", q.line, Message(N_("no answer is worth 100%% (the best is %(best)s), so nobody can get "
                                                 "full marks"), best=percent(max(a.fraction for a in q.answers))))
        for i, a in enumerate(q.answers):
            if a.tolerance < 0:
                report("warning", at(i), Message(N_("the tolerance of answer %(answer)s is negative (%(tolerance)s); "
                                                    "Moodle uses its absolute value"),
                                                 answer=a.text, tolerance=number_text(a.tolerance)))
        if q.units and not any(abs(u.multiplier - 1) < 1e-12 for u in q.units):
            report("warning", q.line, Message(N_("no unit has multiplier 1, so answers are not in any of the units "
                                                 "given")))
    elif q.qtype == "matching":
        stems = [p for p in q.pairs if p.stem.strip()]
        if len(stems) < 2:
            report("error", q.line, Message(N_("a matching question needs at least 2 items to match, it has "
                                               "%(count)d"), count=len(stems)))
        for i, p in enumerate(q.pairs):
            if p.stem.strip() and not p.answer.strip():
                report("error", at(i), Message(N_("item '%(item)s' has no matching answer"),
                                               item=plain_text(p.stem)[:40]))
        choices = {p.answer.strip() for p in q.pairs if p.answer.strip()}
        if len(stems) >= 2 and len(choices) < 3:
            report("warning", q.line, Message(N_("only %(count)d different answers to choose from; Moodle's editing "
                                                 "form asks for at least 3 (add a distractor)"), count=len(choices)))
        _duplicates(q, report, at, [p.stem for p in q.pairs if p.stem.strip()], _TWICE["item"])
    elif q.qtype == "truefalse":
        right = [a for a in q.answers if a.fraction > 0]
        if len(q.answers) != 2 or {a.text for a in q.answers} != {"true", "false"} or len(right) != 1:
            report("error", q.line, Message(N_("a true/false question needs exactly the answers 'true' and 'false', "
                                               "one of them right")))


def _check_multichoice(q, report, at):
    filled = [a for a in q.answers if a.text.strip()]
    if len(filled) < len(q.answers):
        for i, a in enumerate(q.answers):
            if not a.text.strip():
                report("warning", at(i), Message(N_("an option is empty; Moodle leaves it out")))
    if len(filled) < 2:
        report("error", q.line, Message(N_("a multiple-choice question needs at least 2 options, it has %(count)d"),
                                        count=len(filled)))
        return
    if q.single:
        best = max([a.fraction for a in filled])
        if best < 1 - 1e-7:
            report("warning", q.line, Message(N_("no option is worth 100%% (the best is %(best)s), so nobody can get "
                                                 "full marks"), best=percent(best)))
    else:
        total = round(sum(a.fraction for a in filled if a.fraction > 0), 2)
        if abs(total - 1) > 1e-9:
            report("warning", q.line, Message(N_("the positive weights of this multiple-answer question add up to "
                                                 "%(total)s%%, not 100%%"), total=percent_text(total)))
    _duplicates(q, report, at, [a.text for a in q.answers], _TWICE["option"])


_TWICE = {
    "option": N_("option '%(text)s' appears twice (first as option %(first)d)"),
    "answer": N_("answer '%(text)s' appears twice (first as answer %(first)d)"),
    "item": N_("item '%(text)s' appears twice (first as item %(first)d)"),
}


def _duplicates(q, report, at, texts, template, casefold=True):
    seen = {}
    key_of = _text_key if casefold else plain_text
    for i, text in enumerate(texts):
        key = key_of(text)
        if not key:
            continue
        if key in seen:
            report("warning", at(i), Message(template, text=plain_text(text)[:60], first=seen[key] + 1))
        else:
            seen[key] = i


def check_files(q: Question, report):
    """Images referenced as @@PLUGINFILE@@/name that the file does not contain."""
    texts = [q.text, q.general_feedback, q.correct_feedback, q.partially_correct_feedback, q.incorrect_feedback,
             q.grader_info, *(a.text for a in q.answers), *(a.feedback for a in q.answers),
             *(p.stem for p in q.pairs)]
    for f in q.fields:
        texts += [a.feedback for a in f.answers]
    if not q.files and not any(PLUGINFILE in t for t in texts):
        return
    missing = []
    for text in texts:
        for name in referenced_files(text):
            if name not in q.files and name not in missing:
                missing.append(name)
    for name in missing:
        report("warning", q.line, Message(N_("file '%(name)s' is referenced (@@PLUGINFILE@@/%(name)s) but not "
                                             "included in the file"), name=name))
