"""Item analysis of a quiz or exam, as Moodle's quiz statistics report does it: on each trainee's
**first** attempt, fully graded.

* Facility index F = mean mark ÷ maximum mark (shown as %).
* Discrimination index D = 100 · cov(x, R) / √(var x · var R), x the question's mark and R the rest
  of the test (the attempt's total minus x); sample (n − 1) variances.
* Cronbach's alpha of the exam form: α = k/(k−1) · (1 − Σ var(xᵢ) / var(T)) over the k question
  positions of the form (an exam draws different questions for each attempt from the same blueprint
  cells, so position i is one parallel item) and T the attempt total.
* Distractor analysis: how often each option (or each typed answer) was given.
* Flags: facility outside 20–90 %, discrimination below 20 (0.2 as a correlation) or negative, a
  wrong option chosen more often than the right one.

Everything is aggregated in the database (COUNT, SUM, SUM of squares and of products, GROUP BY):
Python only turns a handful of sums per question into the indices (``from_sums``).
"""

import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from sqlalchemy import and_, func

from kamtrain.assessment.attempts import GRADED, Attempt, AttemptSlot
from kamtrain.assessment.models import Question, QuestionVersion
from kamtrain.core.db import db

FACILITY_LOW, FACILITY_HIGH = 0.2, 0.9
DISCRIMINATION_LOW = 20.0  # percent, i.e. a correlation of 0.2
MIN_ATTEMPTS = 5  # below this, flags are not raised


@dataclass
class Sums:
    """The sufficient statistics of one item over n attempts."""

    n: int
    mark_sum: float  # Σ maximum mark (n × mark when every attempt had the same mark)
    x: float  # Σ x
    xx: float  # Σ x²
    r: float = 0.0  # Σ R
    rr: float = 0.0  # Σ R²
    xr: float = 0.0  # Σ x·R


def variance(n, total, squares):
    """Sample variance (n − 1) from Σ and Σ of squares; None below two observations."""
    if n < 2:
        return None
    return max(0.0, (squares - total * total / n) / (n - 1))


def covariance(n, sx, sy, sxy):
    if n < 2:
        return None
    return (sxy - sx * sy / n) / (n - 1)


def from_sums(s: Sums):
    """(facility 0…1, discrimination −100…100 or None, var x, var R)."""
    facility = s.x / s.mark_sum if s.mark_sum else None
    var_x, var_r = variance(s.n, s.x, s.xx), variance(s.n, s.r, s.rr)
    cov = covariance(s.n, s.x, s.r, s.xr)
    discrimination = None
    if var_x and var_r and cov is not None:
        discrimination = 100.0 * cov / math.sqrt(var_x * var_r)
    return facility, discrimination, var_x, var_r


def cronbach_alpha(item_variances, total_variance):
    k = len(item_variances)
    if k < 2 or not total_variance or any(v is None for v in item_variances):
        return None
    return k / (k - 1) * (1 - sum(item_variances) / total_variance)


@dataclass
class ItemStats:
    question_id: int
    name: str
    idnumber: str | None
    qtype: str
    n: int
    facility: float | None
    discrimination: float | None
    mean_mark: float | None
    max_mark: float
    flags: list = field(default_factory=list)
    options: list = field(default_factory=list)  # [(label, count, is_right)]
    number: int = 0  # its number in the report and the chart


@dataclass
class Analysis:
    attempts: int
    mean_percent: float | None
    alpha: float | None
    form_items: int
    items: list

    @property
    def flagged(self):
        return [i for i in self.items if i.flags]


def _first_attempts(quiz_id):
    return and_(Attempt.quiz_id == quiz_id, Attempt.number == 1, Attempt.state == GRADED)


