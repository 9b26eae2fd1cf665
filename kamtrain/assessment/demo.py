"""Demo quizzes and exams: one certification sitting per syllabus the demo trainees work towards,
assigned by their team leaders, with finished attempts (passed and failed, some essays still waiting
for the trainer) and practice quizzes, so that results, gap data and item analysis show real figures.

Answers are simulated: each demo trainee has an ability, each question a difficulty, and a trainee
answers right with the logistic probability of the difference (wrong answers pick a distractor), so
better trainees score higher and item statistics come out plausible. Everything is seeded by names,
so the demo is the same every time; trainees who already have attempts are left alone (idempotent).
Nothing is committed here.
"""

import math
import random
from datetime import timedelta

from kamtrain.assessment import delivery, grading, presentation, quiz_operations
from kamtrain.assessment.attempts import Attempt
from kamtrain.assessment.quizzes import Quiz, QuizAssignment, QuizRefused
from kamtrain.competency.models import Category
from kamtrain.content.models import Syllabus
from kamtrain.core.db import db, utcnow

# trainee number → ability (logit scale; 0 is average)
ABILITY = {1: 1.2, 2: 0.9, 3: 0.8, 4: -0.6, 5: 0.4, 6: 1.5, 7: 0.0, 8: 0.7, 9: -0.9, 10: 0.1,
           11: -1.0, 12: 1.1, 13: 0.3, 14: 0.2, 15: -0.2, 16: 0.6, 17: 0.0, 18: 0.5, 19: -0.4, 20: 0.2}
# trainee number → days ago their first exam attempt was submitted; trainees not listed have not sat it
EXAM_SAT = {1: 34, 2: 40, 3: 31, 4: 39, 6: 26, 9: 38, 11: 33, 12: 37, 14: 36, 19: 35}
RETAKE_AFTER_DAYS = 8  # failed trainees try again (the syllabi ask for a 7-day wait)
LEFT_TO_MARK = {6}  # trainees whose essay answers wait in the trainer's marking queue
PRACTICE = {1: ("information", "consultative_selling"), 2: ("communication",), 3: ("information",),
            4: ("customer_service", "communication"), 5: ("information", "project_management"),
            8: ("information",), 9: ("consultative_selling",), 11: ("information", "customer_service"),
            12: ("information",), 13: ("teamwork",), 14: ("information", "communication"), 16: ("information",),
            18: ("learning",), 19: ("information",)}
DIFFICULTY_OFFSET = {1: -1.0, 2: 0.0, 3: 1.0}

# a written answer: the question's topic, then three steps a manager would plausibly write
ESSAY_TEXT = ("关于“{topic}”，我的做法分三步。第一，先把客户的基本情况、关键联系人和当前问题摸清楚，"
              "必要时请行业经理和技术同事一起参与；第二，和客户确认目标、优先顺序和时间表，"
              "把双方的分工写清楚；第三，按计划推进，每周回顾进展，把结果和客户的反馈记入客户档案，"
              "发现偏差及时调整。")


def create_demo_exams(trainees, staff):
    """``trainees``: {number: User}; ``staff``: {username: User}. Returns the number of attempts made."""
    syllabi = {(s.track, s.level): s for s in db.session.scalars(db.select(Syllabus))}
    if not syllabi or db.session.scalar(db.select(Category.id).limit(1)) is None:
        return 0  # content not synced yet
    now = utcnow().replace(second=0, microsecond=0)
    made = 0
    sittings = {}
    for number, user in sorted(trainees.items()):
        syllabus = syllabi.get((user.track, user.target_level))
        if syllabus is None:
            continue
        quiz = sittings.get(syllabus.code) or _sitting(syllabus, staff, now)
        sittings[syllabus.code] = quiz
        _assign(quiz, user)
        if number in EXAM_SAT:
            made += _sit(quiz, user, number, now - timedelta(days=EXAM_SAT[number]), staff["trainer"])
    for number, codes in sorted(PRACTICE.items()):
        user = trainees.get(number)
        for i, code in enumerate(codes):
            category = db.session.scalar(db.select(Category).filter_by(code=code))
            quiz = quiz_operations.practice_for_category(category)
            when = now - timedelta(days=20 - 3 * i, hours=number % 7)
            if user is not None and not _has_attempt(quiz, user):
                made += _take(quiz, user, number, when, staff["trainer"]) is not None
    db.session.flush()
    return made


def _sitting(syllabus, staff, now):
    code = f"demo-exam-{syllabus.code}"
    quiz = db.session.scalar(db.select(Quiz).filter_by(code=code))
    if quiz is None:
        quiz = quiz_operations.create_exam(staff["trainer"], syllabus, opens_at=now - timedelta(days=45),
                                           closes_at=now + timedelta(days=45))
        quiz.code = code
        db.session.flush()
    return quiz


