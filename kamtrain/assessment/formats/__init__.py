"""Question-bank interchange formats: GIFT, Moodle XML and Aiken in and out, QTI 3.0 out.

``parse(bytes, path)`` never raises for bad input: every problem becomes a ``Finding`` with its
line (and column where known) and the question it belongs to. A file with any error is meant to
be refused as a whole by the caller; warnings flag what Moodle accepts but is probably a slip.
``export(questions, format)`` writes what Moodle (or a QTI 3 player) reads back.
"""

from __future__ import annotations

import gc
import os
import re
from dataclasses import dataclass, field

from kamtrain.assessment.questions import QUESTION_TYPES, Question

from . import aiken, gift, moodlexml, qti3
from .common import N_, Collector, Finding, Message

__all__ = ["Finding", "ParsedFile", "decode", "detect_format", "parse", "export", "exportable", "FORMATS",
           "EXPORT_FORMATS"]

FORMATS = ("gift", "moodlexml", "aiken")
EXPORT_FORMATS = ("gift", "moodlexml", "aiken", "qti3")


@dataclass
class ParsedFile:
    path: str  # as given (display name)
    format: str  # "gift" | "moodlexml" | "aiken"
    encoding: str | None  # "utf-8", "utf-8-sig" when a BOM was stripped; None when refused
    questions: list[Question] = field(default_factory=list)  # category switches excluded
    categories: list[str] = field(default_factory=list)  # category paths seen or used, in order
    warnings: list[Finding] = field(default_factory=list)
    errors: list[Finding] = field(default_factory=list)

    def report(self, translatable=False) -> dict:
        """The per-file object of CONTRACT §2 (``translatable``: findings also carry their message's
        template and parameters, for pages that show them in the reader's language)."""
        by_type = {t: 0 for t in QUESTION_TYPES}
        for q in self.questions:
            by_type[q.qtype] = by_type.get(q.qtype, 0) + 1
        return {
            "path": self.path,
            "format": self.format,
            "encoding": self.encoding,
            "questions": len(self.questions),
            "by_type": by_type,
            "multichoice_single": sum(1 for q in self.questions if q.qtype == "multichoice" and q.single),
            "multichoice_multi": sum(1 for q in self.questions if q.qtype == "multichoice" and not q.single),
            "categories": list(self.categories),
            "warnings": [w.as_dict(translatable, column=False) for w in self.warnings],
            "errors": [e.as_dict(translatable) for e in self.errors],
        }


# ------------------------------------------------------------------------------------ encoding

# very frequent characters, in the simplified and the traditional forms (to tell GBK from Big5)
_COMMON_SIMPLIFIED = set("的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子"
                         "那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面"
                         "起看定天分还进好小部其些主样理心本问题客户业务信息")
_COMMON_TRADITIONAL = set("的一是不了在人有我他這個們中來上大為和國地到以說時要就出會可也你對生能而子"
                          "那得於著下自之年過發後作裡用道行所然家種事成方多經麼去法學如都同現當沒動面"
                          "起看定天分還進好小部其些主樣理心本問題客戶業務資訊")


def _guess_encoding(data: bytes) -> str:
    """A small, honest guess at what a non-UTF-8 file is: UTF-16 without a BOM, GB18030/GBK, Big5,
    Windows-1252 (Western European), or unknown."""
    sample = data[:200_000]
    if len(sample) >= 4:
        even_zero = sample[0::2].count(0) / max(1, len(sample[0::2]))
        odd_zero = sample[1::2].count(0) / max(1, len(sample[1::2]))
        if odd_zero > 0.3 and even_zero < 0.05:
            return Message(N_("UTF-16 (little-endian, no byte order mark)"))
        if even_zero > 0.3 and odd_zero < 0.05:
            return Message(N_("UTF-16 (big-endian, no byte order mark)"))
    runs = [len(m) for m in re.findall(rb"[\x80-\xff]+", sample)]
    if runs and sum(1 for r in runs if r == 1) / len(runs) > 0.6:
        return Message(N_("Windows-1252 (Western European)"))
    scores = {}
    for codec, label, common in (("gb18030", N_("GB18030/GBK (Simplified Chinese)"), _COMMON_SIMPLIFIED),
                                 ("big5", N_("Big5 (Traditional Chinese)"), _COMMON_TRADITIONAL)):
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            try:
                text = sample[:-1].decode(codec)  # a character cut at the end of the sample
            except UnicodeDecodeError:
                continue
        cjk = [c for c in text if "\u4e00" <= c <= "\u9fff"]
        if cjk:
            scores[label] = sum(1 for c in cjk if c in common) / len(cjk)
    if scores:
        label, score = max(scores.items(), key=lambda kv: kv[1])
        if score > 0:
            return Message(label)
    if runs:
        return Message(N_("Windows-1252 (Western European) or another legacy encoding"))
    return Message(N_("an unknown encoding"))


