"""QTI 3.0 export: an IMS content package (zip) with ``imsmanifest.xml`` and one
``qti-assessment-item`` per question (https://www.imsglobal.org/spec/qti/v3p0/impl).

* multiple choice → ``qti-choice-interaction`` (single: max-choices 1; multiple: max-choices 0), scored
  with a ``qti-mapping`` of the option weights bounded to 0…mark — Moodle's partial credit and its
  floor at zero;
* true/false → a choice between two options;
* short answer → ``qti-text-entry-interaction`` scored answer by answer in Moodle's order
  (``qti-string-match``, or ``qti-pattern-match`` for ``*`` wildcards);
* numerical → ``qti-text-entry-interaction`` with a float response scored with
  ``qti-equal tolerance-mode="absolute"`` (units are not carried over);

Matching, essay, cloze and description questions are skipped (``exportable`` says which).
Per-option and general feedback become ``qti-modal-feedback`` keyed on a FEEDBACK outcome.
Images referenced as ``@@PLUGINFILE@@/name`` are packaged next to the item.
"""

from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser

from markdown_it import MarkdownIt

from kamtrain.assessment.questions import Question

from .common import PLUGINFILE, number_text

NS = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
SCHEMA = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
CP_NS = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
CP_SCHEMA = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd"
TEMPLATE = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/"

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_md = MarkdownIt("commonmark", {"html": True})


def exportable(q: Question) -> bool:
    if q.qtype == "multichoice":
        return len(q.answers) >= 2
    if q.qtype == "truefalse":
        return True
    if q.qtype == "shortanswer":
        return bool(q.answers)
    if q.qtype == "numerical":
        return any(_float(a.text) is not None for a in q.answers)
    return False


