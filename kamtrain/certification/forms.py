"""Forms of the certification pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Reason for revoking"), validators=[DataRequired(), Length(max=500)],
                           description=_l("Recorded in the audit log and shown to the holder."))


class ReissueForm(FlaskForm):
    holder_name = StringField(_l("Name to print"), validators=[DataRequired(), Length(max=120)])
    reason = StringField(_l("Reason for reissuing"), validators=[DataRequired(), Length(max=300)],
                         description=_l("For example: the name was misspelt."))


class DecisionForm(FlaskForm):
    decision = HiddenField(validators=[DataRequired()])
    note = StringField(_l("Reason (needed to reject)"), validators=[Optional(), Length(max=500)])


class BadgeForm(FlaskForm):
    token = TextAreaField(_l("Signed badge (VC-JWT)"), validators=[Optional(), Length(max=20000)])
    file = FileField(_l("or upload the badge file"))


class EmptyForm(FlaskForm):
    """A POST with nothing but its CSRF token."""
