"""Names of question types and formats as trainers see them (translated)."""

from flask_babel import lazy_gettext as _l

QUESTION_TYPE_NAMES = {
    "multichoice": _l("Single choice"),
    "multichoice_multi": _l("Multiple choice"),
    "truefalse": _l("True/false"),
    "shortanswer": _l("Short answer"),
    "numerical": _l("Numerical"),
    "matching": _l("Matching"),
    "essay": _l("Essay"),
    "cloze": _l("Cloze (embedded answers)"),
    "description": _l("Description"),
}

FORMAT_NAMES = {
    "auto": _l("Detect automatically"),
    "gift": "GIFT",
    "moodlexml": "Moodle XML",
    "aiken": "Aiken",
    "qti3": "QTI 3.0 (zip)",
}

DIFFICULTY_NAMES = {1: _l("Easy"), 2: _l("Medium"), 3: _l("Hard")}
