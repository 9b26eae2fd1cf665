"""Trainer forms for the question bank: the per-type question editor, import and export, bulk actions."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from kamtrain.accounts.forms import MultiCheckboxField, choices
from kamtrain.assessment import questions as qm
from kamtrain.assessment.messages import DIFFICULTY_NAMES, FORMAT_NAMES

TEXT_FORMATS = choices([("html", "HTML"), ("markdown", "Markdown"), ("plain", _l("Plain text")),
                        ("moodle", _l("Moodle auto-format"))])


def _percent(value):
    return f"{value * 100:.5f}".rstrip("0").rstrip(".")


FRACTION_CHOICES = choices([(_percent(f), f"{_percent(round(f * 100, 3) / 100)} %") for f in qm.MOODLE_FRACTIONS])
POSITIVE_FRACTION_CHOICES = [c for c in FRACTION_CHOICES if not c.value.startswith("-")]


class OptionForm(Form):
    """One option / accepted answer. Blank rows are ignored."""

    text = StringField(_l("Answer"), validators=[Optional(), Length(max=2000)])
    fraction = SelectField(_l("Grade"), choices=FRACTION_CHOICES, default="0")
    feedback = StringField(_l("Feedback"), validators=[Optional(), Length(max=2000)])
    tolerance = DecimalField(_l("Tolerance ±"), validators=[Optional()], places=None)


class PairForm(Form):
    stem = StringField(_l("Item"), validators=[Optional(), Length(max=2000)])
    answer = StringField(_l("Matches"), validators=[Optional(), Length(max=500)])


class UnitForm(Form):
    name = StringField(_l("Unit"), validators=[Optional(), Length(max=50)])
    multiplier = DecimalField(_l("Multiplier"), validators=[Optional()], places=None)


class QuestionForm(FlaskForm):
    # what the bank knows about the question
    name = StringField(_l("Question name"), validators=[DataRequired(), Length(max=255)])
    idnumber = StringField(_l("ID number"), validators=[Optional(), Length(max=100)])
    category = StringField(_l("Bank category"), validators=[DataRequired(), Length(max=500)],
                           description=_l("A path such as top/kamtrain/information"))
    competency = SelectField(_l("Competency category"), choices=[])
    levels = MultiCheckboxField(_l("Certification levels"), choices=choices(
        [("4", _l("Level 4 (entry)")), ("3", _l("Level 3")), ("2", _l("Level 2")), ("1", _l("Level 1 (expert)"))]))
    tracks = MultiCheckboxField(_l("Tracks"), choices=choices(
        [("sales", _l("Key-account sales manager")), ("marketing", _l("Key-account marketing manager"))]))
    difficulty = SelectField(_l("Difficulty"), choices=choices([("", _l("None")), *DIFFICULTY_NAMES.items()]))
    tags = StringField(_l("Tags"), validators=[Optional(), Length(max=1000)], description=_l("Separated by commas"))
    # what is asked
    text = TextAreaField(_l("Question text"), validators=[Optional(), Length(max=100_000)])
    text_format = SelectField(_l("Text format"), choices=TEXT_FORMATS, default="html")
    general_feedback = TextAreaField(_l("General feedback"), validators=[Optional(), Length(max=20_000)],
                                     description=_l("Shown after answering, whatever the answer: explain why."))
    default_mark = DecimalField(_l("Mark"), default=1, places=None, validators=[NumberRange(min=0, max=1000)])
    # per type
    single = SelectField(_l("Answers"), choices=choices([("1", _l("One answer only")), ("0", _l("Several answers"))]),
                         default="1")
    shuffle = BooleanField(_l("Shuffle the options"), default=True)
    options = FieldList(FormField(OptionForm), min_entries=6, max_entries=30)
    correct_feedback = StringField(_l("Feedback for a right response"), validators=[Optional(), Length(max=2000)])
    partially_correct_feedback = StringField(_l("Feedback for a partly right response"),
                                             validators=[Optional(), Length(max=2000)])
    incorrect_feedback = StringField(_l("Feedback for a wrong response"), validators=[Optional(), Length(max=2000)])
    truefalse_answer = SelectField(_l("The right answer"), choices=choices([("true", _l("True")),
                                                                            ("false", _l("False"))]), default="true")
    true_feedback = StringField(_l("Feedback when the response is True"), validators=[Optional(), Length(max=2000)])
    false_feedback = StringField(_l("Feedback when the response is False"), validators=[Optional(), Length(max=2000)])
    case_sensitive = BooleanField(_l("Case matters"))
    units = FieldList(FormField(UnitForm), min_entries=3, max_entries=10)
    unit_grading = SelectField(_l("Units"), default="0", choices=choices([
        ("0", _l("The unit is optional and not marked")),
        ("1", _l("A wrong or missing unit costs a share of the answer's mark")),
        ("2", _l("A wrong or missing unit costs a share of the question's mark"))]))
    unit_penalty = DecimalField(_l("Penalty for a wrong or missing unit"), default=0.1, places=None,
                                validators=[Optional(), NumberRange(min=0, max=1)])
    pairs = FieldList(FormField(PairForm), min_entries=6, max_entries=40)
    response_lines = IntegerField(_l("Answer box lines"), default=15, validators=[Optional(), NumberRange(1, 60)])
    min_words = IntegerField(_l("Minimum words"), validators=[Optional(), NumberRange(0, 100_000)])
    max_words = IntegerField(_l("Maximum words"), validators=[Optional(), NumberRange(0, 100_000)])
    grader_info = TextAreaField(_l("Marking rubric"), validators=[Optional(), Length(max=20_000)],
                                description=_l("What a trainer looks for and how many marks each point earns."))
    response_template = TextAreaField(_l("Answer template"), validators=[Optional(), Length(max=20_000)])
    # images, stored with the version (question_files) and referenced as @@PLUGINFILE@@/name
    images = MultipleFileField(_l("Add images"), description=_l(
        "PNG, JPEG, GIF or WebP, at most %(mb)d MB each. Refer to an image in the text as @@PLUGINFILE@@/name, "
        "e.g. <img src=\"@@PLUGINFILE@@/name\" alt=\"…\"> (HTML) or ![…](@@PLUGINFILE@@/name) (Markdown).",
        mb=2))
    remove_images = MultiCheckboxField(_l("Remove images"), choices=[], validate_choice=False)
    note = StringField(_l("What changed"), validators=[Optional(), Length(max=255)])


class ImportForm(FlaskForm):
    file = FileField(_l("Question file"), validators=[FileRequired(_l("Choose a file"))],
                     description=_l("GIFT, Moodle XML or Aiken, UTF-8, up to 50 MB"))
    format = SelectField(_l("Format"), choices=choices([(k, FORMAT_NAMES[k])
                                                         for k in ("auto", "gift", "moodlexml", "aiken")]))
    category = StringField(_l("Bank category"), validators=[Optional(), Length(max=500)],
                           description=_l("For questions the file does not put into a category; default top"))


class BulkForm(FlaskForm):
    action = SelectField(_l("With the chosen questions"), choices=choices([
        ("move", _l("Move to category")), ("tag", _l("Add tag")), ("untag", _l("Remove tag")),
        ("retire", _l("Retire")), ("restore", _l("Restore"))]))
    target = StringField(_l("Category or tag"), validators=[Optional(), Length(max=500)])


class ConfirmForm(FlaskForm):
    """A button that only needs its CSRF token."""
