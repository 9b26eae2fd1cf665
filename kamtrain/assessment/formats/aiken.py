"""Aiken: single-answer multiple choice, one question per stem line, as Moodle's ``qformat_aiken``
reads and writes it (question/format/aiken/format.php).

    Question text on one line
    A) first option
    B. second option
    ANSWER: B

Moodle's rules are kept: an option line is ``^[A-Z][).]`` (the space after it is optional), only
the first letter after ``ANSWER:`` counts, lines shorter than two bytes are ignored, texts are
HTML-escaped. Where Moodle drops a question silently (no ANSWER line before the end of the
file) it is an error here; where Moodle would read a Chinese-style line such as ``A、选项`` or
``ANSWER：B`` as the start of a new question, the line is reported precisely.
"""

from __future__ import annotations

import re

from kamtrain.assessment.questions import Answer, Question

from .common import N_, Message, check_files, check_question, default_name, normalise_category, php_trim, plain_text

_OPTION = re.compile(r"^[A-Z][).][ \t]?")
_ALMOST_OPTION = re.compile(r"^[A-Z]\s*[）、．:：]")
_ALMOST_ANSWER = re.compile(r"^(?i:answer)\s*[:：]\s*[A-Za-z]?\s*$")


def _escape(text: str) -> str:
    """PHP htmlspecialchars(…, ENT_NOQUOTES): & < > only."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class AikenReader:
    def __init__(self, text: str, default_category: str, collector):
        self.text = text
        self.out = collector
        self.category = normalise_category(default_category)
        self.questions: list[Question] = []
        self.current: Question | None = None
        self.letters: list[str] = []
        self.option_lines: list[int] = []

    def read(self):
        for number, raw in enumerate(re.split(r"\r\n|\r|\n", self.text), 1):
            line = php_trim(raw)
            if len(line.encode("utf-8")) < 2:
                continue
            if _OPTION.match(line):
                self._option(number, line[0], line[2:])
            elif line.startswith("ANSWER:"):
                self._answer(number, line)
            elif self.current is not None and _ALMOST_ANSWER.match(line):
                self.out.error(number, Message(N_("'%(line)s' must be written 'ANSWER: X' (capitals and an ASCII "
                                                  "colon); Moodle would read this line as the start of a new "
                                                  "question"), line=line[:20]), self.current.name)
                self._answer(number, "ANSWER:" + re.split("[:：]", line, maxsplit=1)[1])
            elif self.current is not None and _ALMOST_OPTION.match(line):
                self.out.error(number, Message(N_("option '%(option)s' must start with a capital letter and ')' or "
                                                  "'.', such as 'A) ' or 'A. '; Moodle would read it as the start of "
                                                  "a new question"), option=line[:12]), self.current.name)
                self._option(number, line[0], re.sub(r"^[A-Z]\s*[）、．:：]", "", line))
            else:
                self._stem(number, line)
        if self.current is not None:
            self.out.error(self.current.line, Message(N_("this question has no 'ANSWER:' line before the end of the "
                                                         "file; Moodle would drop it silently")), self.current.name)
        return self.questions, ([self.category] if self.questions else [])

    def _stem(self, number, line):
        if self.current is not None:
            self.out.error(number, Message(N_("the question that starts on line %(start)d is not completed (no "
                                              "'ANSWER:' line) before the next question starts on line %(next)d"),
                                           start=self.current.line, next=number), self.current.name)
        q = Question(qtype="multichoice", name=default_name(line, "plain"), text=_escape(line), text_format="html",
                     category=self.category)
        q.line = number
        self.current, self.letters, self.option_lines = q, [], []

    def _option(self, number, letter, rest):
        if self.current is None:
            self.out.error(number, Message(N_("option '%(letter)s)' comes before any question text (question not "
                                              "started)"), letter=letter))
            return
        self.current.answers.append(Answer(text=_escape(php_trim(rest)), fraction=0.0))
        self.letters.append(letter)
        self.option_lines.append(number)

    def _answer(self, number, line):
        q = self.current
        if q is None:
            self.out.error(number, Message(N_("'ANSWER:' comes before any question text (question not started)")))
            return
        letter = php_trim(line[line.index(":") + 1:])[:1]
        self.current = None
        if len(q.answers) < 2:
            self.out.error(number, Message(N_("the question must have at least 2 options, it has %(count)d"),
                                           count=len(q.answers)), q.name)
            return
        expected = [chr(ord("A") + i) for i in range(len(q.answers))]
        if self.letters != expected:
            self.out.warn(self.option_lines[0], Message(N_("the options are lettered %(letters)s; Moodle ignores the "
                                                           "letters and counts options in order (A, B, C …)"),
                                                        letters=", ".join(self.letters)), q.name)
        index = ord(letter) - ord("A") if letter else -65
        suppressed = set()
        if 0 <= index < len(q.answers):
            q.answers[index].fraction = 1.0
        else:
            if not letter:
                template = N_("ANSWER gives nothing but the options are %(first)s–%(last)s; no option is marked "
                              "correct")
            elif letter.upper() in expected:
                template = N_("ANSWER gives '%(letter)s' (letters are capitals) but the options are "
                              "%(first)s–%(last)s; no option is marked correct")
            else:
                template = N_("ANSWER gives '%(letter)s' but the options are %(first)s–%(last)s; no option is marked "
                              "correct")
            params = {"first": expected[0], "last": expected[-1], **({"letter": letter} if letter else {})}
            self.out.warn(number, Message(template, **params), q.name)
            suppressed.add("no option is worth 100%")

        def report(severity, line_no, message):
            if not any(message.startswith(s) for s in suppressed):
                (self.out.error if severity == "error" else self.out.warn)(line_no, message, q.name)

        check_question(q, report, self.option_lines)
        check_files(q, report)
        self.questions.append(q)


def read(text: str, default_category: str, collector):
    return AikenReader(text, default_category, collector).read()


# ====================================================================================== writing

def _plain(text: str, text_format: str) -> str:
    return plain_text(text, text_format).replace("\n", " ")


def exportable(q: Question) -> bool:
    """Single-answer multiple choice with 2–26 options, one of them right and the others worth 0."""
    if q.qtype != "multichoice" or not q.single or not 2 <= len(q.answers) <= 26:
        return False
    if sorted(round(a.fraction, 7) for a in q.answers) != [0.0] * (len(q.answers) - 1) + [1.0]:
        return False
    stem = _plain(q.text, q.text_format)
    if len(stem.encode("utf-8")) < 2 or _OPTION.match(stem) or stem.startswith("ANSWER:"):
        return False
    return all(_plain(a.text, q.text_format) for a in q.answers)


def write_question(q: Question) -> str:
    out = [_plain(q.text, q.text_format)]
    right = "A"
    for i, a in enumerate(q.answers):
        letter = chr(ord("A") + i)
        out.append(f"{letter}) {_plain(a.text, q.text_format)}")
        if a.fraction > 0.99:
            right = letter
    out.append(f"ANSWER: {right}")
    return "\n".join(out) + "\n"


def write(questions) -> str:
    return "\n".join(write_question(q) for q in questions if exportable(q))
