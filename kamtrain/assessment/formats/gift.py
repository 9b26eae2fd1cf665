"""Moodle GIFT: reading as Moodle's ``qformat_gift::readquestion`` does (question/format/gift/format.php,
blocks split by ``qformat_default::readquestions``), and writing as its ``writequestion`` does.

Moodle's behaviour is kept, including its quirks (a line holding only ``0`` separates questions,
``\\\\`` is a literal backslash, an unescaped ``=`` always starts a new correct option, only the
first ``{…}`` is the answer block); what Moodle would refuse is an error, and what it accepts but
is probably a slip is a warning. Every problem carries the line it is on. Unlike Moodle, a
numerical answer that is not a number is an error (Moodle silently turns it into "any answer").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from decimal import Decimal

from kamtrain.assessment.questions import Answer, MatchPair, Question

from .common import (
    N_,
    PHP_WHITESPACE,
    PLUGINFILE,
    Message,
    canonical_fraction,
    check_files,
    check_question,
    clean_name,
    default_name,
    is_numeric,
    normalise_category,
    number_text,
    percent_text,
    php_trim,
    to_decimal,
)

# Escaped control characters become Unicode noncharacters while parsing (Moodle uses "&&058;" …).
_ESCAPES = {":": "\ufdd0", "#": "\ufdd1", "=": "\ufdd2", "{": "\ufdd3", "}": "\ufdd4", "~": "\ufdd5", "n": "\ufdd6"}
_UNESCAPE = str.maketrans({v: ("\n" if k == "n" else k) for k, v in _ESCAPES.items()})
_PLACEHOLDERS = re.compile("[\ufdd0-\ufdd6]")
_UNESCAPE_CHARS = tuple(_ESCAPES.values())

_WEIGHT = re.compile(r"^%-*([0-9]{1,2})\.?([0-9]*)%")
_LOOKS_LIKE_WEIGHT = re.compile(r"^%[^%\s]{0,12}%")
# [id:…] and [tag:…] in comments, ``\]`` escaping a bracket: what ``\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]``
# matches, with the loop unrolled (a backslash optionally takes the bracket after it), three times as fast
_ID = re.compile(r"\[id:((?=[^\]\x00-\x1f\x7f])[^\]\\\x00-\x1f\x7f]*(?:\\\]?[^\]\\\x00-\x1f\x7f]*)*)\]")
_TAG = re.compile(r"\[tag:([^\]\\<>`\x00-\x1f\x7f]*(?:\\\]?[^\]\\<>`\x00-\x1f\x7f]*)*)\]")
FORMATS = ("moodle", "html", "plain", "markdown")
_TF = {"T": True, "TRUE": True, "F": False, "FALSE": False}


def _pre(line: str):
    """Moodle's escapedchar_pre for one line: ``\\\\`` → ``\\``, ``\\:`` ``\\#`` ``\\=`` ``\\{`` ``\\}`` ``\\~``
    ``\\n`` → placeholders; any other backslash stays as written. Returns the line and, for each of
    its characters, where it was in the line as written (for columns)."""
    out, where, i, n = [], [], 0, len(line)
    while i < n:
        c = line[i]
        if c == "\\" and i + 1 < n:
            nxt = line[i + 1]
            if nxt == "\\" or nxt in _ESCAPES:
                out.append("\\" if nxt == "\\" else _ESCAPES[nxt])
                where.append(i)
                i += 2
                continue
        out.append(c)
        where.append(i)
        i += 1
    return "".join(out), where


# an "=" right after a character that is not white space, "~" or "=" (Moodle's explode splits there anyway)
_GLUED_EQUALS = re.compile(r"(?<=[^ \t\n~=])=")


def _post(text: str) -> str:
    return text.translate(_UNESCAPE)


_LEAD = re.compile("[ \t\n\r\x00\x0b]*")


def _lead(text: str) -> int:
    """How many characters PHP's trim() removes at the start."""
    return _LEAD.match(text).end()


