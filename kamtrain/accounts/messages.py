"""User-facing text for the accounts domain's error codes."""

from flask_babel import lazy_gettext as _l

ERRORS = {
    "username_taken": _l("This user name is already taken"),
    "email_taken": _l("This e-mail address already belongs to another user"),
    "password_too_short": _l("The password is too short"),
    "wrong_password": _l("The current password is not correct"),
    "password_unchanged": _l("The new password must differ from the current one"),
    "cannot_deactivate_self": _l("You cannot deactivate your own account"),
    "cannot_drop_own_admin": _l("You cannot remove your own administrator role"),
    "already deactivated": _l("This account is already deactivated"),
    "already active": _l("This account is already active"),
    "team_name_taken": _l("This org unit already has a team with that name"),
    "empty_org_unit": _l("Give an org unit path"),
}


def error_text(error):
    return ERRORS.get(str(error), str(error))

EVENTS = {
    "login": _l("Signed in"),
    "logout": _l("Signed out"),
    "login_failed": _l("Failed sign-in"),
    "password_changed": _l("Password changed"),
    "password_change_failed": _l("Failed password change"),
    "password_reset": _l("Temporary password set"),
    "user_created": _l("Account created"),
    "user_deactivated": _l("Account deactivated"),
    "user_activated": _l("Account activated"),
    "roles_changed": _l("Roles changed"),
    "team_created": _l("Team created"),
    "team_leader_changed": _l("Team leader changed"),
    "roster_imported": _l("Roster uploaded"),
    "scenario_reply_marked": _l("Scenario reply marked"),
    "exam_created": _l("Exam created"),
    "exam_changed": _l("Exam settings changed"),
    "exam_assigned": _l("Exam assigned"),
    "exam_unassigned": _l("Exam assignment removed"),
    "attempt_answer_refused": _l("Exam answer refused"),
    "essay_marked": _l("Written answer marked"),
    "question_regraded": _l("Corrected question regraded"),
    "competency_assessed": _l("Competencies assessed against the indicators"),
    "competency_observed": _l("Observation from a customer visit recorded"),
    "plan_approved": _l("Development plan approved"),
    "plan_reviewed": _l("Development plan reviewed"),
    "work_assigned": _l("Work assigned from the gap report"),
}


def event_title(event):
    return EVENTS.get(event, event)
