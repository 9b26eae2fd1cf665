"""Embedded answers (Cloze): ``{1:MULTICHOICE:=right#feedback~wrong}`` inside a question text.

Parsing follows Moodle's ``qtype_multianswer_extract_question`` and
``qtype_multianswer_validate_question`` (question/type/multianswer/questiontype.php): the same
regular expressions, the same type keywords (MULTICHOICE/MC, MULTICHOICE_V/MCV, MULTICHOICE_H/MCH,
the shuffled _S/_VS/_HS variants, MULTIRESPONSE/MR with _H/_S/_HS, SHORTANSWER/SA/MW,
SHORTANSWER_C/SAC/MWC, NUMERICAL/NM), weights ``{2:…}``, ``%n%`` fractions, ``#`` feedback, ``\\}``
and ``\\#`` escapes and HTML entities in answers. A MULTIRESPONSE field's positive fractions are
scaled to add up to 100 %, and without any ``%n%`` its wrong answers each cancel one right answer,
as Moodle does.

The question text keeps ``{#1}``, ``{#2}`` … where the fields stood.
"""

from __future__ import annotations

import html
import re

from kamtrain.assessment.questions import Answer, ClozeField, Question

from .common import N_, Message, canonical_fraction, number_text, percent_text

_FRACTION = r"=|%(-?[0-9]+(?:[.,][0-9]*)?)%"
_ANSWER = r".+?(?<!\\)(?=[~#}]|$)"
_FEEDBACK = r".*?(?<!\\)(?=[~}]|$)"
_ALTERNATIVE = f"({_FRACTION})?({_ANSWER})(#({_FEEDBACK}))?"
_TYPES = ("(NUMERICAL|NM)|(MULTICHOICE|MC)|(MULTICHOICE_V|MCV)|(MULTICHOICE_H|MCH)|"
          "(SHORTANSWER|SA|MW)|(SHORTANSWER_C|SAC|MWC)|"
          "(MULTICHOICE_S|MCS)|(MULTICHOICE_VS|MCVS)|(MULTICHOICE_HS|MCHS)|"
          "(MULTIRESPONSE|MR)|(MULTIRESPONSE_H|MRH)|(MULTIRESPONSE_S|MRS)|(MULTIRESPONSE_HS|MRHS)")
# Moodle's ANSWER_REGEX. Python's re backtracks exponentially on it when a field is not closed
# ("{1:SA:a~a~a~…"), so fields are found by ``find_fields`` below, which returns exactly the same
# matches in linear time; the expression is kept as the reference the tests compare against.
ANSWER_REGEX = re.compile(r"\{([0-9]*):(" + _TYPES + "):(" + _ALTERNATIVE + "(~" + _ALTERNATIVE + r")*)\}", re.S)
_HEADER = re.compile(r"\{([0-9]*):(" + _TYPES + "):")
_FRACTION_AT = re.compile(_FRACTION)
_ALTERNATIVE_REGEX = re.compile("~?" + _ALTERNATIVE, re.S)
_NUMBER = r"-?(([0-9]+[.,]?[0-9]*|[.,][0-9]+)([eE][-+]?[0-9]+)?)"
_NUMERICAL_ALTERNATIVE = re.compile(f"^({_NUMBER})(:{_NUMBER})?$", re.S)
_VALID_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][-+]?[0-9]+)?$")
_LOOKS_LIKE_FIELD = re.compile(r"\{[0-9]*:[A-Za-z_]+[:}]")
PLACEHOLDER = re.compile(r"\{#(\d+)\}")

# regex group (3…15) → kind, display, multiple, shuffle
_KINDS = {
    3: ("numerical", "dropdown", False, False),
    4: ("multichoice", "dropdown", False, False),
    5: ("multichoice", "vertical", False, False),
    6: ("multichoice", "horizontal", False, False),
    7: ("shortanswer", "dropdown", False, False),
    8: ("shortanswer", "dropdown", False, False),
    9: ("multichoice", "dropdown", False, True),
    10: ("multichoice", "vertical", False, True),
    11: ("multichoice", "horizontal", False, True),
    12: ("multichoice", "vertical", True, False),
    13: ("multichoice", "horizontal", True, False),
    14: ("multichoice", "vertical", True, True),
    15: ("multichoice", "horizontal", True, True),
}


def _unescape(text: str) -> str:
    """What Moodle does to an answer or feedback: HTML entities decoded, ``\\}`` and ``\\#`` unescaped
    (and ``\\~`` → ``~``, which Moodle's code leaves as written)."""
    text = html.unescape(text)
    return text.replace("\\}", "}").replace("\\#", "#").replace("\\~", "~").strip()