class _Block:
    """One question's lines, joined, with a way back from an offset to a file line.

    ``lines`` are ``(file line number, line stripped, line as written)``. The offsets of the lines
    are worked out only when a line or column is asked for (a clean file rarely asks)."""

    __slots__ = ("comments", "escaped", "parts", "raws", "maps", "base", "text", "first", "_starts")

    def __init__(self, lines):
        comments, parts, maps = [], [], None
        for _number, line, _raw in lines:
            if line.startswith("//"):
                comments.append(line)
                parts.append(" ")
            elif "\\" in line:
                line, where = _pre(line)
                if maps is None:
                    maps = {}
                maps[len(parts)] = where
                parts.append(line)
            else:
                parts.append(line)
        self.comments, self.parts, self.maps, self.escaped = comments, parts, maps or {}, maps is not None
        self.raws = lines
        self._starts = None
        # the lines are stripped and not empty, so the text starts at the first line that is not a comment
        # (comments become a single space)
        first = 0
        for part in parts:
            if part != " ":
                break
            first += 1
        if first == len(parts):
            self.base, self.text, self.first = 0, "", lines[0][0]
            return
        self.first = lines[first][0]
        self.base = 2 * first  # " \n" per comment line before it
        self.text = "\n".join(parts[first:]).rstrip(PHP_WHITESPACE) if first + 1 < len(parts) else parts[first]

    @property
    def starts(self):
        if self._starts is None:
            starts, offset = [], 0
            for part in self.parts:
                starts.append(offset)
                offset += len(part) + 1
            self._starts = starts
        return self._starts

    def line(self, offset: int) -> int:
        """The file line of an offset into ``self.text``."""
        return self.raws[max(0, bisect_right(self.starts, offset + self.base) - 1)][0]

    def column(self, offset: int) -> int:
        """The 1-based column (in the line as written) of an offset into ``self.text``."""
        i = max(0, bisect_right(self.starts, offset + self.base) - 1)
        at = offset + self.base - self.starts[i]
        if i in self.maps:
            where = self.maps[i]
            at = where[at] if at < len(where) else (where[-1] + 2 if where else at)
        raw = self.raws[i][2]
        return len(raw) - len(raw.lstrip(PHP_WHITESPACE)) + at + 1


class _Positions(list):
    """Where each answer of a question starts, as positions in its text; indexing gives its
    ``(line, column)`` (worked out only for the answers a finding is about)."""

    __slots__ = ("where",)

    def __init__(self, where):
        super().__init__()
        self.where = where

    def __getitem__(self, i):
        return self.where(list.__getitem__(self, i))


class GiftReader:
    def __init__(self, text: str, default_category: str, collector):
        self.text = text
        self.out = collector
        self.category = normalise_category(default_category, self._category_warning(1))
        self.questions: list[Question] = []
        self.categories: list[str] = []
        self.category_set = set()

    def _category_warning(self, line):
        return lambda message: self.out.warn(line, message)

    # ------------------------------------------------------------------ file and blocks

    def read(self):
        text = self.text
        if any(c in text for c in _UNESCAPE_CHARS):
            self.out.warn(None, Message(N_("the file contains Unicode noncharacters U+FDD0–U+FDD6; they were removed")))
            text = _PLACEHOLDERS.sub("", text)
        # old Macintosh line ends: a file without any \n is split on \r (Moodle's readdata)
        raw_lines = text.split("\r") if "\n" not in text and "\r" in text else text.split("\n")
        block = []
        whitespace, question = PHP_WHITESPACE, self._question
        for number, raw in enumerate(raw_lines, 1):
            line = raw.strip(whitespace)
            if not line or line == "0":  # PHP's empty(): "0" is empty too
                if block:
                    if line:
                        self.out.warn(number, Message(N_("a line holding only '0' ends the question here (Moodle "
                                                         "treats it as a blank line); write it as part of a longer "
                                                         "line")))
                    question(block)
                    block = []
            else:
                block.append((number, line, raw))
        if block:
            self._question(block)
        return self.questions, self.categories

    def _use_category(self, path):
        if path not in self.category_set:
            self.category_set.add(path)
            self.categories.append(path)

    # ------------------------------------------------------------------ one question

    def _question(self, lines):
        b = _Block(lines)
        text = b.text
        if not text:
            return  # a block of comments only
        first_line = b.first
        if text.startswith("$CATEGORY:"):
            path = _post(text[10:])
            if "\n" in php_trim(path):
                self.out.error(first_line, Message(N_("$CATEGORY must be alone in its block: leave a blank line "
                                                      "after it (the lines after it would become part of the "
                                                      "category name)")))
                path = php_trim(path).split("\n")[0]
            self.category = normalise_category(path, self._category_warning(first_line))
            self._use_category(self.category)
            return
        offset = 0  # offset of text[0] in b.text
        name = None
        if text.startswith("::"):
            end = text.find("::", 2)
            if end == -1:
                self.out.warn(first_line, Message(N_("'::' opens a question name that is never closed with '::'")))
                text, offset = text[2:], 2
            else:
                name = clean_name(_post(text[2:end]) if b.escaped else text[2:end])
                rest = text[end + 2:]
                text = rest.strip(PHP_WHITESPACE)
                offset = end + 2 + len(rest) - len(rest.lstrip(PHP_WHITESPACE))
                if not name:
                    self.out.warn(first_line, Message(N_("the question name between '::' and '::' is empty")))
                    name = None
        q = _Parse(self, b, text, offset, name, first_line)
        q.run()

    # ------------------------------------------------------------------ helpers for _Parse

    def idnumber_and_tags(self, comments):
        if not comments:
            return None, []
        # (neither pattern matches across a line end, so the lines can simply be joined)
        joined = comments[0] if len(comments) == 1 else "\n".join(comments)
        idnumber = None
        m = _ID.search(joined) if "[id:" in joined else None
        if m:
            idnumber = m[1].replace("\\]", "]").strip() or None
        if "[tag:" not in joined:
            return idnumber, []
        found = _TAG.findall(joined)
        if "\\]" in joined:
            found = [t.replace("\\]", "]") for t in found]
        return idnumber, [t for t in map(str.strip, found) if t]


