"""The trainer's module editing form. Its checks are those `content sync` applies to module files
(kamtrain/content/module_files.py), so that whatever is saved can be exported and synced again."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from kamtrain.content.module_files import MIN_CHINESE_CHARS, REQUIRED_SECTIONS, chinese_chars

RAW_HTML = re.compile(r"<\s*/?\s*[a-zA-Z]")


def objective_lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def body_problems(body):
    """Pure: what keeps a Markdown body from being a valid module body, as translated messages."""
    problems = []
    lines = (body or "").replace("\r\n", "\n").split("\n")
    for section in REQUIRED_SECTIONS:
        if not any(line.startswith(section) for line in lines):
            problems.append(_l("The section “%(section)s” is missing.", section=section))
    count = chinese_chars(body or "")
    if count < MIN_CHINESE_CHARS:
        problems.append(_l("%(count)d Chinese characters; at least %(min)d are needed.",
                           count=count, min=MIN_CHINESE_CHARS))
    for n, line in enumerate(lines, start=1):
        if RAW_HTML.search(line):
            problems.append(_l("Line %(n)d: raw HTML is not allowed (it would only be shown as text).", n=n))
            break
    return problems


class ModuleEditForm(FlaskForm):
    title_zh = StringField(_l("Title (Chinese)"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[DataRequired(), Length(max=200)])
    summary_zh = TextAreaField(_l("Summary (Chinese)"), validators=[DataRequired(), Length(max=2000)],
                               render_kw={"rows": 3})
    summary_en = TextAreaField(_l("Summary (English)"), validators=[DataRequired(), Length(max=2000)],
                               render_kw={"rows": 3})
    minutes = IntegerField(_l("Estimated minutes"), validators=[
        DataRequired(), NumberRange(min=5, max=240, message=_l("Between 5 and 240 minutes"))])
    objectives_zh = TextAreaField(_l("Learning objectives (Chinese), one per line"), validators=[DataRequired()],
                                  render_kw={"rows": 5})
    objectives_en = TextAreaField(_l("Learning objectives (English), one per line"), validators=[DataRequired()],
                                  render_kw={"rows": 5})
    body = TextAreaField(_l("Teaching text (Markdown)"), validators=[DataRequired(), Length(max=200_000)],
                         render_kw={"rows": 24, "spellcheck": "false"},
                         description=_l("Sections 要点讲解, 案例…, 常见误区 and 检查清单 (## headings); "
                                        "tables as | a | b |; no HTML."))
    note = StringField(_l("What did you change? (a short note for the history)"),
                       validators=[Optional(), Length(max=200)])
    base_version = HiddenField()

    def validate_objectives_en(self, field):
        if len(objective_lines(field.data)) != len(objective_lines(self.objectives_zh.data)):
            raise ValidationError(_l("Give as many English objectives as Chinese ones, in the same order."))

    def validate_body(self, field):
        problems = body_problems(field.data)
        if problems:
            raise ValidationError(" ".join(str(p) for p in problems))

    @classmethod
    def for_module(cls, module, base_version):
        form = cls(formdata=None, obj=module)
        form.objectives_zh.data = "\n".join(o["zh"] for o in module.objectives)
        form.objectives_en.data = "\n".join(o["en"] for o in module.objectives)
        form.body.data = module.body_markdown
        form.base_version.data = str(base_version)
        return form

    def fields(self):
        """The editable fields as versions.EDITABLE names them."""
        return {
            "title_zh": self.title_zh.data, "title_en": self.title_en.data,
            "summary_zh": self.summary_zh.data, "summary_en": self.summary_en.data,
            "minutes": self.minutes.data, "body_markdown": self.body.data,
            "objectives": [{"zh": zh, "en": en} for zh, en in zip(
                objective_lines(self.objectives_zh.data), objective_lines(self.objectives_en.data), strict=False)],
        }