def decode(data: bytes) -> tuple[str | None, str | None, Finding | None]:
    """``(text, encoding, error)``. UTF-8 only (a leading BOM is stripped); anything else is refused
    with the offset of the first bad byte and a guess of what the file is, so nothing is ever
    stored as mojibake."""
    if data.startswith(b"\xef\xbb\xbf"):
        data, encoding = data[3:], "utf-8-sig"
    else:
        encoding = "utf-8"
    for bom, name in ((b"\xff\xfe\x00\x00", N_("UTF-32 (little-endian)")),
                      (b"\x00\x00\xfe\xff", N_("UTF-32 (big-endian)")),
                      (b"\xff\xfe", N_("UTF-16 (little-endian)")), (b"\xfe\xff", N_("UTF-16 (big-endian)"))):
        if data.startswith(bom):
            return None, None, Finding(1, Message(N_("not UTF-8: the file starts with a %(bom)s byte order mark; "
                                                     "save it as UTF-8"), bom=Message(name)), column=1)
    nul = data.find(b"\x00")
    if nul != -1:  # valid UTF-8, but no text file holds NUL bytes: UTF-16 without a BOM, or binary
        line = data.count(b"\n", 0, nul) + 1
        return None, None, Finding(line, Message(N_("not a UTF-8 text file: NUL byte at byte offset %(offset)d "
                                                    "(line %(line)d); the file looks like %(guess)s — save it as "
                                                    "UTF-8"), offset=nul + (3 if encoding == "utf-8-sig" else 0),
                                                 line=line, guess=_guess_encoding(data)))
    try:
        return data.decode("utf-8"), encoding, None
    except UnicodeDecodeError as e:
        offset = e.start + (3 if encoding == "utf-8-sig" else 0)
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        return None, None, Finding(line, Message(N_("not UTF-8: invalid byte %(byte)s at byte offset %(offset)d "
                                                    "(line %(line)d); the file looks like %(guess)s — save it as "
                                                    "UTF-8"), byte=f"0x{data[e.start]:02X}", offset=offset, line=line,
                                                 guess=_guess_encoding(data)), column=column)


def detect_format(text: str, filename: str) -> str:
    """gift | moodlexml | aiken — from the content (XML prolog or <quiz>, Aiken's ANSWER: lines,
    GIFT's braces and ::names::), then from the file name's extension."""
    sample = text[:100_000].lstrip("\ufeff \t\r\n")
    head = sample[:2000]
    if head.startswith("<?xml") or re.match(r"(<!--.*?-->\s*)*<quiz[\s>]", head, re.S) or \
            (re.search(r"<quiz[\s>]", head) and "<question" in head):
        return "moodlexml"
    if re.search(r"(?m)^[ \t]*ANSWER:[ \t]*\S", sample) and re.search(r"(?m)^[ \t]*[A-Z][).]", sample) and \
            not re.search(r"\{[^{}]*[=~#][^{}]*\}", sample):
        return "aiken"
    if re.search(r"(?m)^[ \t]*(::|\$CATEGORY:)", sample) or re.search(r"\{[^{}]*\}", sample):
        return "gift"
    ext = os.path.splitext(filename or "")[1].lower()
    if ext == ".xml":
        return "moodlexml"
    if ext == ".gift":
        return "gift"
    if re.search(r"aiken", filename or "", re.I):
        return "aiken"
    return "gift"


_READERS = {"gift": gift.read, "moodlexml": moodlexml.read, "aiken": aiken.read}


def parse(data: bytes, path: str, format: str = "auto", category: str | None = None) -> ParsedFile:
    """Read one file. Never raises for bad input; problems are in ``.errors`` and ``.warnings``."""
    text, encoding, problem = decode(data if isinstance(data, bytes | bytearray) else bytes(data))
    chosen = format if format in FORMATS else None
    if problem is not None:
        result = ParsedFile(path=path, format=chosen or _format_from_name(path), encoding=None)
        result.errors.append(problem)
        return result
    if chosen is None:
        chosen = detect_format(text, path)
    result = ParsedFile(path=path, format=chosen, encoding=encoding)
    out = Collector()
    if format not in ("auto", None, "", *FORMATS):
        out.error(None, Message(N_("unknown format '%(format)s' (gift, moodlexml or aiken)"), format=format))
    collecting = gc.isenabled()
    gc.disable()  # thousands of small objects, no cycles: the cyclic collector would only slow reading down
    try:
        questions, categories = _READERS[chosen](text, category or "top", out)
    except RecursionError:  # pragma: no cover - defensive
        questions, categories = [], []
        out.error(None, Message(N_("the file nests too deeply to be read")))
    except Exception as e:  # a reader bug must not escape: report it like any other problem
        questions, categories = [], []
        out.error(None, Message(N_("internal error while reading the file (%(error)s); please report it"),
                                error=f"{type(e).__name__}: {e}"))
    finally:
        if collecting:
            gc.enable()
    if not questions and not categories and not out.errors:
        out.error(None, Message(N_("the file contains no questions")))
    out.sort()
    result.questions, result.categories = questions, categories
    result.errors, result.warnings = out.errors, out.warnings
    return result


def _format_from_name(path: str) -> str:
    return "moodlexml" if (path or "").lower().endswith(".xml") else "aiken" if "aiken" in (path or "").lower() \
        else "gift"


# ------------------------------------------------------------------------------------ export

def exportable(question: Question, format: str) -> bool:
    """Whether ``export`` writes this question in ``format`` (the rest is skipped, so callers can
    list what was left out)."""
    if format == "gift":
        return gift.exportable(question)
    if format == "moodlexml":
        return question.qtype in QUESTION_TYPES
    if format == "aiken":
        return aiken.exportable(question)
    if format == "qti3":
        return qti3.exportable(question)
    raise ValueError(f"unknown export format {format!r}")


def export(questions: list[Question], format: str) -> bytes:
    """The questions that fit ``format`` as a file: GIFT, Moodle XML, Aiken (UTF-8 text) or QTI 3.0
    (a zip content package)."""
    fitting = [q for q in questions if exportable(q, format)]
    if format == "gift":
        return gift.write(fitting).encode("utf-8")
    if format == "moodlexml":
        return moodlexml.write(fitting).encode("utf-8")
    if format == "aiken":
        return aiken.write(fitting).encode("utf-8")
    return qti3.write(fitting)
