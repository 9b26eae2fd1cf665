"""Forms of the records pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from kamtrain.accounts.forms import choices


class TokenForm(FlaskForm):
    name = StringField(_l("What the token is for"), validators=[DataRequired(), Length(max=80)],
                       description=_l("For example: HR system nightly sync"))
    days = SelectField(_l("Valid for"), default="365", choices=choices([
        ("30", _l("30 days")), ("90", _l("90 days")), ("365", _l("1 year")), ("730", _l("2 years"))]))
