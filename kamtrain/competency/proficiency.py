"""How competency evidence becomes a proficiency per category on the 1–4 scale (pure functions).

The method, in five rules (every figure in the gap reports and development plans follows them):

1. **A score on the scale.** A piece of evidence carries a score 0…1 (an answer's fraction, a
   scenario's points over the best achievable, …). Score *s* stands for proficiency ``1 + 3s``:
   0 is Foundation (1), 1 is Expert (4). An assessor who places someone at step *k* of the scale
   (self- and leader assessments, observations) is recorded as the score ``(k − 1) / 3``, so a
   leader's "step 3" reads back as exactly 3.0.

2. **Weights by source.** Each piece's own weight (a question's marks, the number of scenario
   decisions that scored the category, 1 for an assessment) is multiplied by the weight of its
   source, ``SOURCE_WEIGHTS``: a practice-quiz answer counts half an exam answer; a leader's
   assessment against the behavioural indicators counts three, an observation on a real customer
   visit two.

3. **Recency.** A piece loses half its weight every ``HALF_LIFE_DAYS`` (180) days of age: this
   quarter's work outweighs last year's. Age is counted up to the report's date ("as of"); evidence
   after that date is left out.

4. **The figure.** Proficiency = ``1 + 3 × (Σ weight·score ÷ Σ weight)`` over the category's
   pieces, weights as in 2 and 3. Shown with one decimal.

5. **Reliability.** A figure is *reliable* once the category's pieces weigh at least
   ``MIN_AMOUNT`` (4.0) after rules 2 and 3 — e.g. four recent exam answers, one practice quiz of
   ten questions, a scenario with three decisions, or a leader assessment plus a self-assessment.
   Figures below it are shown as provisional ("few data") and a category with no evidence as "no
   evidence"; the team's weakest categories and plan goals rank provisional figures after reliable
   ones.

Why it can be computed in one GROUP BY: the recency factor ``2^(−age/h)`` splits into
``2^((date − EPOCH)/h) × 2^(−(as_of − EPOCH)/h)``. The first factor belongs to the piece and is
stored with it (``Evidence.profile_weight`` = weight × source weight × 2^((date − EPOCH)/h), and
``profile_points`` = that × score); the second is the same for every piece of a report, so it
cancels out of the weighted mean and only scales the amount. The database therefore sums two
stored columns, with no per-row arithmetic on dates — see ``kamtrain/competency/profiles.py``.
"""

from dataclasses import dataclass
from datetime import datetime

SCALE_MIN, SCALE_MAX = 1, 4

SOURCE_WEIGHTS = {
    "quiz": 0.5,  # practice quiz answer: open, instant feedback, may be retried
    "exam": 1.0,  # certification exam answer
    "essay": 1.0,  # essay answer marked by a trainer (its own weight is the question's marks)
    "scenario": 1.5,  # per decision of a role-play scenario that scored the category
    "self": 1.0,  # self-assessment against the behavioural indicators
    "leader": 3.0,  # the team leader's assessment against the behavioural indicators
    "observation": 2.0,  # a behaviour the leader saw on a real customer visit
}
HALF_LIFE_DAYS = 180
MIN_AMOUNT = 4.0
EPOCH = datetime(2020, 1, 1)  # reference date of the stored weights (any fixed date works)

# Below target by more than this: a large gap (heatmap colour, plan priority).
LARGE_GAP = 1.0


def step_to_score(step):
    """An assessor's step 1…4 as an evidence score 0…1."""
    step = int(step)
    if not SCALE_MIN <= step <= SCALE_MAX:
        raise ValueError(f"step {step} outside 1…4")
    return (step - SCALE_MIN) / (SCALE_MAX - SCALE_MIN)


def score_to_proficiency(mean_score):
    """A (weighted mean) score 0…1 on the 1–4 scale."""
    mean_score = max(0.0, min(1.0, float(mean_score)))
    return SCALE_MIN + (SCALE_MAX - SCALE_MIN) * mean_score


def source_weight(kind):
    return SOURCE_WEIGHTS.get(kind, 1.0)


def _days(moment):
    return (moment - EPOCH).total_seconds() / 86400.0


def growth(moment):
    """2^((moment − EPOCH)/h): the date part of a piece's stored weight."""
    return 2.0 ** (_days(moment) / HALF_LIFE_DAYS)


