"""Writes of the competency domain: assessments and observations, each turned into evidence.
Functions flush, never commit; the caller commits."""

from datetime import datetime, time

from kamtrain.accounts.operations import audit
from kamtrain.competency.assessments import Assessment, AssessmentRating, Observation
from kamtrain.competency.models import Category, Evidence, Indicator
from kamtrain.competency.proficiency import step_to_score
from kamtrain.core.db import db, utcnow
from kamtrain.core.errors import DomainError


def may_assess(actor, user):
    """A leader assesses and observes the members of the teams they lead."""
    return actor.id != user.id and actor.leads(user)


def record_assessment(actor, user, kind, ratings, note="", at=None, ip=None):
    """``ratings``: {category_id: (step, comment)}; categories left out were not judged.
    Writes one evidence row per rating (source ``self`` or ``leader``, source id the assessment)."""
    if kind == "self" and actor.id != user.id:
        raise DomainError("assess_self_only")
    if kind == "leader" and not may_assess(actor, user):
        raise DomainError("not_your_member")
    if kind not in ("self", "leader"):
        raise DomainError("unknown_assessment_kind")
    ratings = {cid: r for cid, r in ratings.items() if r and r[0]}
    if not ratings:
        raise DomainError("nothing_rated")
    at = at or utcnow()
    assessment = Assessment(user_id=user.id, assessor_id=actor.id, kind=kind, assessed_at=at, note=note or "")
    db.session.add(assessment)
    known = set(db.session.scalars(db.select(Category.id)))
    for cid, (step, comment) in sorted(ratings.items()):
        if cid not in known:
            raise DomainError("unknown_category")
        assessment.ratings.append(AssessmentRating(category_id=cid, step=int(step), comment=(comment or "")[:255]))
    db.session.flush()
    for rating in assessment.ratings:
        db.session.add(Evidence(user_id=user.id, category_id=rating.category_id, score=step_to_score(rating.step),
                                weight=1.0, occurred_at=at, source_kind=kind, source_id=assessment.id,
                                recorded_by_id=actor.id,
                                note=(f"{kind} assessment: step {rating.step}" + (
                                    f" — {rating.comment}" if rating.comment else ""))[:255]))
    db.session.flush()
    audit("competency_assessed", actor=actor, subject=user, ip=ip, kind=kind, assessment=assessment.id,
          categories=len(assessment.ratings))
    return assessment


def record_observation(actor, user, category, step, observed_on, customer="", note="", indicator=None, ip=None):
    """A leader's observation from a customer visit; written as evidence of source ``observation``."""
    if not may_assess(actor, user):
        raise DomainError("not_your_member")
    if indicator is not None and indicator.category_id != category.id:
        raise DomainError("indicator_of_other_category")
    if observed_on > utcnow().date():
        raise DomainError("observed_in_future")
    observation = Observation(user_id=user.id, observer_id=actor.id, observed_on=observed_on,
                              customer=(customer or "")[:120], category_id=category.id, step=int(step),
                              indicator_id=indicator.id if indicator else None, note=note or "")
    db.session.add(observation)
    db.session.flush()
    when = datetime.combine(observed_on, time(12, 0))
    db.session.add(Evidence(user_id=user.id, category_id=category.id, score=step_to_score(step), weight=1.0,
                            occurred_at=min(when, utcnow()), source_kind="observation", source_id=observation.id,
                            recorded_by_id=actor.id,
                            note=(f"{customer}: {note}" if customer else note or "observation")[:255]))
    db.session.flush()
    audit("competency_observed", actor=actor, subject=user, ip=ip, observation=observation.id,
          category=category.code, step=int(step))
    return observation


def latest_assessment(user, kind):
    return db.session.scalar(db.select(Assessment).filter_by(user_id=user.id, kind=kind)
                             .order_by(Assessment.assessed_at.desc(), Assessment.id.desc()).limit(1))


def indicators_by_category():
    """{category_id: {step: [Indicator]}} of the indicators in use."""
    out = {}
    for ind in db.session.scalars(db.select(Indicator).where(Indicator.retired.is_(False))
                                  .order_by(Indicator.category_id, Indicator.step, Indicator.position)):
        out.setdefault(ind.category_id, {}).setdefault(ind.step, []).append(ind)
    return out
