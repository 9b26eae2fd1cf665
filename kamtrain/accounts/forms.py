"""Forms for signing in, passwords, and administering people and teams."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from kamtrain.accounts.passwords import MIN_LENGTH
from kamtrain.accounts.roles import ROLE_TITLES


def choices(pairs):
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(str(value), label) for value, label in pairs]


LEVEL_CHOICES = choices([("", _l("None")), ("4", _l("Level 4 (entry)")), ("3", _l("Level 3")),
                         ("2", _l("Level 2")), ("1", _l("Level 1 (expert)"))])
TRACK_CHOICES = choices([("", _l("None")), ("sales", _l("Key-account sales manager")),
                         ("marketing", _l("Key-account marketing manager"))])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(FlaskForm):
    username = StringField(_l("User name or e-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class ChangePasswordForm(FlaskForm):
    old_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=MIN_LENGTH, max=200, message=_l("At least %(min)d characters", min=MIN_LENGTH))])
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The two new passwords differ"))])


class UserForm(FlaskForm):
    username = StringField(_l("User name"), validators=[
        DataRequired(), Length(min=2, max=64),
        Regexp(r"^[a-zA-Z0-9][a-zA-Z0-9._-]*$", message=_l("Letters, digits, dot, dash and underscore only"))])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(message=_l("Not a valid e-mail address")),
                                                  Length(max=254)])
    employee_no = StringField(_l("Employee no."), validators=[Optional(), Length(max=32)])
    roles = MultiCheckboxField(_l("Roles"), choices=choices((r.value, t) for r, t in ROLE_TITLES.items()),
                               validators=[DataRequired(message=_l("Choose at least one role"))])
    team_id = SelectField(_l("Team"), choices=[], validate_choice=True)
    track = SelectField(_l("Track"), choices=TRACK_CHOICES)
    current_level = SelectField(_l("Current level"), choices=LEVEL_CHOICES)
    target_level = SelectField(_l("Target level"), choices=LEVEL_CHOICES)
    password = PasswordField(_l("Temporary password"), validators=[
        Optional(), Length(min=MIN_LENGTH, max=200, message=_l("At least %(min)d characters", min=MIN_LENGTH))],
        description=_l("Leave empty to keep the current password. The person must change it at next sign-in."))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        cur, tgt = self.current_level.data, self.target_level.data
        if cur and tgt and int(tgt) > int(cur):
            self.target_level.errors.append(_l("The target level must be the current level or higher"))
            ok = False
        return ok


class TeamForm(FlaskForm):
    name = StringField(_l("Team name"), validators=[DataRequired(), Length(max=120)])
    org_unit_id = SelectField(_l("Org unit"), choices=[])
    leader_id = SelectField(_l("Team leader"), choices=[])


class OrgUnitForm(FlaskForm):
    path = StringField(_l("Org unit path"), validators=[DataRequired(), Length(max=250)],
                       description=_l("City and branch separated by a slash, e.g. 杭州市/西湖支局"))


class RosterForm(FlaskForm):
    file = FileField(_l("Roster file (CSV or XLSX)"), validators=[
        FileRequired(message=_l("Choose a file")),
        FileAllowed(["csv", "xlsx"], message=_l("Choose a .csv or .xlsx file"))])
    dry_run = BooleanField(_l("Check only, change nothing"))