def analyse(quiz):
    first = _first_attempts(quiz.id)
    rest = Attempt.score - AttemptSlot.earned
    rows = db.session.execute(
        db.select(AttemptSlot.question_id, func.count(), func.sum(AttemptSlot.mark), func.sum(AttemptSlot.earned),
                  func.sum(AttemptSlot.earned * AttemptSlot.earned), func.sum(rest), func.sum(rest * rest),
                  func.sum(AttemptSlot.earned * rest))
        .join(Attempt, Attempt.id == AttemptSlot.attempt_id).where(first)
        .group_by(AttemptSlot.question_id)).all()
    totals = db.session.execute(db.select(func.count(), func.sum(Attempt.score),
                                          func.sum(Attempt.score * Attempt.score),
                                          func.sum(Attempt.max_score)).where(first)).one()
    n_attempts = totals[0] or 0
    positions = db.session.execute(
        db.select(AttemptSlot.position, func.count(), func.sum(AttemptSlot.earned),
                  func.sum(AttemptSlot.earned * AttemptSlot.earned))
        .join(Attempt, Attempt.id == AttemptSlot.attempt_id).where(first)
        .group_by(AttemptSlot.position)).all()
    alpha = None
    if n_attempts >= 2 and positions and all(p[1] == n_attempts for p in positions):
        alpha = cronbach_alpha([variance(p[1], p[2] or 0.0, p[3] or 0.0) for p in positions],
                               variance(n_attempts, totals[1] or 0.0, totals[2] or 0.0))
    info = {q.id: q for q in db.session.scalars(db.select(Question).where(Question.id.in_([r[0] for r in rows])))}
    options = _option_counts(quiz.id, list(info))
    items = []
    for question_id, n, mark_sum, sx, sxx, sr, srr, sxr in rows:
        s = Sums(n, mark_sum or 0.0, sx or 0.0, sxx or 0.0, sr or 0.0, srr or 0.0, sxr or 0.0)
        facility, discrimination, _, _ = from_sums(s)
        q = info[question_id]
        item = ItemStats(question_id, q.name, q.idnumber, q.qtype, n, facility, discrimination,
                         s.x / n if n else None, (mark_sum or 0.0) / n if n else 0.0,
                         options=options.get(question_id, []))
        item.flags = flags_for(item)
        items.append(item)
    # questions to review first, then the ones with the most attempts (the figures to trust most)
    items.sort(key=lambda i: (not i.flags, -i.n, i.idnumber or "", i.question_id))
    for number, item in enumerate(items, 1):
        item.number = number
    mean = 100.0 * totals[1] / totals[3] if n_attempts and totals[3] else None
    return Analysis(n_attempts, mean, alpha, len(positions), items)


def flags_for(item):
    """Review flags (codes; exam_messages.FLAGS names them)."""
    flags = []
    if item.n < MIN_ATTEMPTS:
        return flags
    if item.facility is not None and item.facility < FACILITY_LOW:
        flags.append("too_hard")
    if item.facility is not None and item.facility > FACILITY_HIGH:
        flags.append("too_easy")
    if item.discrimination is not None and item.discrimination < 0:
        flags.append("negative_discrimination")
    elif item.discrimination is not None and item.discrimination < DISCRIMINATION_LOW:
        flags.append("weak_discrimination")
    right = max((count for _, count, ok in item.options if ok), default=None)
    if right is not None and any(count > right for _, count, ok in item.options if not ok):
        flags.append("distractor_beats_key")
    return flags


def _option_counts(quiz_id, question_ids):
    """Per question [(label, count, right?)]: every option of a choice question (also the ones never
    chosen), or the five most frequent typed answers."""
    if not question_ids:
        return {}
    counts = db.session.execute(
        db.select(AttemptSlot.question_id, AttemptSlot.answer_key, func.count())
        .join(Attempt, Attempt.id == AttemptSlot.attempt_id).where(_first_attempts(quiz_id))
        .where(AttemptSlot.question_id.in_(question_ids))
        .group_by(AttemptSlot.question_id, AttemptSlot.answer_key)).all()
    latest = {v.question_id: v for v in db.session.scalars(
        db.select(QuestionVersion).join(Question, and_(Question.id == QuestionVersion.question_id,
                                                       QuestionVersion.number == Question.latest_version))
        .where(Question.id.in_(question_ids)))}
    by_question = {}
    for question_id, key, count in counts:
        by_question.setdefault(question_id, []).append((key, count))
    out = {}
    for question_id, keyed in by_question.items():
        version = latest.get(question_id)
        data = version.data if version else {}
        qtype = version.qtype if version else ""
        if qtype == "multichoice":
            answers = data.get("answers", [])
            tally = [0] * len(answers)
            for key, count in keyed:
                for part in (key or "").split(","):
                    if part.isdigit() and int(part) < len(answers):
                        tally[int(part)] += count
            out[question_id] = [(a["text"], tally[i], a["fraction"] > 0) for i, a in enumerate(answers)]
            out[question_id].append((None, sum(c for k, c in keyed if k is None), False))
        elif qtype == "truefalse":
            right = next((a["text"] for a in data.get("answers", []) if a["fraction"] > 0), "true")
            tally = dict(keyed)
            out[question_id] = [("true", tally.get("true", 0), right == "true"),
                                ("false", tally.get("false", 0), right == "false"),
                                (None, tally.get(None, 0), False)]
        elif qtype in ("shortanswer", "numerical"):
            top = sorted(((k, c) for k, c in keyed if k is not None), key=lambda kc: -kc[1])[:5]
            out[question_id] = [(k, c, None) for k, c in top]
    return out