def _float(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def esc(text: str) -> str:
    return _XML_INVALID.sub("", str(text)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr(text: str) -> str:
    return esc(text).replace('"', "&quot;")


# ------------------------------------------------------------------------------------ XHTML

class _Xhtml(HTMLParser):
    """HTML (possibly sloppy) → well-formed XHTML restricted to elements QTI item bodies allow."""

    ALLOWED = {"p", "br", "img", "b", "i", "strong", "em", "sub", "sup", "span", "div", "ul", "ol", "li", "table",
               "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "pre", "code", "blockquote", "h1", "h2", "h3",
               "h4", "h5", "h6", "hr", "a", "dl", "dt", "dd", "small", "big", "q", "cite", "abbr", "kbd", "samp",
               "var"}
    VOID = {"br", "img", "hr"}
    ATTRS = {"img": {"src", "alt", "width", "height"}, "a": {"href", "title"}, "td": {"colspan", "rowspan"},
             "th": {"colspan", "rowspan"}, "ol": {"start"}}
    SKIP = {"script", "style", "head", "title"}

    def __init__(self, media):
        super().__init__(convert_charrefs=True)
        self.media = media  # name -> relative path, for @@PLUGINFILE@@ references
        self.out, self.stack, self.skipping = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
            return
        if self.skipping or tag not in self.ALLOWED:
            return
        parts = [tag]
        allowed = self.ATTRS.get(tag, set())
        values = {}
        for name, value in attrs:
            if name in allowed and value is not None:
                if name == "src" and value.startswith(PLUGINFILE):
                    value = self.media.get(value[len(PLUGINFILE):], value)
                if name == "href" and not re.match(r"(?i)^(https?:|mailto:)", value):
                    continue
                if name in ("width", "height", "colspan", "rowspan", "start") and not value.strip().isdigit():
                    continue
                values[name] = value
        if tag == "img":
            if "src" not in values:
                return
            values.setdefault("alt", "")
        parts += [f'{k}="{attr(v)}"' for k, v in values.items()]
        if tag in self.VOID:
            self.out.append("<" + " ".join(parts) + "/>")
        else:
            self.out.append("<" + " ".join(parts) + ">")
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID and self.stack and self.stack[-1] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
            return
        if tag in self.stack:
            while self.stack:
                top = self.stack.pop()
                self.out.append(f"</{top}>")
                if top == tag:
                    break

    def handle_data(self, data):
        if not self.skipping:
            self.out.append(esc(data))

    def result(self):
        self.close()
        return "".join(self.out) + "".join(f"</{t}>" for t in reversed(self.stack))


def xhtml(text: str, text_format: str, media=None) -> str:
    text = text or ""
    if text_format == "plain":
        text = esc(text).replace("\n", "<br/>")
    elif text_format == "markdown":
        text = _md.render(text)
    elif text_format == "moodle":
        text = text.replace("\n", "<br/>")
    parser = _Xhtml(media or {})
    try:
        parser.feed(text)
        return parser.result()
    except (AssertionError, ValueError):  # html.parser gives up on some broken declarations
        return esc(text)


# ------------------------------------------------------------------------------------ items

def _lang(q: Question) -> str:
    return "zh-CN" if re.search(r"[\u4e00-\u9fff]", q.text + q.name) else "en"


def _score(value: float) -> str:
    return number_text(round(value, 7))


def _set(identifier, value, base_type="float"):
    return (f'<qti-set-outcome-value identifier="{identifier}"><qti-base-value base-type="{base_type}">'
            f"{esc(value)}</qti-base-value></qti-set-outcome-value>")


def _pattern(pattern: str, case_sensitive: bool) -> str:
    """A Moodle short-answer pattern (``*`` wildcard) as an XML Schema regular expression."""
    out = []
    for c in pattern:
        if c == "*":
            out.append(".*")
        elif c in "\\|.-^?+{}()[]$":
            out.append("\\" + c)
        elif not case_sensitive and c.lower() != c.upper() and len(c.lower()) == 1 and len(c.upper()) == 1:
            out.append(f"[{c.lower()}{c.upper()}]")
        else:
            out.append(c)
    return "".join(out)


def item_xml(q: Question, identifier: str, media: dict) -> str:
    fmt = q.text_format
    mark = q.default_mark if q.default_mark > 0 else 1.0
    lang = _lang(q)
    decl, body, processing, feedback = [], [], [], []
    has_feedback = False
    general = q.general_feedback.strip()

    if q.qtype in ("multichoice", "truefalse"):
        if q.qtype == "truefalse":
            labels = ("正确", "错误") if lang == "zh-CN" else ("True", "False")
            value = q.truefalse_answer
            fb = {a.text: a.feedback for a in q.answers}
            options = [(labels[0], 1.0 if value else 0.0, fb.get("true", ""), "plain"),
                       (labels[1], 0.0 if value else 1.0, fb.get("false", ""), "plain")]
            single, shuffle = True, False
        else:
            options = [(a.text, a.fraction, a.feedback, fmt) for a in q.answers]
            single, shuffle = q.single, q.shuffle
        ids = [f"choice{i + 1}" for i in range(len(options))]
        cardinality = "single" if single else "multiple"
        if single:
            best = max(o[1] for o in options)
            correct = [i for i, o in zip(ids, options, strict=True) if o[1] == best and best > 0]
        else:
            correct = [i for i, o in zip(ids, options, strict=True) if o[1] > 0]
        decl.append(f'<qti-response-declaration identifier="RESPONSE" cardinality="{cardinality}" '
                    'base-type="identifier">')
        if correct:
            decl.append("<qti-correct-response>" + "".join(f"<qti-value>{c}</qti-value>" for c in correct)
                        + "</qti-correct-response>")
        decl.append(f'<qti-mapping default-value="0" lower-bound="0" upper-bound="{_score(mark)}">')
        decl += [f'<qti-map-entry map-key="{i}" mapped-value="{_score(o[1] * mark)}"/>'
                 for i, o in zip(ids, options, strict=True) if o[1]]
        decl.append("</qti-mapping></qti-response-declaration>")
        choices = "".join(f'<qti-simple-choice identifier="{i}">{xhtml(o[0], o[3], media)}</qti-simple-choice>'
                          for i, o in zip(ids, options, strict=True))
        body.append(f'<qti-choice-interaction response-identifier="RESPONSE" shuffle="{str(shuffle).lower()}" '
                    f'max-choices="{1 if single else 0}" min-choices="0">{choices}</qti-choice-interaction>')
        processing.append('<qti-response-condition><qti-response-if><qti-is-null><qti-variable '
                          'identifier="RESPONSE"/></qti-is-null>' + _set("SCORE", "0") + "</qti-response-if>"
                          '<qti-response-else><qti-set-outcome-value identifier="SCORE"><qti-map-response '
                          'identifier="RESPONSE"/></qti-set-outcome-value></qti-response-else></qti-response-condition>')
        if any(o[2] for o in options):
            has_feedback = True
            processing.append('<qti-set-outcome-value identifier="FEEDBACK"><qti-variable identifier="RESPONSE"/>'
                              "</qti-set-outcome-value>")
            feedback += [(i, o[2]) for i, o in zip(ids, options, strict=True) if o[2]]
        feedback_cardinality = cardinality
    else:
        numeric = q.qtype == "numerical"
        base_type = "float" if numeric else "string"
        answers = [a for a in q.answers if not numeric or a.text.strip() == "*" or _float(a.text) is not None]
        best = max(answers, key=lambda a: (a.fraction, a.text.strip() != "*" and "*" not in a.text))
        decl.append(f'<qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="{base_type}">')
        if best.fraction > 0 and best.text.strip() != "*" and (numeric or "*" not in best.text):
            decl.append(f"<qti-correct-response><qti-value>{esc(best.text.strip())}</qti-value></qti-correct-response>")
        decl.append("</qti-response-declaration>")
        body.append(f'<p><qti-text-entry-interaction response-identifier="RESPONSE" '
                    f'expected-length="{max(10, max(len(a.text) for a in answers) + 2)}"/></p>')
        branches = []
        for n, a in enumerate(answers, 1):
            text = a.text.strip()
            if text == "*" or (not numeric and text.replace("*", "") == "" and "*" in text):
                condition = '<qti-not><qti-is-null><qti-variable identifier="RESPONSE"/></qti-is-null></qti-not>'
            elif numeric:
                tol = number_text(abs(a.tolerance))
                condition = (f'<qti-equal tolerance-mode="absolute" tolerance="{tol} {tol}"><qti-variable '
                             f'identifier="RESPONSE"/><qti-base-value base-type="float">{esc(text)}</qti-base-value>'
                             "</qti-equal>")
            elif "*" in text:
                condition = (f'<qti-pattern-match pattern="{attr(_pattern(text, q.case_sensitive))}">'
                             '<qti-variable identifier="RESPONSE"/></qti-pattern-match>')
            else:
                condition = (f'<qti-string-match case-sensitive="{str(q.case_sensitive).lower()}"><qti-variable '
                             f'identifier="RESPONSE"/><qti-base-value base-type="string">{esc(text)}</qti-base-value>'
                             "</qti-string-match>")
            actions = _set("SCORE", _score(max(0.0, a.fraction) * mark))
            if a.feedback:
                has_feedback = True
                actions += _set("FEEDBACK", f"answer{n}", "identifier")
                feedback.append((f"answer{n}", a.feedback))
            tag = "qti-response-if" if not branches else "qti-response-else-if"
            branches.append(f"<{tag}>{condition}{actions}</{tag}>")
        branches.append("<qti-response-else>" + _set("SCORE", "0") + "</qti-response-else>")
        processing.append("<qti-response-condition>" + "".join(branches) + "</qti-response-condition>")
        feedback_cardinality = "single"

    if general:
        processing.append(_set("GENERAL", "general", "identifier"))
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
           f'<qti-assessment-item xmlns="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           f'xsi:schemaLocation="{NS} {SCHEMA}" identifier="{identifier}" title="{attr(q.name)}" adaptive="false" '
           f'time-dependent="false" xml:lang="{lang}">\n', "".join(decl), "\n",
           '<qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"><qti-default-value>'
           "<qti-value>0</qti-value></qti-default-value></qti-outcome-declaration>\n",
           '<qti-outcome-declaration identifier="MAXSCORE" cardinality="single" base-type="float"><qti-default-value>'
           f"<qti-value>{_score(mark)}</qti-value></qti-default-value></qti-outcome-declaration>\n"]
    if has_feedback:
        out.append(f'<qti-outcome-declaration identifier="FEEDBACK" cardinality="{feedback_cardinality}" '
                   'base-type="identifier"/>\n')
    if general:
        out.append('<qti-outcome-declaration identifier="GENERAL" cardinality="single" base-type="identifier"/>\n')
    out.append("<qti-item-body>")
    out.append(f"<div>{xhtml(q.text, fmt, media)}</div>")
    out += body
    out.append("</qti-item-body>\n")
    out.append("<qti-response-processing>" + "".join(processing) + "</qti-response-processing>\n")
    for ident, text in feedback:
        out.append(f'<qti-modal-feedback outcome-identifier="FEEDBACK" show-hide="show" identifier="{ident}">'
                   f"<qti-content-body>{xhtml(text, fmt, media)}</qti-content-body></qti-modal-feedback>\n")
    if general:
        out.append('<qti-modal-feedback outcome-identifier="GENERAL" show-hide="show" identifier="general">'
                   f"<qti-content-body>{xhtml(general, fmt, media)}</qti-content-body></qti-modal-feedback>\n")
    out.append("</qti-assessment-item>\n")
    return "".join(out)


def write(questions) -> bytes:
    """The zip package (bytes)."""
    buffer = io.BytesIO()
    resources = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        def add(path, data):
            info = zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)

        n = 0
        for q in questions:
            if not exportable(q):
                continue
            n += 1
            identifier = f"item-{n:05d}"
            media, files = {}, []
            for name, blob in sorted(q.files.items()):
                path = f"media/{identifier}/{name}"
                media[name] = path
                files.append("items/" + path)
                add("items/" + path, blob)
            href = f"items/{identifier}.xml"
            add(href, item_xml(q, identifier, media).encode("utf-8"))
            resources.append((identifier, href, files))
        manifest = [f'<?xml version="1.0" encoding="UTF-8"?>\n<manifest xmlns="{CP_NS}" '
                    f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="{CP_NS} {CP_SCHEMA}" '
                    'identifier="kamtrain-question-bank">\n<metadata><schema>QTI Package</schema>'
                    "<schemaversion>3.0.0</schemaversion></metadata>\n<organizations/>\n<resources>\n"]
        for identifier, href, files in resources:
            manifest.append(f'<resource identifier="{identifier}" type="imsqti_item_xmlv3p0" href="{href}">'
                            f'<file href="{href}"/>' + "".join(f'<file href="{attr(f)}"/>' for f in files)
                            + "</resource>\n")
        manifest.append("</resources>\n</manifest>\n")
        add("imsmanifest.xml", "".join(manifest).encode("utf-8"))
    return buffer.getvalue()