def parse_fields(text: str):
    """``(text with {#n} placeholders, fields, errors, warnings)``; errors are Moodle's reasons to
    refuse the question ("invalidmultianswerquestion"), warnings what is legal but suspicious."""
    fields: list[ClozeField] = []
    errors: list[str] = []
    warnings: list[str] = []
    text = text or ""
    if PLACEHOLDER.search(text):
        warnings.append(Message(N_("the text already contains a placeholder like {#1}; it will be confused with an "
                                   "embedded answer")))
    out, position = [], 0
    for start, end, header in find_fields(text):
        out.append(text[position:start])
        fields.append(_field(header, text[header.end():end - 1]))
        out.append(f"{{#{len(fields)}}}")
        position = end
    out.append(text[position:])
    result = "".join(out)

    for m in _LOOKS_LIKE_FIELD.finditer(result):
        warnings.append(Message(N_("'%(text)s' looks like an embedded answer but is not one (unknown type, or no "
                                   "answer, or no closing }); it stays in the text as written"), text=m[0]))
    if not fields:
        errors.append(Message(N_("The question text must include at least one embedded answer, such as "
                                 "{1:SHORTANSWER:=answer}.")))
    for n, field in enumerate(fields, 1):
        errors += [Message(N_("embedded answer %(n)d: %(reason)s"), n=n, reason=message)
                   for message in _validate(field)]
    return result, fields, errors, warnings


def parse(text: str):
    """``(text with placeholders, fields, errors)`` — the editor's and importers' entry point."""
    result, fields, errors, _warnings = parse_fields(text)
    return result, fields, errors


def find_fields(text: str):
    """``(start, end, header match)`` of every embedded answer, left to right: the matches of Moodle's
    ANSWER_REGEX, found without backtracking.

    The regex is ``{n:TYPE:`` ALT (``~`` ALT)* ``}`` with ALT = fraction? answer (``#`` feedback)?,
    the answer lazily up to an unescaped ``~ # }``, the feedback lazily up to an unescaped ``~ }``.
    Working from the end of the text backwards, each table below says whether the rest of a match
    can succeed from a position, in the regex engine's order of preference (optional parts tried
    first, lazy parts as short as possible, another ``~`` alternative before the closing brace).
    """
    n = len(text)
    if "{" not in text:
        return []
    fraction = [0] * (n + 2)  # length of a fraction (= or %n%) starting here
    after_alt = bytearray(n + 2)  # after an alternative: "~" and another one, or the closing "}"
    alt_start = bytearray(n + 2)  # an alternative (and the rest of the field) can start here
    fb_next = [-1] * (n + 2)  # first feedback end >= i from which the rest succeeds
    ans_next = [-1] * (n + 2)  # first answer end >= i from which the rest succeeds
    for i in range(n - 1, -1, -1):
        c = text[i]
        escaped = i > 0 and text[i - 1] == "\\"
        after_alt[i] = (c == "~" and alt_start[i + 1]) or c == "}"
        fb_next[i] = i if c in "~}" and not escaped and after_alt[i] else fb_next[i + 1]
        after_answer = (c == "#" and fb_next[i + 1] != -1) or after_alt[i]
        ans_next[i] = i if c in "~#}" and not escaped and after_answer else ans_next[i + 1]
        if c == "=":
            fraction[i] = 1
        elif c == "%":
            m = _FRACTION_AT.match(text, i)
            fraction[i] = m.end() - i if m else 0
        f = fraction[i]
        alt_start[i] = (f and i + f + 1 <= n and ans_next[i + f + 1] != -1) or ans_next[i + 1] != -1

    def closing(p):
        while True:
            f = fraction[p]
            e = ans_next[p + f + 1] if f and p + f + 1 <= n and ans_next[p + f + 1] != -1 else ans_next[p + 1]
            if text[e] == "#" and fb_next[e + 1] != -1:
                e = fb_next[e + 1]
            if text[e] == "~" and alt_start[e + 1]:
                p = e + 1
                continue
            return e  # the closing "}"

    found, position = [], 0
    while True:
        header = _HEADER.search(text, position)
        if header is None:
            return found
        body = header.end()
        if body < n and alt_start[body]:
            end = closing(body) + 1
            found.append((header.start(), end, header))
            position = end
        else:
            position = header.start() + 1


