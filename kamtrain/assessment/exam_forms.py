"""Trainer and leader forms for exams: a sitting's settings, assignments, essay marks, regrades.

Times are entered in the organisation's time zone (KAMTRAIN_TIMEZONE, default Asia/Shanghai) and
stored in UTC.
"""

from datetime import UTC
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from kamtrain.accounts.forms import MultiCheckboxField, choices
from kamtrain.assessment.exam_messages import LAYOUT_NAMES, REVIEW_POLICY_NAMES


def _zone():
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai")


def to_utc(local):
    """A naive local time from a form → naive UTC for the database."""
    if local is None:
        return None
    return local.replace(tzinfo=_zone()).astimezone(UTC).replace(tzinfo=None)


def to_local(utc):
    if utc is None:
        return None
    return utc.replace(tzinfo=UTC).astimezone(_zone()).replace(tzinfo=None)


class ExamForm(FlaskForm):
    syllabus = SelectField(_l("Syllabus"), choices=[], validators=[DataRequired()])
    title_zh = StringField(_l("Title (Chinese)"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[DataRequired(), Length(max=200)])
    opens_at = DateTimeLocalField(_l("Window opens"), validators=[Optional()], format="%Y-%m-%dT%H:%M",
                                  description=_l("Leave empty to open it now."))
    closes_at = DateTimeLocalField(_l("Window closes"), validators=[Optional()], format="%Y-%m-%dT%H:%M",
                                   description=_l("Attempts still running then are closed and graded."))
    time_limit_minutes = IntegerField(_l("Time limit (minutes)"), validators=[Optional(), NumberRange(1, 600)])
    max_attempts = IntegerField(_l("Attempts allowed"), validators=[Optional(), NumberRange(1, 20)],
                                description=_l("Counted over every sitting of the same syllabus."))
    wait_days = IntegerField(_l("Days to wait between attempts"), validators=[Optional(), NumberRange(0, 365)])
    pass_mark = IntegerField(_l("Pass mark (%)"), validators=[DataRequired(), NumberRange(1, 100)])
    review_policy = SelectField(_l("Review after submission"), choices=choices(REVIEW_POLICY_NAMES.items()))
    layout = SelectField(_l("Layout"), choices=choices(LAYOUT_NAMES.items()))
    active = BooleanField(_l("Open for attempts"), default=True)

    def validate_closes_at(self, field):
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The window must close after it opens."))

    def settings(self):
        return {
            "title_zh": self.title_zh.data.strip(), "title_en": self.title_en.data.strip(),
            "opens_at": to_utc(self.opens_at.data), "closes_at": to_utc(self.closes_at.data),
            "time_limit_minutes": self.time_limit_minutes.data, "max_attempts": self.max_attempts.data,
            "wait_days": self.wait_days.data or 0, "pass_mark": self.pass_mark.data,
            "review_policy": self.review_policy.data, "layout": self.layout.data, "active": bool(self.active.data),
        }

    def fill(self, quiz):
        for name in ("title_zh", "title_en", "time_limit_minutes", "max_attempts", "wait_days", "pass_mark",
                     "review_policy", "layout", "active"):
            getattr(self, name).data = getattr(quiz, name)
        self.opens_at.data = to_local(quiz.opens_at)
        self.closes_at.data = to_local(quiz.closes_at)
        self.syllabus.data = str(quiz.syllabus_id or "")


class AssignForm(FlaskForm):
    users = MultiCheckboxField(_l("Trainees"), choices=[], validate_choice=False)
    teams = MultiCheckboxField(_l("Whole teams"), choices=[], validate_choice=False)


class MarkForm(FlaskForm):
    points = DecimalField(_l("Mark"), validators=[InputRequired(message=_l("Give a mark.")), NumberRange(min=0)],
                          places=None)
    comment = TextAreaField(_l("Comment to the trainee"), validators=[Optional(), Length(max=5000)])


class ConfirmForm(FlaskForm):
    """A bare POST with CSRF (regrade, remove an assignment)."""