class _Parse:
    """readquestion for one block that is not a category switch."""

    def __init__(self, reader, block, text, offset, name, first_line):
        self.reader, self.b, self.text, self.offset, self.name = reader, block, text, offset, name
        self.first_line = first_line
        self.escaped = block.escaped  # read for every piece of text
        self.problems = []  # (severity, line, message, column)

    def post(self, text):
        return text.translate(_UNESCAPE) if self.escaped else text

    def fmt(self, text, default):
        """Moodle's parse_text_with_format: an optional ``[html]``, ``[moodle]``, ``[plain]`` or
        ``[markdown]`` prefix, then the text unescaped and trimmed."""
        fmt = default
        if text.startswith("["):
            end = text.find("]")
            if end != -1 and text[1:end] in FORMATS:
                fmt = text[1:end]
                text = text[end + 1:]
        if self.escaped:
            text = text.translate(_UNESCAPE)
        return text.strip(PHP_WHITESPACE), fmt

    def line(self, pos):
        """File line of position ``pos`` in self.text."""
        return self.b.line(self.offset + pos)

    def where(self, pos):
        """(line, column) of position ``pos`` in self.text."""
        return self.b.line(self.offset + pos), self.b.column(self.offset + pos)

    def _report(self, severity, where, message):
        line, column = where if isinstance(where, tuple) else (where, None)
        self.problems.append((severity, line, message, column))

    def error(self, pos, message):
        self._add("error", pos, message)

    def warn(self, pos, message):
        self._add("warning", pos, message)

    def _add(self, severity, pos, message):
        if pos is None:
            self.problems.append((severity, self.first_line, message, None))
        else:
            self.problems.append((severity, self.line(pos), message, self.b.column(self.offset + pos)))

    def flush(self, name):
        if not self.problems:
            return
        out = self.reader.out
        for severity, line, message, *column in self.problems:
            (out.error if severity == "error" else out.warn)(line, message, name, column[0] if column else None)

    def run(self):
        text = self.text
        start, finish = text.find("{"), text.find("}")
        description = start == -1 and finish == -1
        if description:
            answertext, a_off = "", 0
        elif start == -1 or finish == -1:
            if finish == -1:
                self.error(start, Message(N_("brace error: '{' has no closing '}' (escape a literal brace as \\{ or "
                                             "\\})")))
            else:
                self.error(finish, Message(N_("brace error: '}' has no opening '{' (escape a literal brace as \\{ or "
                                              "\\})")))
            self.flush(self.name or default_name(self.post(text), "moodle"))
            return
        elif finish < start:
            self.error(finish, Message(N_("brace error: '}' comes before '{' (escape a literal brace as \\{ or \\})")))
            self.flush(self.name or default_name(self.post(text), "moodle"))
            return
        else:
            raw = text[start + 1:finish]
            answertext = raw.strip(PHP_WHITESPACE)
            a_off = start + 1 + len(raw) - len(raw.lstrip(PHP_WHITESPACE))

        if description:
            questiontext = text
        elif text.endswith("}"):
            questiontext = text[:start] + text[finish + 1:]
        else:  # missing-word format
            questiontext = text[:start] + "_____" + text[finish + 1:]

        gf_at = answertext.rfind("####")
        general = ""
        if gf_at != -1:
            general = answertext[gf_at + 4:]
            answertext = answertext[:gf_at].strip(PHP_WHITESPACE)

        qtext, qformat = self.fmt(questiontext, "moodle")
        if general:  # (fmt of an empty text is the empty text)
            general = self.fmt(general.strip(PHP_WHITESPACE), qformat)[0]
        name = self.name or default_name(qtext, qformat)
        idnumber, tags = self.reader.idnumber_and_tags(self.b.comments)

        if not description and ("{" in questiontext or "}" in questiontext):
            self.warn(None, Message(N_("the question text still contains '{' or '}' after the answer block: only "
                                       "the first {…} holds answers; escape literal braces as \\{ and \\}")))

        q = Question(qtype="description", name=name, text=qtext, text_format=qformat, general_feedback=general,
                     category=self.reader.category, idnumber=idnumber, tags=tags)
        q.line = self.first_line
        self.a_off = a_off
        option_lines = _Positions(self.where)
        if description:
            q.default_mark = 0.0
        elif answertext == "":
            q.qtype = "essay"
        elif answertext[0] == "#":
            q.qtype = "numerical"
            ok = self._numerical(q, answertext, option_lines)
        elif "~" in answertext:
            q.qtype = "multichoice"
            ok = self._multichoice(q, answertext, option_lines)
        elif "=" in answertext and "->" in answertext:
            q.qtype = "matching"
            ok = self._matching(q, answertext, option_lines)
        else:
            check = answertext
            if answertext.find("#") > 0:
                check = php_trim(answertext[:answertext.find("#")])
            if check in _TF:
                q.qtype = "truefalse"
                ok = self._truefalse(q, answertext)
            else:
                q.qtype = "shortanswer"
                if check.upper() in _TF and "=" not in check:
                    self.warn(0, Message(N_("'{%(written)s}' is read as a short answer '%(answer)s': true/false "
                                            "questions are written {T}, {TRUE}, {F} or {FALSE} in capitals"),
                                         written=check, answer=self.post(check)))
                ok = self._shortanswer(q, answertext, option_lines)
        if description or q.qtype == "essay":
            ok = True
        if ok:
            check_question(q, self._report, option_lines)
            if PLUGINFILE in text:  # no other text can hold a reference (GIFT files carry no files)
                check_files(q, self._report)
        self.flush(name)
        if ok:
            self.reader._use_category(q.category)
            self.reader.questions.append(q)

    # ------------------------------------------------------------------ splitting helpers

    def _segments(self, answertext, split_tilde: bool):
        """``(position, text)`` pieces as Moodle's explode gives them: for multiple choice every
        ``~`` ends a piece and every ``=`` starts one (kept); otherwise every ``=`` separates."""
        pieces, start = [], 0
        for chunk in (answertext.split("~") if split_tilde else (answertext,)):
            if "=" in chunk:
                parts = chunk.split("=")
                at = start + len(parts[0])
                pieces.append((start, parts[0]))
                for part in parts[1:]:
                    pieces.append((at, "=" + part) if split_tilde else (at + 1, part))
                    at += len(part) + 1
            else:
                pieces.append((start, chunk))
            start += len(chunk) + 1
        first_pos, first = pieces[0]
        first = first.strip(PHP_WHITESPACE)
        if first == "" or first == "0":
            if first == "0":
                self.warn(self.a_off + first_pos, Message(N_("the '0' before the first answer is ignored (as Moodle "
                                                             "does)")))
            pieces.pop(0)
        elif split_tilde:
            self.warn(self.a_off + first_pos, Message(N_("'%(text)s' before the first ~ or = becomes a wrong "
                                                         "option; start every option with ~ or ="),
                                                      text=self.post(first)[:40]))
        ws, a_off = PHP_WHITESPACE, self.a_off
        return [(a_off + pos + len(piece) - len(piece.lstrip(ws)), piece.strip(ws)) for pos, piece in pieces]

    def _unescaped_equals(self, answertext):
        """An ``=`` glued to the text before it was most likely meant as part of that text."""
        for m in _GLUED_EQUALS.finditer(answertext):
            i = m.start()
            before = self.post(answertext[max(0, i - 12):i]).split("\n")[-1]
            after = self.post(answertext[i + 1:i + 13]).split("\n")[0]
            self.warn(self.a_off + i, Message(N_("the '=' in '…%(before)s=%(after)s…' is not escaped, so it starts a "
                                                 "new correct answer; write \\= if it is part of the text"),
                                              before=before, after=after))

    def _weight(self, pos, piece):
        """(fraction or None when invalid, rest of the piece)."""
        if not piece.startswith("%"):  # neither pattern can match
            return None, piece
        m = _WEIGHT.match(piece)
        if not m:
            if _LOOKS_LIKE_WEIGHT.match(piece):
                self.warn(pos, Message(N_("'%(weight)s' looks like a weight but is not one Moodle reads (write "
                                          "%%50%%, %%-25%%, %%33.33333%%); it stays part of the text"),
                                       weight=piece[:piece.index("%", 1) + 1]))
            return None, piece
        end = piece.index("%", 1)
        value = to_decimal(piece[1:end])
        if value is None:
            self.error(pos, Message(N_("weight '%(weight)s' is not a number"), weight=piece[:end + 1]))
            return 0.0, piece[end + 1:]
        return canonical_fraction(float(value / 100)), piece[end + 1:]

    def _comment(self, piece, fmt):
        if "#" not in piece:
            return self.fmt(piece.strip(PHP_WHITESPACE), fmt)[0], ""
        text, _hash, feedback = piece.partition("#")
        return self.fmt(text.strip(PHP_WHITESPACE), fmt)[0], self.fmt(feedback.strip(PHP_WHITESPACE), fmt)[0]

    # ------------------------------------------------------------------ types

    def _multichoice(self, q, answertext, option_lines):
        q.single = "=" in answertext
        if q.single:
            self._unescaped_equals(answertext)
        pieces = self._segments(answertext, split_tilde=True)
        if len(pieces) < 2:
            self.error(None, Message(N_("a multiple-choice question needs at least 2 options, it has %(count)d"),
                                     count=len(pieces)))
            return False
        for pos, piece in pieces:
            if piece.startswith("="):
                fraction, piece = 1.0, piece[1:]
                weight = _WEIGHT.match(piece) if piece.startswith("%") else None
                if weight:
                    self.warn(pos, Message(N_("'=%(weight)s' in a multiple-choice question: '=' makes the option "
                                              "fully right and '%(weight)s' stays part of its text; write ~%(weight)s "
                                              "for partial credit"), weight=weight[0]))
            else:
                fraction, piece = self._weight(pos, piece)
                fraction = 0.0 if fraction is None else fraction
            text, feedback = self._comment(piece, q.text_format)
            q.answers.append(Answer(text=text, fraction=fraction, feedback=feedback))
            option_lines.append(pos)
        right = [a for a in q.answers if abs(a.fraction - 1) < 1e-9]
        if q.single and len(right) > 1:
            self.warn(None, Message(N_("%(count)d options are marked right with '=' in a single-answer question "
                                       "(either one gets full marks); if an '=' is part of an option's text, escape "
                                       "it as \\="), count=len(right)))
        return True

    def _matching(self, q, answertext, option_lines):
        pieces = self._segments(answertext, split_tilde=False)
        if len(pieces) < 2:
            self.error(None, Message(N_("a matching question needs at least 2 pairs, it has %(count)d"),
                                     count=len(pieces)))
            return False
        ok = True
        for pos, piece in pieces:
            marker = piece.find("->")
            if marker == -1:
                self.error(pos, Message(N_("matching pair '%(pair)s' has no '->' (write =item -> answer)"),
                                        pair=self.post(piece)[:40]))
                ok = False
                continue
            stem, _f = self.fmt(piece[:marker], q.text_format)
            q.pairs.append(MatchPair(stem=stem, answer=self.post(piece[marker + 2:]).strip(PHP_WHITESPACE)))
            option_lines.append(pos)
        return ok

    def _truefalse(self, q, answertext):
        bits = answertext.split("#", 2)
        value = _TF[self.fmt(php_trim(bits[0]), q.text_format)[0]]
        wrong = self.fmt(php_trim(bits[1]), q.text_format)[0] if len(bits) > 1 else ""
        right = self.fmt(php_trim(bits[2]), q.text_format)[0] if len(bits) > 2 else ""
        q.answers = [Answer("true", 1.0 if value else 0.0, right if value else wrong),
                     Answer("false", 0.0 if value else 1.0, wrong if value else right)]
        q.penalty = 1.0
        return True

    def _shortanswer(self, q, answertext, option_lines):
        if "=" in answertext:
            self._unescaped_equals(answertext)
        pieces = self._segments(answertext, split_tilde=False)
        if not pieces:
            self.error(None, Message(N_("a short-answer question needs at least one answer")))
            return False
        for pos, piece in pieces:
            fraction, piece = self._weight(pos, piece)
            text, feedback = self._comment(piece, q.text_format)
            q.answers.append(Answer(text=text, fraction=1.0 if fraction is None else fraction, feedback=feedback))
            option_lines.append(pos)
        return True

    def _numerical(self, q, answertext, option_lines):
        self.a_off += 1
        answertext = answertext[1:]
        wrong = None
        tilde = answertext.find("~")
        if tilde != -1:
            wrong, wrong_pos = answertext[tilde:], self.a_off + tilde
            answertext = answertext[:tilde]
        pieces = self._segments(answertext, split_tilde=False)
        if not pieces:
            self.error(None, Message(N_("a numerical question needs at least one answer (write {#number} or "
                                        "{#number:tolerance})")))
            return False
        ok = True
        for pos, piece in pieces:
            fraction, piece = self._weight(pos, piece)
            value, feedback = self._comment(piece, q.text_format)
            fraction = 1.0 if fraction is None else fraction
            answer = self._number(pos, value)
            if answer is None:
                ok = False
                continue
            answer.fraction, answer.feedback = fraction, feedback
            q.answers.append(answer)
            option_lines.append(pos)
        if wrong is not None:
            _ignored, feedback = self._comment(wrong, q.text_format)
            q.answers.append(Answer(text="*", fraction=0.0, feedback=feedback))
            option_lines.append(wrong_pos)
        return ok

    def _number(self, pos, value):
        """An answer from ``n``, ``n:tolerance`` or ``min..max``; None (and an error) when not numbers."""
        if value.find("..") > 0:
            low, high = php_trim(value[:value.find("..")]), php_trim(value[value.find("..") + 2:])
            lo, hi = to_decimal(low), to_decimal(high)
            if lo is None or hi is None:
                self.error(pos, Message(N_("range '%(range)s' must be two numbers, min..max"), range=value))
                return None
            if lo > hi:
                self.warn(pos, Message(N_("range '%(range)s' runs backwards (the minimum is larger than the "
                                          "maximum)"), range=value))
            middle = (lo + hi) / 2
            return Answer(text=number_text(middle), fraction=1.0, tolerance=float(hi - middle))
        if value.find(":") > 0:
            number, tolerance = php_trim(value[:value.find(":")]), php_trim(value[value.find(":") + 1:])
        else:
            number, tolerance = php_trim(value), "0"
        if number != "*" and not is_numeric(number):
            self.error(pos, Message(N_("answer '%(answer)s' is not a number (write {#12.5}, {#12.5:0.1} or "
                                       "{#12..13}; use a decimal point, not a comma)"), answer=number))
            return None
        if not is_numeric(tolerance):
            self.error(pos, Message(N_("tolerance '%(tolerance)s' of answer %(answer)s is not a number"),
                                    tolerance=tolerance, answer=number))
            return None
        return Answer(text=number, fraction=1.0, tolerance=float(Decimal(tolerance.strip())))