def _field(header, body) -> ClozeField:
    group = next(g for g in range(3, 16) if header.group(g))
    kind, display, multiple, shuffle = _KINDS[group]
    field = ClozeField(kind=kind, weight=int(header[1]) if header[1] else 1, display=display, multiple=multiple,
                       shuffle=shuffle, case_sensitive=group == 8)
    specific = False
    for alt in _ALTERNATIVE_REGEX.finditer(body):
        if not alt[3].strip() and alt[1] is None and not (alt[5] or "").strip():
            continue  # a blank alternative: Moodle stores nothing for it
        if alt[1] == "=":
            fraction = 1.0
        elif alt[2] and alt[2] != "0":  # PHP: the string "0" is false, "0.0" is not
            fraction = float(alt[2].replace(",", ".")) / 100
            specific = True
        else:
            fraction = 0.0
        feedback = _unescape(alt[5]) if alt[4] is not None else ""
        raw = alt[3]
        number = _NUMERICAL_ALTERNATIVE.match(raw) if kind == "numerical" else None
        if number:
            answer = Answer(text=number[1].replace(",", "."), fraction=fraction, feedback=feedback,
                            tolerance=abs(float(number[6].replace(",", "."))) if number[5] else 0.0)
        else:
            answer = Answer(text=_unescape(raw), fraction=fraction, feedback=feedback)
        field.answers.append(answer)
    if field.multiple:
        # a multi-response field's right answers add up to 1; without explicit %n% each wrong
        # answer cancels one right answer
        total = sum(a.fraction for a in field.answers if a.fraction > 0)
        if total:
            for a in field.answers:
                if a.fraction > 0:
                    a.fraction = a.fraction / total
                elif not specific:
                    a.fraction = -1.0 / total
    for a in field.answers:
        a.fraction = canonical_fraction(a.fraction)
    return field


def _validate(field: ClozeField):
    filled = [a for a in field.answers if a.text.strip()]
    problems = []
    if field.kind == "numerical":
        for a in filled:
            if a.text.strip() != "*" and not _VALID_NUMBER.match(a.text.strip()):
                problems.append(Message(N_("the answer must be a number, for example -1.234 or 3e8, or '*' (found "
                                           "'%(answer)s')"), answer=a.text))
    if field.kind == "multichoice" and len(filled) < 2:
        problems.append(Message(N_("this type of question requires at least 2 choices")))
    elif not filled:
        problems.append(Message(N_("this type of question requires at least 1 answer")))
    if field.kind == "multichoice" and field.multiple:
        full = any(a.fraction > 0 for a in filled)
    else:
        full = any(abs(a.fraction - 1) < 1e-7 for a in filled)
    if filled and not full:
        problems.append(Message(N_("one of the answers should have a score of %(full)s so it is possible to get "
                                   "full marks"), full="100%"))
    return problems


# ------------------------------------------------------------------------------------ writing

def keyword(field: ClozeField) -> str:
    if field.kind == "numerical":
        return "NUMERICAL"
    if field.kind == "shortanswer":
        return "SHORTANSWER_C" if field.case_sensitive else "SHORTANSWER"
    if field.multiple:
        base = "MULTIRESPONSE" + ("_H" if field.display == "horizontal" else "")
        return base + ("S" if field.shuffle and base.endswith("_H") else "_S" if field.shuffle else "")
    suffix = {"vertical": "_V", "horizontal": "_H"}.get(field.display, "")
    if field.shuffle:
        suffix = suffix + "S" if suffix else "_S"
    return "MULTICHOICE" + suffix


def _escape(text: str) -> str:
    """An answer or feedback written so that Moodle reads it back unchanged: ``&`` and ``\\`` as
    entities without a '#' (a '#' would end the answer), ``#`` and ``}`` with Moodle's backslash
    escapes, ``~`` as ``\\~`` (there is no other way to write it inside an answer: kamtrain reads it back
    as ``~``, Moodle shows the backslash too)."""
    return (text.replace("&", "&amp;").replace("\\", "&bsol;").replace("#", "\\#").replace("}", "\\}")
            .replace("~", "\\~"))


def markup(field: ClozeField) -> str:
    """``{weight:KEYWORD:alternatives}`` for one field."""
    parts = []
    for a in field.answers:
        if field.multiple:
            prefix = f"%{percent_text(a.fraction)}%"
        else:
            prefix = "=" if abs(a.fraction - 1) < 1e-9 else f"%{percent_text(a.fraction)}%"
        if field.kind == "numerical" and a.text.strip() != "*":
            body = a.text.strip() + (f":{number_text(a.tolerance)}" if a.tolerance else "")
        else:
            body = _escape(a.text)
        if a.feedback:
            body += "#" + _escape(a.feedback)
        parts.append(prefix + body)
    return f"{{{field.weight}:{keyword(field)}:{'~'.join(parts)}}}"


def serialise(text: str, fields) -> str:
    """The text with each ``{#n}`` replaced by its field's markup."""
    def replace(m):
        n = int(m[1])
        return markup(fields[n - 1]) if 1 <= n <= len(fields) else m[0]

    return PLACEHOLDER.sub(replace, text or "")


def to_text(question: Question) -> str:
    """A cloze question's text as a trainer writes it (markup in place of the placeholders)."""
    return serialise(question.text, question.fields)
