"""What trainees and trainers read about quizzes, exams and attempts (translated)."""

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

REVIEW_POLICY_NAMES = {
    "immediate": _l("Show answers and marks right after submission"),
    "after_close": _l("Show answers and marks after the exam window closes"),
    "never": _l("Never show answers (score and result per category only)"),
}

LAYOUT_NAMES = {"paged": _l("One question per screen"), "single": _l("All questions on one page")}

KIND_NAMES = {"practice": _l("Practice quiz"), "exam": _l("Certification exam")}

STATE_NAMES = {
    "in_progress": _l("In progress"),
    "needs_marking": _l("Waiting for a trainer's marking"),
    "graded": _l("Graded"),
}

CLOSED_BY_NAMES = {"trainee": _l("Submitted"), "deadline": _l("Closed when time ran out")}

ANSWER_REFUSALS = {
    "unknown_slot": _l("That question is not part of this attempt. Nothing was saved."),
    "deadline": _l("The time for this attempt is over. Answers given after the deadline are not saved."),
    "submitted": _l("This attempt has already been submitted. Nothing more can be saved."),
    "forged": _l("The answer did not come from this attempt's page (an option that does not exist). Nothing was "
                 "saved."),
    "other_user": _l("This attempt belongs to someone else. Nothing was saved."),
}

FLAGS = {
    "too_hard": _l("Very hard (facility below 20 %)"),
    "too_easy": _l("Very easy (facility above 90 %)"),
    "weak_discrimination": _l("Weak discrimination (below 20)"),
    "negative_discrimination": _l("Negative discrimination: check the answer key"),
    "distractor_beats_key": _l("A wrong option was chosen more often than the right one"),
}

ASSIGN_ERRORS = {
    "not_your_team": _l("You can assign only to your own team and its members."),
    "nothing_chosen": _l("Choose at least one trainee or team."),
    "not_an_exam": _l("Only certification exams are assigned; practice quizzes are open to everyone."),
}

MARK_ERRORS = {
    "attempt_in_progress": _l("The attempt is still in progress."),
    "not_an_essay": _l("Only essay answers are marked by hand."),
    "mark_out_of_range": _l("The mark must lie between 0 and the question's marks."),
}


def refusal_text(error):
    """A QuizRefused as a sentence for the trainee."""
    code, d = error.code, error.details
    if code == "inactive":
        return _l("This quiz has been withdrawn.")
    if code == "not_open":
        return _l("The exam window opens on %(date)s.", date=format_datetime(d["opens"], "short"))
    if code == "closed":
        return _l("The exam window closed on %(date)s.", date=format_datetime(d["closes"], "short"))
    if code == "not_assigned":
        return _l("This exam has not been assigned to you. Ask your team leader or a trainer.")
    if code == "passed":
        return _l("You have passed this exam.")
    if code == "no_attempts_left":
        return _l("You have used all %(n)d attempts allowed.", n=d["limit"])
    if code == "wait":
        return _l("You can try again from %(date)s (waiting period between attempts).",
                  date=format_datetime(d["until"], "short"))
    if code == "shortage":
        return _l("The question bank does not hold enough questions for this quiz yet. Please tell a trainer.")
    return _l("There are no questions for this quiz yet.")

DIFFICULTY_KEY_NAMES = {"easy": _l("Easy"), "medium": _l("Medium"), "hard": _l("Hard"), "any": _l("Any difficulty")}


def template_globals(state):
    """Blueprint.record_once hook: the names above, for the exam templates."""
    state.app.jinja_env.globals.update(
        REVIEW_POLICY_NAMES=REVIEW_POLICY_NAMES, LAYOUT_NAMES=LAYOUT_NAMES, KIND_NAMES=KIND_NAMES,
        STATE_NAMES=STATE_NAMES, CLOSED_BY_NAMES=CLOSED_BY_NAMES, FLAGS=FLAGS,
        DIFFICULTY_KEY_NAMES=DIFFICULTY_KEY_NAMES)
