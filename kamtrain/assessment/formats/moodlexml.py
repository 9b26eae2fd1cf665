"""Moodle XML: reading as Moodle's ``qformat_xml`` does (question/format/xml/format.php) and writing
what its ``writequestion`` writes.

The file is parsed with expat so every element keeps its line and column; a document type
declaration or entity declaration is refused outright (no external entities, no entity
expansion bombs). A file that is not well-formed is one error with the line and column expat
reports. Question types Moodle knows but kamtrain does not (calculated, drag-and-drop …) are
errors naming the type, never skipped silently.
"""

from __future__ import annotations

import base64
import binascii
import re
from xml.parsers import expat

from kamtrain.assessment.questions import Answer, MatchPair, Question, Unit

from . import cloze
from .common import (
    N_,
    Message,
    canonical_fraction,
    check_files,
    check_question,
    clean_name,
    default_name,
    normalise_category,
    number_text,
    percent_text,
    to_decimal,
)

FORMATS_IN = {"html": "html", "moodle_auto_format": "moodle", "plain_text": "plain", "markdown": "markdown",
              "wiki_like": "moodle"}
FORMATS_OUT = {"html": "html", "moodle": "moodle_auto_format", "plain": "plain_text", "markdown": "markdown"}
UNSUPPORTED = {"calculated", "calculatedsimple", "calculatedmulti", "ddwtos", "ddimageortext", "ddmarker",
               "gapselect", "ordering", "randomsamatch", "random", "numerical_units", "essayautograde",
               "multichoiceset", "oumultiresponse", "coderunner", "stack", "wq", "regexp", "pmatch"}
RESPONSE_FORMATS = {"editor", "editorfilepicker", "plain", "monospaced", "noinline"}
NUMBERINGS = {"abc", "ABCD", "123", "iii", "IIII", "none"}


class XmlRefused(Exception):
    def __init__(self, message, line=None, column=None):
        super().__init__(message)
        self.line, self.column = line, column


class Node:
    __slots__ = ("tag", "attrs", "children", "parts", "line", "column")

    def __init__(self, tag, attrs, line, column):
        self.tag, self.attrs, self.line, self.column = tag, attrs, line, column
        self.children: list[Node] = []
        self.parts: list[str] = []

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def first(self, tag):
        for child in self.children:
            if child.tag == tag:
                return child
        return None

    def all(self, tag):
        return [c for c in self.children if c.tag == tag]


