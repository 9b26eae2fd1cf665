"""Trainers marking free-text replies against the node's rubric, and the inter-rater check.

The rule (``settle``, pure):
- one mark: the reply's final mark is that mark;
- a second trainer may mark the same reply (the inter-rater check). When the two marks are at most
  ``THRESHOLD`` (20 %) of the rubric's maximum apart, the final mark is their **mean**; further apart,
  the reply is flagged as a disagreement and goes back to the review queue for a **third marker, whose
  mark decides** (it becomes the final mark). Until then the mean stands as a provisional mark;
- nobody marks a reply more than once (a marker may change their own mark until a third marker has
  decided), and nobody marks their own reply.

Every change of the final mark writes the reply's competency evidence (its node's category, final
points over the rubric's maximum), one row per reply (``source_id`` = the reply's scenario_steps.id).
"""

from dataclasses import dataclass

from kamtrain.accounts.operations import audit
from kamtrain.competency.models import Category
from kamtrain.core.db import db, utcnow
from kamtrain.core.errors import DomainError
from kamtrain.scenarios import engine, store
from kamtrain.scenarios.models import ReplyMark, ScenarioRun, ScenarioStep
from kamtrain.scenarios.runs import save_evidence

THRESHOLD = 0.2  # of the rubric's maximum: two marks further apart than this disagree


class MarkError(DomainError):
    """A mark that is not allowed; the message is a key of trainer_views.MARK_ERRORS."""


@dataclass
class Settlement:
    final: float | None  # the reply's final mark (provisional while a disagreement waits)
    disagreement: bool  # the first two marks were too far apart
    waiting_for_third: bool  # … and no third marker has decided yet


def disagree(a, b, max_points):
    return abs(a - b) > THRESHOLD * max_points


def settle(marks, max_points):
    """``marks``: [(points, decisive)] in the order given. Returns a Settlement."""
    if not marks:
        return Settlement(None, False, False)
    decisive = [p for p, d in marks if d]
    plain = [p for p, d in marks if not d]
    if len(plain) < 2:
        return Settlement(float(plain[0]) if plain else float(decisive[-1]), False, False)
    a, b = plain[0], plain[1]
    mean = round((a + b) / 2, 2)
    if not disagree(a, b, max_points):
        return Settlement(mean, False, False)
    if decisive:
        return Settlement(float(decisive[-1]), True, False)
    return Settlement(mean, True, True)


# --- the reply and its rubric ------------------------------------------------------------------------

def reply_node(step):
    """The free-text Node a reply answers (on the version its run was played)."""
    scenario = store.scenario_of(step.run.version)
    node = scenario.nodes.get(step.node)
    return scenario, node


def check_points(node, criteria):
    """Whole points per criterion, each 0..the criterion's points. Returns the list or raises."""
    if len(criteria) != len(node.rubric):
        raise MarkError("criteria")
    out = []
    for value, criterion in zip(criteria, node.rubric, strict=True):
        if value is None or isinstance(value, bool) or int(value) != value or not 0 <= value <= criterion.points:
            raise MarkError("points")
        out.append(int(value))
    return out


def may_mark(step, user):
    """None when ``user`` may mark (or re-mark) the reply, else the refusal's key."""
    if step.run.user_id == user.id:
        return "own_reply"
    mine = next((m for m in step.marks if m.marker_id == user.id), None)
    scenario, node = reply_node(step)
    state = settle([(m.points, m.decisive) for m in step.marks], node.max_points)
    decided = any(m.decisive for m in step.marks)
    if mine is not None:
        return "decided" if decided and not mine.decisive else None
    if len(step.marks) < 2 or state.waiting_for_third:
        return None
    return "enough_marks"


def mark_reply(step, marker, criteria, comment="", ip=None):
    """Save ``marker``'s mark (points per rubric criterion) and settle the reply's final mark."""
    refusal = may_mark(step, marker)
    if refusal:
        raise MarkError(refusal)
    scenario, node = reply_node(step)
    criteria = check_points(node, criteria)
    mark = next((m for m in step.marks if m.marker_id == marker.id), None)
    if mark is None:
        waiting = settle([(m.points, m.decisive) for m in step.marks], node.max_points).waiting_for_third
        mark = ReplyMark(step=step, marker_id=marker.id, decisive=waiting)
        db.session.add(mark)
    mark.criteria, mark.points, mark.comment, mark.marked_at = criteria, sum(criteria), comment.strip(), utcnow()
    db.session.flush()
    result = settle([(m.points, m.decisive) for m in step.marks], node.max_points)
    step.final_points, step.disagreement = result.final, result.disagreement
    if result.final is not None and node.category and node.max_points:
        category_id = db.session.scalar(db.select(Category.id).filter_by(code=node.category))
        if category_id is not None:
            save_evidence(step.run.user_id, category_id, step.id, result.final / node.max_points, 1.0, step.at,
                          f"scenario {step.run.scenario_id} run {step.run_id} reply {step.node}", recorded_by=marker)
    audit("scenario_reply_marked", actor=marker, subject=step.run.user, ip=ip, run=step.run_id, node=step.node,
          points=mark.points, final=result.final, disagreement=result.disagreement)
    db.session.flush()
    return result


# --- queues and the inter-rater view -----------------------------------------------------------------

def _replies():
    return (db.select(ScenarioStep).join(ScenarioRun).where(ScenarioStep.choice == engine.TEXT)
            .order_by(ScenarioStep.at, ScenarioStep.id))


def review_queue(user):
    """(waiting for a first mark, disagreements waiting for a third marker, marked once by someone else
    — open for a second marking) — replies ``user`` may mark, oldest first."""
    replies = db.session.scalars(_replies()).all()
    first, third, second = [], [], []
    for step in replies:
        if step.run.user_id == user.id or any(m.marker_id == user.id for m in step.marks):
            continue
        if not step.marks:
            first.append(step)
        elif step.disagreement and not any(m.decisive for m in step.marks):
            third.append(step)
        elif len(step.marks) == 1:
            second.append(step)
    return first, third, second


@dataclass
class Pair:
    step: object
    node: object
    first: object  # ReplyMark
    second: object
    third: object | None  # the decisive mark, if any

    @property
    def difference(self):
        return abs(self.first.points - self.second.points)

    @property
    def flagged(self):
        return disagree(self.first.points, self.second.points, self.node.max_points)


def double_marked():
    """Every reply marked by two trainers or more: the pairs of the inter-rater check, newest first."""
    query = _replies().where(ScenarioStep.id.in_(db.select(ReplyMark.step_id).group_by(ReplyMark.step_id)
                                                 .having(db.func.count() >= 2)))
    pairs = []
    for step in db.session.scalars(query):
        plain = [m for m in step.marks if not m.decisive]
        if len(plain) < 2:
            continue
        _, node = reply_node(step)
        pairs.append(Pair(step, node, plain[0], plain[1], next((m for m in step.marks if m.decisive), None)))
    return sorted(pairs, key=lambda p: p.second.marked_at, reverse=True)


def agreement_summary(pairs):
    """Count, share within the threshold, and mean difference as a share of the maximum (0..1)."""
    if not pairs:
        return {"pairs": 0, "agreed": 0, "agreed_share": None, "mean_difference": None}
    agreed = sum(not p.flagged for p in pairs)
    mean = sum(p.difference / p.node.max_points for p in pairs if p.node.max_points) / len(pairs)
    return {"pairs": len(pairs), "agreed": agreed, "agreed_share": agreed / len(pairs), "mean_difference": mean}
