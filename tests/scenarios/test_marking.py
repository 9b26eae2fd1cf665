"""Marking free-text replies against the rubric; the inter-rater rule; evidence from marks; the queue."""

import pytest

from kamtrain.accounts.models import AuditEntry
from kamtrain.accounts.roles import Role
from kamtrain.competency.models import Evidence
from kamtrain.core.db import db
from kamtrain.scenarios import engine, marking
from kamtrain.scenarios.marking import Settlement, settle
from tests.factories import create_user
from tests.scenarios.conftest import finished_run

# the example's free-text node "minutes": rubric 3 + 2 + 2 + 1 = 8 points, category communication
MAX = 8


def test_settle_one_mark_is_final():
    assert settle([], MAX) == Settlement(None, False, False)
    assert settle([(5, False)], MAX) == Settlement(5.0, False, False)


def test_settle_two_close_marks_give_their_mean():
    assert settle([(5, False), (6, False)], MAX) == Settlement(5.5, False, False)
    # 20 % of 8 is 1.6: a difference of 1 agrees, 2 does not
    assert settle([(4, False), (6, False)], MAX) == Settlement(5.0, True, True)


def test_settle_a_third_marker_decides_a_disagreement():
    assert settle([(2, False), (7, False), (6, True)], MAX) == Settlement(6.0, True, False)


def test_disagree_threshold_scales_with_the_rubric():
    assert not marking.disagree(0, 2, 10) and marking.disagree(0, 3, 10)


@pytest.fixture
def reply():
    trainee = create_user(track="sales", current_level=3, target_level=2)
    run = finished_run(trainee)
    return next(s for s in run.steps if s.choice == engine.TEXT)


@pytest.fixture
def trainers():
    return [create_user(roles=[Role.TRAINER]) for _ in range(3)]


def _evidence(step):
    return db.session.scalars(db.select(Evidence).filter_by(source_kind="scenario", source_id=step.id)).all()


def test_one_mark_is_final_and_becomes_evidence(reply, trainers):
    result = marking.mark_reply(reply, trainers[0], [3, 1, 2, 0], "条款写全了")
    assert result.final == 6 and reply.final_points == 6 and not reply.disagreement
    [row] = _evidence(reply)
    assert row.category.code == "communication" and row.score == 6 / MAX and row.user_id == reply.run.user_id
    assert row.recorded_by_id == trainers[0].id and row.occurred_at == reply.at
    assert db.session.scalar(db.select(AuditEntry).filter_by(event="scenario_reply_marked")).details["points"] == 6
    # the run's own evidence (keyed by its last decision step) is untouched
    run_rows = db.session.scalars(db.select(Evidence).filter(Evidence.source_kind == "scenario",
                                                             Evidence.source_id != reply.id)).all()
    assert run_rows and all(r.score == 1.0 for r in run_rows)
    assert "communication" in {r.category.code for r in run_rows}


def test_points_are_checked_against_the_rubric(reply, trainers):
    with pytest.raises(marking.MarkError, match="points"):
        marking.mark_reply(reply, trainers[0], [4, 0, 0, 0])  # the first criterion is worth 3
    with pytest.raises(marking.MarkError, match="points"):
        marking.mark_reply(reply, trainers[0], [-1, 0, 0, 0])
    with pytest.raises(marking.MarkError, match="criteria"):
        marking.mark_reply(reply, trainers[0], [1, 1])
    with pytest.raises(marking.MarkError, match="own_reply"):
        marking.mark_reply(reply, reply.run.user, [1, 1, 1, 1])


def test_two_close_marks_agree_on_the_mean(reply, trainers):
    marking.mark_reply(reply, trainers[0], [3, 1, 2, 0])
    result = marking.mark_reply(reply, trainers[1], [3, 2, 2, 0])
    assert result == Settlement(6.5, False, False) and reply.final_points == 6.5
    [row] = _evidence(reply)  # updated, not duplicated
    assert row.score == 6.5 / MAX
    assert marking.may_mark(reply, trainers[2]) == "enough_marks"
    with pytest.raises(marking.MarkError, match="enough_marks"):
        marking.mark_reply(reply, trainers[2], [1, 1, 1, 1])


def test_a_disagreement_goes_to_a_third_marker_who_decides(reply, trainers):
    marking.mark_reply(reply, trainers[0], [1, 0, 0, 0])
    result = marking.mark_reply(reply, trainers[1], [3, 2, 2, 1])
    assert result.disagreement and result.waiting_for_third and reply.final_points == 4.5  # provisional mean
    first, third, second = marking.review_queue(trainers[2])
    assert reply in third and reply not in first and reply not in second
    assert marking.review_queue(trainers[0])[1] == []  # the two markers are not asked to decide
    result = marking.mark_reply(reply, trainers[2], [2, 1, 2, 1])
    assert result == Settlement(6.0, True, False) and reply.final_points == 6
    assert [m.decisive for m in reply.marks] == [False, False, True]
    assert _evidence(reply)[0].score == 6 / MAX
    # settled: the first two can no longer change their marks; the third can
    assert marking.may_mark(reply, trainers[0]) == "decided"
    assert marking.may_mark(reply, trainers[2]) is None
    assert reply not in marking.review_queue(create_user(roles=[Role.TRAINER]))[1]


def test_a_marker_may_change_their_own_mark(reply, trainers):
    marking.mark_reply(reply, trainers[0], [1, 1, 1, 1])
    marking.mark_reply(reply, trainers[0], [3, 2, 2, 1], "改判")
    assert len(reply.marks) == 1 and reply.marks[0].points == 8 and reply.final_points == 8


def test_review_queue_sections(reply, trainers):
    first, third, second = marking.review_queue(trainers[0])
    assert reply in first and not third and reply not in second
    marking.mark_reply(reply, trainers[0], [2, 2, 2, 1])
    assert reply not in marking.review_queue(trainers[0])[0]  # nothing of mine to mark again
    first, third, second = marking.review_queue(trainers[1])
    assert reply not in first and reply in second  # open for the inter-rater check
    assert reply not in marking.review_queue(reply.run.user)[0]  # a trainee-trainer never marks their own


def test_inter_rater_pairs_and_summary(reply, trainers):
    marking.mark_reply(reply, trainers[0], [1, 0, 0, 0])
    marking.mark_reply(reply, trainers[1], [3, 2, 2, 1])
    other = next(s for s in finished_run(create_user()).steps if s.choice == engine.TEXT)
    marking.mark_reply(other, trainers[0], [3, 1, 1, 1])
    marking.mark_reply(other, trainers[1], [3, 2, 1, 1])
    pairs = marking.double_marked()
    by_step = {p.step.id: p for p in pairs}
    assert by_step[reply.id].difference == 7 and by_step[reply.id].flagged
    assert by_step[other.id].difference == 1 and not by_step[other.id].flagged
    summary = marking.agreement_summary([by_step[reply.id], by_step[other.id]])
    assert summary["pairs"] == 2 and summary["agreed"] == 1 and summary["agreed_share"] == 0.5
    assert summary["mean_difference"] == pytest.approx((7 / 8 + 1 / 8) / 2)
    assert marking.agreement_summary([])["pairs"] == 0