def parse_tree(data: bytes) -> Node:
    """The document as Nodes; XmlRefused for anything not well-formed or declaring a DTD/entities."""
    parser = expat.ParserCreate("UTF-8")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    root_holder: list[Node] = []
    stack: list[Node] = []

    def refuse(what):
        def handler(*_args):
            raise XmlRefused(Message(what), parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
        return handler

    def start(tag, attrs):
        node = Node(tag, attrs, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
        if stack:
            stack[-1].children.append(node)
        else:
            root_holder.append(node)
        stack.append(node)

    def end(_tag):
        stack.pop()

    def chars(data):
        if stack:
            stack[-1].parts.append(data)

    parser.StartDoctypeDeclHandler = refuse(N_("A document type declaration (<!DOCTYPE …>) is not allowed in a "
                                               "question file (no DTDs or entities: they could read local files or "
                                               "expand without end)"))
    parser.EntityDeclHandler = parser.UnparsedEntityDeclHandler = refuse(N_(
        "An entity declaration is not allowed in a question file (no DTDs or entities: they could read local files "
        "or expand without end)"))
    parser.ExternalEntityRefHandler = refuse(N_("An external entity is not allowed in a question file (no DTDs or "
                                                "entities: they could read local files or expand without end)"))
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except expat.ExpatError as e:
        raise XmlRefused(Message(N_("the XML is not well-formed: %(reason)s"), reason=expat.ErrorString(e.code)),
                         e.lineno, e.offset + 1) from None
    if not root_holder:
        raise XmlRefused(Message(N_("the file has no XML element")))
    return root_holder[0]


class XmlReader:
    def __init__(self, text: str, default_category: str, collector):
        self.text = text
        self.out = collector
        self.category = normalise_category(default_category)
        self.questions: list[Question] = []
        self.categories: list[str] = []

    def read(self):
        declared = re.match(r"\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']", self.text)
        if declared and declared[1].lower().replace("_", "-") not in ("utf-8", "utf8"):
            self.out.warn(1, Message(N_("the XML declaration says encoding=\"%(encoding)s\" but the file is UTF-8; it "
                                        "was read as UTF-8"), encoding=declared[1]))
        try:
            root = parse_tree(self.text.encode("utf-8"))
        except XmlRefused as e:
            self.out.error(e.line, e.args[0], column=e.column)
            return [], []
        if root.tag != "quiz":
            self.out.error(root.line, Message(N_("the root element is <%(tag)s>, a Moodle XML file has <quiz>"),
                                              tag=root.tag), column=root.column)
            return [], []
        for node in root.children:
            if node.tag != "question":
                self.out.warn(node.line, Message(N_("<%(tag)s> inside <quiz> is not a question; ignored"),
                                                 tag=node.tag))
                continue
            self._question(node)
        return self.questions, self.categories

    # ------------------------------------------------------------------ helpers

    def _use_category(self, path):
        if path not in self.categories:
            self.categories.append(path)

    def _text(self, node, problems=None):
        """The trimmed text of a ``<field><text>…</text></field>`` (Moodle's getpath(..., istext))."""
        if node is None:
            return ""
        text_node = node.first("text")
        if text_node is None:
            return ""
        if text_node.children and problems is not None:
            problems.append(("error", text_node.line,
                             Message(N_("<text> in <%(tag)s> contains XML elements (<%(child)s>); put HTML inside "
                                        "<![CDATA[ … ]]> or escape < and &"),
                                     tag=node.tag, child=text_node.children[0].tag)))
        return text_node.text.strip()

    def _format(self, node, default, problems):
        value = (node.attrs.get("format") if node is not None else None) or default
        value = value.strip()
        if value not in FORMATS_IN:
            problems.append(("warning", node.line if node is not None else None,
                             Message(N_("unknown text format '%(format)s'; read as html (as Moodle does)"),
                                     format=value)))
            return "html"
        if value == "wiki_like":
            problems.append(("warning", node.line, Message(N_("text format wiki_like is no longer supported by Moodle; "
                                                              "read as moodle_auto_format"))))
        return FORMATS_IN[value]

    def _files(self, node, q, problems):
        if node is None:
            return
        for f in node.all("file"):
            name = (f.attrs.get("name") or "").strip()
            path = (f.attrs.get("path") or "/").strip() or "/"
            encoding = (f.attrs.get("encoding") or "base64").strip()
            if not name:
                problems.append(("error", f.line, Message(N_("<file> has no name attribute"))))
                continue
            if encoding != "base64":
                problems.append(("error", f.line, Message(N_("file '%(name)s' has encoding '%(encoding)s'; only "
                                                             "base64 is read"), name=name, encoding=encoding)))
                continue
            key = (path.strip("/") + "/" + name) if path.strip("/") else name
            try:
                blob = base64.b64decode(re.sub(r"\s+", "", f.text), validate=True)
            except (binascii.Error, ValueError):
                problems.append(("error", f.line, Message(N_("file '%(name)s' is not valid base64"), name=name)))
                continue
            if key in q.files and q.files[key] != blob:
                problems.append(("warning", f.line, Message(N_("two different files are called '%(name)s'; the "
                                                               "first one is kept"), name=key)))
                continue
            q.files.setdefault(key, blob)

    def _number(self, node, default, problems, integer=False):
        if node is None:
            return default
        raw = node.text.strip()
        if raw == "":
            return default
        value = to_decimal(raw)
        if value is None or (integer and value != int(value)):
            template = N_("<%(tag)s> must be a whole number, not '%(value)s'") if integer else \
                N_("<%(tag)s> must be a number, not '%(value)s'")
            problems.append(("error", node.line, Message(template, tag=node.tag, value=raw)))
            return default
        return int(value) if integer else float(value)

    @staticmethod
    def _flag(node, default):
        """Moodle's trans_single: "false", "0" and empty are false, anything else true."""
        if node is None:
            return default
        value = node.text.strip()
        return not (value == "false" or value in ("", "0"))

    # ------------------------------------------------------------------ one question

    def _question(self, node):
        qtype = (node.attrs.get("type") or "").strip()
        problems = []
        if qtype == "category":
            cat = node.first("category")
            path = self._text(cat) if cat is not None and cat.first("text") is not None else (
                cat.text.strip() if cat is not None else "")
            self.category = normalise_category(path, lambda m: self.out.warn(node.line, m))
            self._use_category(self.category)
            return
        name_node = node.first("name")
        name = clean_name(self._text(name_node, problems=problems)) if name_node is not None else ""
        if qtype in ("matching", "match"):
            qtype = "matching"
        elif qtype == "multianswer":
            qtype = "cloze"
        if qtype not in ("multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay", "cloze",
                         "description"):
            label = name or None  # the line and column place a question without a name
            if not qtype:
                self.out.error(node.line, Message(N_("<question> has no type attribute")), label, node.column)
            elif qtype in UNSUPPORTED:
                self.out.error(node.line, Message(N_("question type '%(type)s' is not supported by kamtrain (question "
                                                     "at line %(line)d); remove it or convert it to a supported type"),
                                                  type=qtype, line=node.line), label, node.column)
            else:
                self.out.error(node.line, Message(N_("unknown question type '%(type)s' (Moodle: xmltypeunsupported)"),
                                                  type=qtype), label, node.column)
            return

        qt_node = node.first("questiontext")
        text_format = self._format(qt_node, "html", problems)
        text = self._text(qt_node, problems=problems)
        q = Question(qtype=qtype, name=name, text=text, text_format=text_format, category=self.category)
        q.line = node.line
        if not name and qtype != "cloze":
            problems.append(("error", node.line, Message(N_("the question has no <name><text> (Moodle: "
                                                            "xmlimportnoname)"))))
        self._files(qt_node, q, problems)
        image, image_data = node.first("image"), node.first("image_base64")
        if image is not None and image_data is not None and image.text.strip() and image_data.text.strip():
            filename = re.sub(r"[^\w.\-]", "_", image.text.strip().replace("/", "_"))
            try:
                q.files.setdefault(filename, base64.b64decode(re.sub(r"\s+", "", image_data.text), validate=True))
                q.text += f' <img src="@@PLUGINFILE@@/{filename}" />'
            except (binascii.Error, ValueError):
                problems.append(("error", image_data.line, Message(N_("<image_base64> is not valid base64"))))
        idnumber = node.first("idnumber")
        q.idnumber = (idnumber.text.strip() or None) if idnumber is not None else None
        gf = node.first("generalfeedback")
        q.general_feedback = self._text(gf, problems=problems)
        self._files(gf, q, problems)
        q.default_mark = self._number(node.first("defaultgrade"), 1.0, problems)
        penalty = self._number(node.first("penalty"), 0.3333333, problems)
        q.penalty = 0.3333333 if abs(penalty - 0.3333333) < 0.005 else penalty
        for holder in ("tags", "coursetags"):
            tags = node.first(holder)
            if tags is not None:
                q.tags += [t for t in (self._text(tag) for tag in tags.all("tag")) if t]

        option_lines: list[int] = []
        ok = getattr(self, "_" + qtype)(node, q, problems, option_lines)
        if not q.name:
            q.name = default_name(q.text, q.text_format)
        if ok:
            check_question(q, lambda s, line, m: problems.append((s, line, m)), option_lines)
            check_files(q, lambda s, line, m: problems.append((s, line, m)))
        for severity, line, message in problems:
            (self.out.error if severity == "error" else self.out.warn)(line or node.line, message, q.name)
        if ok:
            self._use_category(q.category)
            self.questions.append(q)

    def _combined_feedback(self, node, q, problems):
        for tag, attr in (("correctfeedback", "correct_feedback"),
                          ("partiallycorrectfeedback", "partially_correct_feedback"),
                          ("incorrectfeedback", "incorrect_feedback")):
            field = node.first(tag)
            setattr(q, attr, self._text(field, problems=problems))
            self._files(field, q, problems)

    def _answers(self, node, q, problems, option_lines, with_tolerance=False):
        for a in node.all("answer"):
            raw = a.attrs.get("fraction", "0").strip() or "0"
            value = to_decimal(raw)
            fraction_node = a.first("fraction")  # deprecated element form
            if fraction_node is not None and to_decimal(fraction_node.text.strip()) is not None:
                value = to_decimal(fraction_node.text.strip()) * 100
            if value is None:
                problems.append(("error", a.line, Message(N_("answer fraction '%(value)s' is not a number"),
                                                          value=raw)))
                value = 0
            text_node = a.first("text")
            text = self._text(a, problems=problems) if text_node is not None else a.text.strip()
            feedback = a.first("feedback")
            answer = Answer(text=text, fraction=canonical_fraction(float(value) / 100),
                            feedback=self._text(feedback, problems=problems))
            self._files(a, q, problems)
            self._files(feedback, q, problems)
            if with_tolerance:
                answer.tolerance = self._number(a.first("tolerance"), 0.0, problems)
            q.answers.append(answer)
            option_lines.append(a.line)

    # ------------------------------------------------------------------ types

    def _multichoice(self, node, q, problems, option_lines):
        q.single = self._flag(node.first("single"), True)
        q.shuffle = self._flag(node.first("shuffleanswers"), False)
        numbering = node.first("answernumbering")
        q.numbering = (numbering.text.strip() if numbering is not None else "") or "abc"
        if q.numbering not in NUMBERINGS:
            problems.append(("warning", numbering.line, Message(N_("answer numbering '%(numbering)s' is unknown; abc "
                                                                   "is used"), numbering=q.numbering)))
            q.numbering = "abc"
        self._combined_feedback(node, q, problems)
        self._answers(node, q, problems, option_lines)
        return True

    def _truefalse(self, node, q, problems, option_lines):
        answers = node.all("answer")
        if not answers:
            problems.append(("error", node.line, Message(N_("a true/false question needs answers 'true' and "
                                                            "'false'"))))
            return False
        feedback = {"true": "", "false": ""}
        fractions = {}
        correct = None
        old_style = False
        for i, a in enumerate(answers):
            text = self._text(a, problems=problems)
            if text not in ("true", "false"):
                old_style = True
                text = "true" if i == 0 else "false"
            fraction = to_decimal((a.attrs.get("fraction") or "0").strip() or "0")
            fraction = 0 if fraction is None else fraction
            fb = a.first("feedback")
            feedback[text] = self._text(fb, problems=problems)
            self._files(fb, q, problems)
            fractions[text] = fraction
            # Moodle: the answer processed last decides which value is right
            correct = (fraction == 100) if text == "true" else (fraction != 100)
        if old_style:
            problems.append(("warning", answers[0].line, Message(N_("the true/false answers are not literally 'true' "
                                                                    "and 'false'; the first is taken as true, the "
                                                                    "second as false"))))
        if set(fractions) == {"true", "false"} and (fractions["true"] == 100) == (fractions["false"] == 100):
            problems.append(("warning", answers[0].line, Message(
                N_("both or neither true/false answers have fraction 100; the answer is taken as true") if correct
                else N_("both or neither true/false answers have fraction 100; the answer is taken as false"))))
        q.answers = [Answer("true", 1.0 if correct else 0.0, feedback["true"]),
                     Answer("false", 0.0 if correct else 1.0, feedback["false"])]
        return True

    def _shortanswer(self, node, q, problems, option_lines):
        usecase = node.first("usecase")
        q.case_sensitive = self._flag(usecase, False) if usecase is not None else False
        self._answers(node, q, problems, option_lines)
        return True

    def _numerical(self, node, q, problems, option_lines):
        self._answers(node, q, problems, option_lines, with_tolerance=True)
        ok = True
        for a, line in zip(q.answers, option_lines, strict=False):
            if a.text != "*" and to_decimal(a.text) is None:
                problems.append(("error", line, Message(N_("numerical answer '%(answer)s' is not a number (or '*' for "
                                                           "any other answer)"), answer=a.text)))
                ok = False
        units = node.first("units")
        seen = set()
        if units is not None:
            for u in units.all("unit"):
                name_node = u.first("unit_name")
                unit_name = name_node.text.strip() if name_node is not None else ""
                multiplier = self._number(u.first("multiplier"), 1.0, problems)
                if not unit_name or not multiplier:
                    problems.append(("warning", u.line, Message(N_("a unit without a name or multiplier is left out "
                                                                   "(as Moodle does)"))))
                    continue
                if unit_name in seen:
                    problems.append(("warning", u.line, Message(N_("unit '%(unit)s' is given twice; the second is "
                                                                   "left out"), unit=unit_name)))
                    continue
                seen.add(unit_name)
                q.units.append(Unit(unit_name, multiplier))
        grading = self._number(node.first("unitgradingtype"), 0, problems, integer=True)
        if grading not in (0, 1, 2):
            problems.append(("warning", node.first("unitgradingtype").line,
                             Message(N_("unit grading type %(value)s is unknown (0, 1 or 2); 0 is used"),
                                     value=grading)))
            grading = 0
        q.unit_grading_type = grading
        q.unit_penalty = self._number(node.first("unitpenalty"), 0.1, problems)
        return ok

    def _matching(self, node, q, problems, option_lines):
        q.shuffle = self._flag(node.first("shuffleanswers"), True)
        self._combined_feedback(node, q, problems)
        for sub in node.all("subquestion"):
            self._format(sub, q.text_format, problems)
            stem = self._text(sub, problems=problems)
            answer = sub.first("answer")
            q.pairs.append(MatchPair(stem=stem, answer=self._text(answer, problems=problems)))
            self._files(sub, q, problems)
            option_lines.append(sub.line)
        return True

    def _essay(self, node, q, problems, option_lines):
        fmt = node.first("responseformat")
        q.response_format = (fmt.text.strip() if fmt is not None else "") or "editor"
        if q.response_format not in RESPONSE_FORMATS:
            problems.append(("warning", fmt.line, Message(N_("response format '%(format)s' is unknown; editor is "
                                                             "used"), format=q.response_format)))
            q.response_format = "editor"
        q.response_required = bool(self._number(node.first("responserequired"), 1, problems, integer=True))
        q.response_lines = self._number(node.first("responsefieldlines"), 15, problems, integer=True)
        q.min_words = self._number(node.first("minwordlimit"), None, problems, integer=True) or None
        q.max_words = self._number(node.first("maxwordlimit"), None, problems, integer=True) or None
        attachments = self._number(node.first("attachments"), 0, problems, integer=True)
        if attachments:
            problems.append(("warning", node.first("attachments").line,
                             Message(N_("attachments to essay answers are not supported by kamtrain; the setting is "
                                        "ignored"))))
        grader = node.first("graderinfo")
        q.grader_info = self._text(grader, problems=problems)
        self._files(grader, q, problems)
        template = node.first("responsetemplate")
        q.response_template = self._text(template, problems=problems)
        return True

    def _description(self, node, q, problems, option_lines):
        q.default_mark = 0.0
        return True

    def _cloze(self, node, q, problems, option_lines):
        text, fields, errors, warnings = cloze.parse_fields(q.text)
        line = node.first("questiontext").line if node.first("questiontext") is not None else node.line
        for message in errors:
            problems.append(("error", line, Message(N_("invalid embedded answers (Cloze) question: %(reason)s"),
                                                    reason=message)))
        for message in warnings:
            problems.append(("warning", line, message))
        q.text, q.fields = text, fields
        q.default_mark = float(sum(f.weight for f in fields))
        return not errors


def read(text: str, default_category: str, collector):
    return XmlReader(text, default_category, collector).read()


# ====================================================================================== writing

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_escape(text: str) -> str:
    """Moodle's xml_escape: CDATA when the text has markup characters, ``]]>`` split across sections.
    Characters XML cannot carry at all (control characters) are dropped."""
    text = _XML_INVALID.sub("", text or "")
    if text and any(c in text for c in "<>&\""):
        return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    return text


def _attr(text: str) -> str:
    return (_XML_INVALID.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
            .replace(">", "&gt;"))


def _files_xml(q: Question, texts) -> str:
    """<file> elements for the files a text refers to (each file is written once per text)."""
    from .common import referenced_files

    out = []
    for name in dict.fromkeys(n for t in texts for n in referenced_files(t)):
        if name in q.files:
            path, _slash, base = name.rpartition("/")
            out.append(f'<file name="{_attr(base)}" path="/{_attr(path + "/" if path else "")}" encoding="base64">'
                       f"{base64.b64encode(q.files[name]).decode()}</file>\n")
    return "".join(out)


def _text_element(tag, text, fmt, q, indent="    ", attrs=True):
    fmt_attr = f' format="{FORMATS_OUT.get(fmt, "html")}"' if attrs else ""
    return (f"{indent}<{tag}{fmt_attr}>\n{indent}  <text>{xml_escape(text)}</text>\n"
            f"{_files_xml(q, [text])}{indent}</{tag}>\n")


def write_question(q: Question) -> str:
    qtype = q.qtype
    fmt = q.text_format if q.text_format in FORMATS_OUT else "html"
    text = cloze.serialise(q.text, q.fields) if qtype == "cloze" else q.text
    out = [f'  <question type="{qtype}">\n', f"    <name>\n      <text>{xml_escape(q.name)}</text>\n    </name>\n",
           _text_element("questiontext", text, fmt, q), _text_element("generalfeedback", q.general_feedback, fmt, q)]
    if qtype != "cloze":
        out.append(f"    <defaultgrade>{number_text(q.default_mark)}</defaultgrade>\n")
    out.append(f"    <penalty>{number_text(q.penalty)}</penalty>\n    <hidden>0</hidden>\n")
    out.append(f"    <idnumber>{_attr(q.idnumber or '')}</idnumber>\n")
    if qtype == "multichoice":
        out.append(f"    <single>{'true' if q.single else 'false'}</single>\n"
                   f"    <shuffleanswers>{'true' if q.shuffle else 'false'}</shuffleanswers>\n"
                   f"    <answernumbering>{q.numbering}</answernumbering>\n")
        out.append(_combined(q, fmt))
        for a in q.answers:
            out.append(_answer(q, a, fmt, fmt))
    elif qtype == "truefalse":
        value = q.truefalse_answer
        for label in ("true", "false"):
            a = next((x for x in q.answers if x.text == label), Answer(label, 0.0))
            right = (label == "true") == value
            out.append(_answer(q, Answer(label, 1.0 if right else 0.0, a.feedback), "moodle", fmt))
    elif qtype == "shortanswer":
        out.append(f"    <usecase>{1 if q.case_sensitive else 0}</usecase>\n")
        for a in q.answers:
            out.append(_answer(q, a, "plain", fmt))
    elif qtype == "numerical":
        for a in q.answers:
            out.append(_answer(q, a, "plain", fmt, f"      <tolerance>{number_text(a.tolerance)}</tolerance>\n"))
        if q.units:
            out.append("    <units>\n")
            for u in q.units:
                out.append(f"      <unit>\n        <multiplier>{number_text(u.multiplier)}</multiplier>\n"
                           f"        <unit_name>{_attr(u.name)}</unit_name>\n      </unit>\n")
            out.append("    </units>\n")
        out.append(f"    <unitgradingtype>{q.unit_grading_type}</unitgradingtype>\n"
                   f"    <unitpenalty>{number_text(q.unit_penalty)}</unitpenalty>\n"
                   f"    <showunits>{3 if not q.units else 0}</showunits>\n    <unitsleft>0</unitsleft>\n")
    elif qtype == "matching":
        out.append(f"    <shuffleanswers>{'true' if q.shuffle else 'false'}</shuffleanswers>\n")
        out.append(_combined(q, fmt))
        for p in q.pairs:
            out.append(f'    <subquestion format="{FORMATS_OUT[fmt]}">\n      <text>{xml_escape(p.stem)}</text>\n'
                       f"{_files_xml(q, [p.stem])}      <answer>\n        <text>{xml_escape(p.answer)}</text>\n"
                       "      </answer>\n    </subquestion>\n")
    elif qtype == "essay":
        out.append(f"    <responseformat>{q.response_format}</responseformat>\n"
                   f"    <responserequired>{1 if q.response_required else 0}</responserequired>\n"
                   f"    <responsefieldlines>{q.response_lines}</responsefieldlines>\n"
                   f"    <minwordlimit>{q.min_words or ''}</minwordlimit>\n"
                   f"    <maxwordlimit>{q.max_words or ''}</maxwordlimit>\n"
                   "    <attachments>0</attachments>\n    <attachmentsrequired>0</attachmentsrequired>\n")
        out.append(_text_element("graderinfo", q.grader_info, fmt, q))
        out.append(_text_element("responsetemplate", q.response_template, fmt, q))
    if q.tags:
        out.append("    <tags>\n")
        out += [f"      <tag><text>{xml_escape(t)}</text></tag>\n" for t in q.tags]
        out.append("    </tags>\n")
    out.append("  </question>\n")
    return "".join(out)


def _combined(q, fmt):
    return "".join(_text_element(tag, getattr(q, attr), fmt, q) for tag, attr in (
        ("correctfeedback", "correct_feedback"), ("partiallycorrectfeedback", "partially_correct_feedback"),
        ("incorrectfeedback", "incorrect_feedback")))


def _answer(q, a, answer_format, feedback_format, extra=""):
    return (f'    <answer fraction="{percent_text(a.fraction)}" format="{FORMATS_OUT.get(answer_format, "html")}">\n'
            f"      <text>{xml_escape(a.text)}</text>\n{_files_xml(q, [a.text])}"
            f'      <feedback format="{FORMATS_OUT.get(feedback_format, "html")}">\n'
            f"        <text>{xml_escape(a.feedback)}</text>\n{_files_xml(q, [a.feedback])}      </feedback>\n"
            f"{extra}    </answer>\n")


def write(questions) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    category = None
    for q in questions:
        if q.category != category:
            category = q.category
            out.append(f'  <question type="category">\n    <category>\n      <text>{xml_escape("$course$/" + category)}'
                       '</text>\n    </category>\n    <info format="moodle_auto_format">\n      <text></text>\n'
                       "    </info>\n    <idnumber></idnumber>\n  </question>\n")
        out.append(write_question(q))
    out.append("</quiz>\n")
    return "".join(out)