# ------------------------------------------------------------------------------ the chart

def chart_svg(analysis, labels):
    """A scatter of facility (x) against discrimination (y), the acceptable zone shaded, flagged
    questions in red. Presentation attributes only (the CSP forbids style attributes)."""
    width, height, left, right, top, bottom = 640, 380, 56, 16, 16, 48
    plot_w, plot_h = width - left - right, height - top - bottom

    def px(facility):
        return left + plot_w * facility

    def py(discrimination):
        return top + plot_h * (100 - discrimination) / 200

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
           f'aria-labelledby="chart-title" class="analysis-chart" font-family="sans-serif" font-size="12">',
           f'<title id="chart-title">{escape(labels["title"])}</title>',
           f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#ffffff" stroke="#d9dee5"/>',
           f'<rect x="{px(FACILITY_LOW):.1f}" y="{py(100):.1f}" width="{px(FACILITY_HIGH) - px(FACILITY_LOW):.1f}" '
           f'height="{py(DISCRIMINATION_LOW) - py(100):.1f}" fill="#e8f5ec"/>']
    for value in (0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0):
        x = px(value)
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" stroke="#eef1f5"/>')
        out.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="#5f6b7a">'
                   f'{int(value * 100)}%</text>')
    for value in (-100, -50, 0, 20, 50, 100):
        y = py(value)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#eef1f5"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#5f6b7a">{value}</text>')
    out.append(f'<line x1="{left}" y1="{py(0):.1f}" x2="{left + plot_w}" y2="{py(0):.1f}" stroke="#9aa5b1"/>')
    out.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 8}" text-anchor="middle" fill="#1f2933">'
               f'{escape(labels["x"])}</text>')
    out.append(f'<text x="14" y="{top + plot_h / 2:.1f}" text-anchor="middle" fill="#1f2933" '
               f'transform="rotate(-90 14 {top + plot_h / 2:.1f})">{escape(labels["y"])}</text>')
    # Questions at (nearly) the same point share one label, "1, 4, 5", instead of numbers printed
    # over each other; each point keeps its own tooltip.
    points = {}
    for item in analysis.items:
        if item.facility is None or item.discrimination is None:
            continue
        x, y = px(item.facility), py(max(-100.0, min(100.0, item.discrimination)))
        points.setdefault((round(x / 4), round(y / 4)), []).append((x, y, item))
    for group in points.values():
        for x, y, item in group:
            colour = "#b42318" if item.flags else "#0b5cad"
            opacity = "0.85" if item.n >= MIN_ATTEMPTS else "0.3"  # few attempts: a faint point
            name = escape(f"{item.number}. {item.idnumber or item.name} (n = {item.n})")
            out.append(f'<g><title>{name}: F {item.facility * 100:.0f}%, D {item.discrimination:.0f}</title>'
                       f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}" fill-opacity="{opacity}"/></g>')
        x, y = group[0][:2]
        numbers = [str(item.number) for _, _, item in group]
        label = ", ".join(numbers) if len(numbers) <= 6 else ", ".join(numbers[:5]) + f" … (+{len(numbers) - 5})"
        flagged = any(item.flags for _, _, item in group)
        faint = all(item.n < MIN_ATTEMPTS for _, _, item in group)
        anchor, tx = ("end", x - 7) if x > left + plot_w * 0.75 else ("start", x + 7)
        out.append(f'<text x="{tx:.1f}" y="{min(max(y + 4, top + 10), top + plot_h - 2):.1f}" '
                   f'text-anchor="{anchor}" fill="{"#b42318" if flagged else "#0b5cad"}" '
                   f'fill-opacity="{"0.45" if faint else "0.85"}" font-size="10">{escape(label)}</text>')
    out.append("</svg>")
    return "\n".join(out)
