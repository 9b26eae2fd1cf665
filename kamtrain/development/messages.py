"""What people read about development plans and gap reports (translated)."""

from flask_babel import lazy_gettext as _l

STATUS_NAMES = {
    "draft": _l("Draft"),
    "agreed": _l("Agreed by the trainee, waiting for approval"),
    "approved": _l("Approved"),
    "closed": _l("Closed"),
    "renewed": _l("Renewed"),
}

STATUS_SHORT = {"draft": _l("Draft"), "agreed": _l("Agreed"), "approved": _l("Approved"), "closed": _l("Closed"),
                "renewed": _l("Renewed")}

EVENT_NAMES = {
    "generated": _l("Plan generated from the gap report"),
    "generated_next": _l("Plan generated towards the next level (the target level's profile is met)"),
    "edited": _l("Plan edited"),
    "agreed": _l("Agreed by the trainee"),
    "approved": _l("Approved by the team leader"),
    "sent_back": _l("Sent back for changes"),
    "reopened": _l("Reopened for changes"),
    "assigned": _l("Work assigned by the team leader"),
    "closed": _l("Reviewed and closed"),
    "renewed": _l("Reviewed and renewed"),
    "renewed_from": _l("Renews an earlier plan"),
}

ITEM_KINDS = {"module": _l("Course module"), "quiz": _l("Practice quiz"), "scenario": _l("Scenario"),
              "action": _l("On-the-job action")}

ORIGINS = {"plan": _l("Recommended"), "trainee": _l("Added by me"), "leader": _l("Assigned by the team leader")}

SOURCE_NAMES = {
    "quiz": _l("Practice quiz answer"),
    "exam": _l("Exam answer"),
    "essay": _l("Marked essay"),
    "scenario": _l("Scenario run"),
    "self": _l("Self-assessment"),
    "leader": _l("Leader assessment"),
    "observation": _l("Observation on a customer visit"),
}

RUN_QUALITY_NAMES = {"good": _l("good ending"), "mixed": _l("mixed ending"), "poor": _l("poor ending")}

STEP_NAMES = {1: _l("Foundation"), 2: _l("Competent"), 3: _l("Proficient"), 4: _l("Expert")}

FIGURE_STATES = {"none": _l("No evidence yet"), "provisional": _l("Few data: provisional"),
                 "reliable": _l("Reliable")}

ERRORS = {
    "not_allowed": _l("You may not do that with this plan."),
    "no_target": _l("No track and target level are set for this person yet, so there is no target to plan for."),
    "plan_exists": _l("There is already an open plan."),
    "plan_not_editable": _l("Only a draft plan can be changed. Reopen it first."),
    "plan_wrong_state": _l("The plan is not in a state that allows this."),
    "plan_empty": _l("The plan has no goals or activities yet."),
    "plan_not_open": _l("The plan is closed."),
    "action_needs_text": _l("Describe the action."),
    "nothing_chosen": _l("Choose what to assign and to whom."),
    "assigned_item": _l("Work your team leader assigned stays in the plan; talk to them about changing it."),
    "not_an_action": _l("Only on-the-job actions are ticked by hand; the rest is recorded as you do it."),
    "comment_needed": _l("Say what should change."),
    "unknown_outcome": _l("Choose to close or to renew the plan."),
    "not_your_team": _l("You can assign only to your own team and its members."),
    "not_your_member": _l("You can assess only members of the teams you lead."),
    "assess_self_only": _l("A self-assessment is your own."),
    "nothing_rated": _l("Rate at least one category."),
    "unknown_category": _l("Unknown competency category."),
    "indicator_of_other_category": _l("That behaviour belongs to another category."),
    "observed_in_future": _l("The visit date lies in the future."),
    "unknown_assessment_kind": _l("Unknown kind of assessment."),
    "not_an_exam": _l("Only certification exams are assigned; practice quizzes are open to everyone."),
    "module_without_categories": _l("This module teaches no category."),
}


def error_text(error):
    return ERRORS.get(str(error), str(error))


def template_globals(state):
    """Blueprint.record_once hook: the names above, for the templates."""
    state.app.jinja_env.globals.update(
        PLAN_STATUS_NAMES=STATUS_NAMES, PLAN_STATUS_SHORT=STATUS_SHORT, PLAN_EVENT_NAMES=EVENT_NAMES,
        PLAN_ITEM_KINDS=ITEM_KINDS, PLAN_ORIGINS=ORIGINS, EVIDENCE_SOURCE_NAMES=SOURCE_NAMES,
        FIGURE_STATES=FIGURE_STATES, STEP_NAMES=STEP_NAMES,
        RUN_QUALITY_NAMES=RUN_QUALITY_NAMES)