def _assign(quiz, user):
    exists = db.session.scalar(db.select(QuizAssignment.id).filter_by(quiz_id=quiz.id, user_id=user.id))
    if exists is None:
        leader = user.team.leader if user.team else None
        db.session.add(QuizAssignment(quiz_id=quiz.id, user_id=user.id, assigned_by_id=leader.id if leader else None,
                                      assigned_at=quiz.opens_at or utcnow()))
        db.session.flush()


def _has_attempt(quiz, user):
    return db.session.scalar(db.select(Attempt.id).filter_by(quiz_id=quiz.id, user_id=user.id).limit(1)) is not None


def _sit(quiz, user, number, when, trainer):
    """The trainee's exam: a first attempt and, when it failed, a second one after the waiting period."""
    if _has_attempt(quiz, user):
        return 0
    first = _take(quiz, user, number, when, trainer)
    made = 1
    if first is not None and first.passed is False:
        _take(quiz, user, number, when + timedelta(days=RETAKE_AFTER_DAYS), trainer, bonus=0.8)
        made += 1
    return made


def _take(quiz, user, number, when, trainer, bonus=0.0):
    rng = random.Random(f"{user.username}/{quiz.code}/{when.date()}")
    try:
        draw = delivery.draw_for(quiz, user, seed=rng.randrange(2**31))
    except QuizRefused:
        return None
    started = when - timedelta(minutes=min(quiz.time_limit_minutes or 20, 20 + number % 25))
    attempt = delivery.create_attempt(quiz, user, draw, started)
    ability = ABILITY.get(number, 0.0) + bonus
    for slot in attempt.slots:
        question = grading.question_of(slot.version)
        chance = 1 / (1 + math.exp(-(ability - DIFFICULTY_OFFSET.get(slot.difficulty or 2, 0.0) + 0.6)))
        response = _response(question, rng.random() < chance, rng)
        slot.response = response
        slot.answer_key = presentation.answer_key(question, response)
        slot.saved_at = started + timedelta(minutes=slot.position % 20)
    attempt.state = "graded"
    attempt.submitted_at = when
    attempt.closed_by = "trainee"
    attempt.activity_at = when
    db.session.flush()
    grading.grade_attempt(attempt)
    if number not in LEFT_TO_MARK:
        for slot in attempt.slots:
            if slot.needs_marking:
                mark = max(0.0, min(1.0, round((0.55 + 0.2 * ability + rng.uniform(-0.15, 0.15)) * 4) / 4))
                grading.mark_essay(slot, trainer, mark, "结构清楚；恢复时间表还可以写得更具体。",
                                   now=when + timedelta(days=1))
    db.session.flush()
    return attempt


def _best(answers):
    return max(range(len(answers)), key=lambda i: answers[i].fraction) if answers else None


def _typed(answer):
    return answer.text.replace("*", "").strip() if answer else "不确定"


def _response(q, right, rng):
    """A response in the bank's indexes: the best answer, or a plausible wrong one."""
    if q.qtype == "multichoice":
        wrong = [i for i, a in enumerate(q.answers) if a.fraction <= 0] or [0]
        if q.single:
            return _best(q.answers) if right else rng.choice(wrong)
        good = [i for i, a in enumerate(q.answers) if a.fraction > 0]
        return sorted(good) if right else sorted({good[0], rng.choice(wrong)}) if good else wrong[:1]
    if q.qtype == "truefalse":
        return q.truefalse_answer if right else not q.truefalse_answer
    if q.qtype in ("shortanswer", "numerical"):
        best = q.answers[_best(q.answers)] if q.answers else None
        return _typed(best) if right else ("0" if q.qtype == "numerical" else "不确定")
    if q.qtype == "matching":
        stems = [(i, p) for i, p in enumerate(q.pairs) if p.stem.strip()]
        answers = [p.answer for _, p in stems]
        if not right and len(answers) > 1:
            answers = answers[1:] + answers[:1]
        return {i: a for (i, _), a in zip(stems, answers, strict=True)}
    if q.qtype == "cloze":
        out = {}
        for i, f in enumerate(q.fields):
            best = _best(f.answers)
            if f.kind == "multichoice":
                wrong = [j for j, a in enumerate(f.answers) if a.fraction <= 0] or [best]
                out[i] = (best if right else rng.choice(wrong)) if not f.multiple else [best]
            else:
                out[i] = _typed(f.answers[best] if best is not None else None) if right else "不确定"
        return out
    if q.qtype == "essay":
        topic = q.name.split(" ", 1)[-1]
        text = ESSAY_TEXT.format(topic=topic)
        return text if right or rng.random() < 0.7 else text[:60]
    return None