def read(text: str, default_category: str, collector):
    return GiftReader(text, default_category, collector).read()


# ====================================================================================== writing

def _repchar(text: str) -> str:
    """Moodle's repchar: escape the control characters and new lines."""
    return (text.replace("\\", "\\\\").replace("#", "\\#").replace("=", "\\=").replace("~", "\\~")
            .replace("{", "\\{").replace("}", "\\}").replace(":", "\\:").replace("\n", "\\n").replace("\r", ""))


def _write_text(text: str, fmt: str, default: str = "moodle") -> str:
    """Moodle's write_questiontext, plus an explicit format whenever the text itself starts with '['
    (otherwise a text like "[html] tags" would lose its start on import)."""
    fmt = fmt if fmt in FORMATS else "html"
    prefix = f"[{fmt}]" if text and (fmt != default or text.startswith("[")) else ""
    return prefix + _repchar(text)


def exportable(q: Question) -> bool:
    if q.qtype not in ("multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay", "description"):
        return False
    if q.qtype == "multichoice":
        return len([a for a in q.answers if a.text.strip()]) >= 2
    if q.qtype == "shortanswer":
        # '=' and '->' together would make Moodle read the block as a matching question
        return bool(q.answers) and not any("->" in a.text or "->" in a.feedback for a in q.answers)
    if q.qtype == "numerical":
        return bool(q.answers) and all(a.text.strip() == "*" or is_numeric(a.text) for a in q.answers)
    if q.qtype == "matching":
        return len(q.pairs) >= 2 and not any("->" in p.stem for p in q.pairs)
    return True


