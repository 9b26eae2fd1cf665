"""Forms of the scenario pages. The response buttons and the rubric's point fields vary with the node,
so they are read from the request and checked by runs.py and marking.py; the forms carry the CSRF
token, the run's position and the free text."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from kamtrain.scenarios.runs import MAX_REPLY


class StartForm(FlaskForm):
    """Start (or replay) a scenario: a new run."""


class PlayForm(FlaskForm):
    position = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    node = HiddenField(validators=[InputRequired(), Length(max=40)])
    text = TextAreaField(_l("Your reply"), validators=[Optional(), Length(max=MAX_REPLY)])


class MarkForm(FlaskForm):
    comment = TextAreaField(_l("Comment for the trainee (optional)"), validators=[Optional(), Length(max=2000)])
