"""The proficiency method (kamtrain/competency/proficiency.py) on cases worked out by hand."""

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamtrain.competency import proficiency as pm
from kamtrain.competency.proficiency import Piece, figure, figure_from_sums, stored_weights

NOW = datetime(2026, 11, 24, 12, 0)


def piece(score, kind="exam", days=0, weight=1.0):
    return Piece(score=score, weight=weight, kind=kind, occurred_at=NOW - timedelta(days=days))


def test_scale_round_trip():
    # an assessor's step k is stored as (k - 1) / 3 and reads back as exactly k
    for step in (1, 2, 3, 4):
        assert pm.score_to_proficiency(pm.step_to_score(step)) == pytest.approx(step)
    assert pm.step_to_score(3) == pytest.approx(2 / 3)
    assert pm.score_to_proficiency(0.5) == 2.5
    with pytest.raises(ValueError):
        pm.step_to_score(5)


def test_one_answer():
    # one exam answer, full marks, today: 1 + 3 × 1 = 4.0; it weighs 1.0 (below the minimum of 4)
    f = figure([piece(1.0)], NOW)
    assert f.value == pytest.approx(4.0) and f.amount == pytest.approx(1.0) and f.pieces == 1
    assert not f.reliable and f.state == "provisional"


def test_no_evidence():
    assert figure([], NOW) is pm.NO_EVIDENCE
    assert pm.NO_EVIDENCE.state == "none" and pm.NO_EVIDENCE.shown is None


def test_weights_by_source():
    # exam answer right (weight 1 × 1.0) and practice answer wrong (weight 1 × 0.5), same day:
    # mean score = (1.0 × 1 + 0.5 × 0) / 1.5 = 2/3 → 1 + 3 × 2/3 = 3.0; amount 1.5
    f = figure([piece(1.0, "exam"), piece(0.0, "quiz")], NOW)
    assert f.value == pytest.approx(3.0) and f.amount == pytest.approx(1.5)
    # the leader's step 2 (score 1/3, weight 3) against a self-assessed step 4 (score 1, weight 1):
    # (3 × 1/3 + 1 × 1) / 4 = 0.5 → 2.5
    f = figure([piece(1 / 3, "leader"), piece(1.0, "self")], NOW)
    assert f.value == pytest.approx(2.5) and f.amount == pytest.approx(4.0)


def test_weight_of_the_piece_itself():
    # an essay worth 4 marks scored 0.25, and a 1-mark exam answer scored 1:
    # (4 × 0.25 + 1 × 1) / 5 = 0.4 → 2.2
    f = figure([piece(0.25, "essay", weight=4.0), piece(1.0, "exam")], NOW)
    assert f.value == pytest.approx(2.2) and f.amount == pytest.approx(5.0)


def test_recency_halves_every_180_days():
    assert pm.recency_factor(NOW - timedelta(days=180), NOW) == pytest.approx(0.5)
    assert pm.recency_factor(NOW - timedelta(days=360), NOW) == pytest.approx(0.25)
    assert pm.recency_factor(NOW, NOW) == 1.0
    # wrong today (weight 1) and right half a year ago (weight 0.5): 0.5 / 1.5 = 1/3 → 2.0
    f = figure([piece(0.0, days=0), piece(1.0, days=180)], NOW)
    assert f.value == pytest.approx(2.0) and f.amount == pytest.approx(1.5)


def test_evidence_after_the_report_date_is_left_out():
    f = figure([piece(1.0, days=0), piece(0.0, days=-10)], NOW)
    assert f.pieces == 1 and f.value == pytest.approx(4.0)


def test_reliable_from_the_minimum_amount():
    # a leader assessment (3) and a self-assessment (1) today weigh exactly 4: reliable
    pieces = [piece(0.5, "leader"), piece(0.5, "self")]
    assert figure(pieces, NOW).reliable
    # the same a month later weigh 4 × 2^(−30/180) ≈ 3.56: provisional again
    later = figure(pieces, NOW + timedelta(days=30))
    assert later.amount == pytest.approx(4 * 2 ** (-30 / 180)) and not later.reliable
    # ten practice answers today (10 × 0.5 = 5): reliable
    assert figure([piece(0.7, "quiz")] * 10, NOW).reliable


def test_shown_value_and_gap():
    f = figure([piece(0.5)], NOW)  # 2.5
    assert f.shown == 2.5
    assert pm.gap(2.5, 3) == 0.5 and pm.gap(3.04, 3) == 0.0 and pm.gap(3.3, 3) == -0.3
    assert pm.gap(None, 3) is None and pm.gap(2.0, None) is None
    assert pm.gap_class(2.96, 3) == "meets"  # shown as 3.0
    assert pm.gap_class(2.5, 3) == "small" and pm.gap_class(1.9, 3) == "large"
    assert pm.gap_class(2.5, 3, reliable=False) == "small prov"
    assert pm.gap_class(None, 3) == "none"


def test_shortfall_counts_no_evidence_as_foundation():
    assert pm.shortfall(None, 3) == 2.0
    assert pm.shortfall(3.4, 3) == 0.0
    assert pm.shortfall(2.16, 3) == 0.8
    assert pm.shortfall(2.0, None) == 0.0


def test_strongest_and_weakest():
    rows = [("a", 2.0, 3, True), ("b", 1.2, 2, False), ("c", None, 2, False), ("d", 3.6, 3, True),
            ("e", 1.0, 1, True), ("f", 2.2, 3, True)]
    strongest, weakest = pm.strongest_and_weakest(rows)
    # margins over target: d +0.6, e 0.0, b −0.8, f −0.8, a −1.0 → d, e, then b/f: f is reliable
    assert [r[0] for r in strongest] == ["d", "e", "f"]
    # shortfalls: a 1.0 (reliable), c 1.0 (no evidence, counts as 1.0), b 0.8, f 0.8 (reliable first)
    assert [r[0] for r in weakest] == ["a", "c", "f"]


def test_stored_weights():
    # weight 2 × exam 1.0 × 2^(days since 2020-01-01 / 180)
    when = datetime(2020, 6, 29)  # 180 days after the epoch
    w, p = stored_weights(2.0, "exam", when, 0.25)
    assert w == pytest.approx(4.0) and p == pytest.approx(1.0)
    w, _ = stored_weights(1.0, "quiz", pm.EPOCH, 1.0)
    assert w == pytest.approx(0.5)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0.1, 5), st.sampled_from(sorted(pm.SOURCE_WEIGHTS)),
                          st.integers(0, 1500)), min_size=1, max_size=25))
def test_sums_of_stored_columns_give_the_same_figure(rows):
    """What the database computes (two sums of stored columns, one factor for the date) is the method."""
    pieces = [piece(s, k, days, w) for s, w, k, days in rows]
    points = weight = 0.0
    for p in pieces:
        pw, pp = stored_weights(p.weight, p.kind, p.occurred_at, p.score)
        weight += pw
        points += pp
    expected, got = figure(pieces, NOW), figure_from_sums(points, weight, len(pieces), NOW)
    assert got.value == pytest.approx(expected.value, abs=1e-9)
    assert got.amount == pytest.approx(expected.amount, rel=1e-9)
    assert got.reliable == expected.reliable or abs(expected.amount - pm.MIN_AMOUNT) < 1e-6