def _comment_line(q: Question) -> str:
    bits = []
    if q.idnumber and not re.search(r"[\x00-\x1f\x7f]", q.idnumber):
        bits.append("[id:" + q.idnumber.replace("]", "\\]") + "]")
    for tag in q.tags:
        if tag.strip() and not re.search(r"[<>`\x00-\x1f\x7f]", tag):
            bits.append("[tag:" + tag.replace("]", "\\]") + "]")
    return "// " + " ".join(bits) + "\n" if bits else ""


def _general(q: Question, indent="\t") -> str:
    if not q.general_feedback:
        return ""
    text = "####" + _write_text(q.general_feedback, q.text_format, q.text_format)
    return indent + text + "\n" if indent else text


def write_question(q: Question) -> str:
    fmt = q.text_format if q.text_format in FORMATS else "html"
    out = _comment_line(q) + "::" + _repchar(q.name) + "::" + _write_text(q.text, fmt)
    if q.qtype == "description":
        return out + "\n"
    if q.qtype == "essay":
        return out + "{" + _general(q, "") + "}\n"
    if q.qtype == "truefalse":
        true = next((a for a in q.answers if a.text == "true"), Answer("true", 0.0))
        false = next((a for a in q.answers if a.text == "false"), Answer("false", 0.0))
        value = q.truefalse_answer
        right, wrong = (true, false) if value else (false, true)
        right_fb = _write_text(right.feedback, fmt, fmt)
        wrong_fb = _write_text(wrong.feedback, fmt, fmt)
        out += "{" + ("TRUE" if value else "FALSE")
        if wrong_fb:
            out += "#" + wrong_fb
        elif right_fb:
            out += "#"
        if right_fb:
            out += "#" + right_fb
        return out + _general(q, "") + "}\n"
    out += "{\n" if q.qtype != "numerical" else "{#\n"
    if q.qtype == "multichoice":
        used_equals = False
        for a in q.answers:
            if q.single and abs(a.fraction - 1) < 1e-9 and not used_equals:
                mark, used_equals = "=", True
            elif a.fraction == 0 and not a.text.startswith("%"):
                mark = "~"
            else:
                mark = f"~%{percent_text(a.fraction)}%"
            line = "\t" + mark + _write_text(a.text, fmt, fmt)
            if a.feedback:
                line += "#" + _write_text(a.feedback, fmt, fmt)
            out += line + "\n"
    elif q.qtype == "shortanswer":
        for a in q.answers:
            text = ("[" + fmt + "]" if a.text.startswith("[") else "") + _repchar(a.text)
            out += f"\t=%{percent_text(a.fraction)}%{text}#{_write_text(a.feedback, fmt, fmt)}\n"
    elif q.qtype == "numerical":
        for i, a in enumerate(q.answers):
            feedback = _write_text(a.feedback, fmt, fmt)
            if a.text.strip() == "*" and a.fraction == 0 and i == len(q.answers) - 1:
                out += f"\t~#{feedback}\n"
            elif a.text.strip() == "*":
                out += f"\t=%{percent_text(a.fraction)}%*#{feedback}\n"
            else:
                out += f"\t=%{percent_text(a.fraction)}%{a.text.strip()}:{number_text(a.tolerance)}#{feedback}\n"
    elif q.qtype == "matching":
        for p in q.pairs:
            out += "\t=" + _write_text(p.stem, fmt, fmt) + " -> " + _repchar(p.answer) + "\n"
    return out + _general(q) + "}\n"


def write(questions) -> str:
    out, category = [], None
    for q in questions:
        if not exportable(q):
            continue
        if q.category != category:
            category = q.category
            out.append(f"$CATEGORY: $course$/{category}\n\n")
        out.append(write_question(q) + "\n")
    return "".join(out)