def as_of_factor(as_of):
    """2^(−(as_of − EPOCH)/h): turns summed stored weights into weights at ``as_of``."""
    return 2.0 ** (-_days(as_of) / HALF_LIFE_DAYS)


def recency_factor(occurred_at, as_of):
    """How much of its weight a piece dated ``occurred_at`` keeps at ``as_of`` (1 when new, ½ after h days)."""
    age = max(0.0, _days(as_of) - _days(occurred_at))
    return 2.0 ** (-age / HALF_LIFE_DAYS)


def stored_weights(weight, kind, occurred_at, score):
    """(profile_weight, profile_points) to store with a piece of evidence."""
    w = max(0.0, float(weight or 0.0)) * source_weight(kind) * growth(occurred_at)
    return w, w * float(score)


@dataclass(frozen=True)
class Piece:
    """One piece of evidence as the method needs it."""

    score: float
    weight: float
    kind: str
    occurred_at: datetime


@dataclass(frozen=True)
class Figure:
    """A category's proficiency: ``value`` 1.0…4.0 (None: no evidence), the evidence ``amount``
    after source weights and recency, and the number of ``pieces``."""

    value: float | None
    amount: float
    pieces: int

    @property
    def reliable(self):
        return self.value is not None and self.amount >= MIN_AMOUNT - 1e-9

    @property
    def shown(self):
        """The value as displayed (one decimal), or None."""
        return None if self.value is None else round(self.value, 1)

    @property
    def state(self):
        """'none' (no evidence), 'provisional' (below the minimum amount) or 'reliable'."""
        if self.value is None:
            return "none"
        return "reliable" if self.reliable else "provisional"


NO_EVIDENCE = Figure(None, 0.0, 0)


def figure(pieces, as_of):
    """Rules 1–5 applied to ``pieces`` (a list of Piece); pieces dated after ``as_of`` are left out."""
    total = points = 0.0
    count = 0
    for p in pieces:
        if p.occurred_at > as_of:
            continue
        w = max(0.0, p.weight) * source_weight(p.kind) * recency_factor(p.occurred_at, as_of)
        total += w
        points += w * p.score
        count += 1
    if count == 0:
        return NO_EVIDENCE
    value = score_to_proficiency(points / total) if total > 0 else None
    return Figure(value, total, count)


def figure_from_sums(points, weight, pieces, as_of):
    """The same figure from the database's sums of the stored columns (see the module docstring)."""
    if not pieces:
        return NO_EVIDENCE
    if not weight:
        return Figure(None, 0.0, pieces)
    return Figure(score_to_proficiency(points / weight), weight * as_of_factor(as_of), pieces)


def gap(value, target):
    """Target minus proficiency (positive: below target), one decimal; None when either is unknown."""
    if value is None or target is None:
        return None
    return round(target - round(value, 1), 1)


def gap_class(value, target, reliable=True):
    """The heatmap colour of a cell: 'none', 'meets', 'small', 'large' (+ '-prov' when provisional)."""
    g = gap(value, target)
    if g is None:
        return "none"
    name = "meets" if g <= 0 else ("small" if g <= LARGE_GAP else "large")
    return name if reliable else f"{name} prov"


def shortfall(value, target):
    """How far below target (0 when at or above it). A category with no evidence counts as
    Foundation (1.0): nothing shown yet is the most there is to go on."""
    if target is None:
        return 0.0
    v = SCALE_MIN if value is None else round(value, 1)
    return max(0.0, round(target - v, 1))


def priority(value, target, reliable):
    """Sort key for "largest gaps first": the shortfall, reliable figures before provisional ones
    and before categories with no evidence, then the lower proficiency."""
    state_rank = 2 if value is None else (0 if reliable else 1)
    return (-shortfall(value, target), state_rank, value if value is not None else 0.0)


def strongest_and_weakest(rows, n=3):
    """``rows``: [(key, value, target, reliable)]. The ``n`` strongest (highest margin over target among
    categories with evidence) and the ``n`` weakest (largest gaps, see ``priority``)."""
    known = [r for r in rows if r[1] is not None]
    strongest = sorted(known, key=lambda r: (-(round(r[1], 1) - (r[2] or 0)), not r[3], -r[1]))[:n]
    weakest = [r for r in sorted(rows, key=lambda r: priority(r[1], r[2], r[3])) if shortfall(r[1], r[2]) > 0][:n]
    return strongest, weakest
