"""Fixtures for quizzes and exams: a small bank of our own (the team's bank retired for the test, so
draws are predictable), exams on it, and helpers to answer an attempt through HTTP.

Every feedback text, general feedback, rubric and "right answer" of the fixture questions carries a
SECRET marker, so an integrity test can look for answers leaking into pages before submission."""

import itertools
import re
from datetime import timedelta

import pytest

from kamtrain.accounts.roles import Role
from kamtrain.assessment import bank
from kamtrain.assessment import questions as qm
from kamtrain.assessment.models import Question
from kamtrain.assessment.quizzes import EXAM, Quiz, QuizAssignment
from kamtrain.content.models import Syllabus
from kamtrain.core.db import db, utcnow
from tests.factories import create_team, create_user

A = qm.Answer


def fixture_questions():
    """Eight questions, one of each kind, in three competency categories, all easy (difficulty 1)."""
    tags = ["level-4", "difficulty-1", "track-sales"]
    info, comm, serv = "top/kamtrain/information", "top/kamtrain/communication", "top/kamtrain/customer_service"
    return [
        qm.Question(qtype="multichoice", name="EXT-MC1", idnumber="EXT-MC1", category=info, tags=tags,
                    text="拜访前最先准备什么？", general_feedback="GF-SECRET-MC1",
                    correct_feedback="CF-SECRET-MC1", incorrect_feedback="IF-SECRET-MC1",
                    answers=[A("客户画像", 1.0, "FB-SECRET-MC1-A"), A("报价单", 0.0, "FB-SECRET-MC1-B"),
                             A("礼品", 0.0, "FB-SECRET-MC1-C"), A("合同", 0.0, "FB-SECRET-MC1-D")]),
        qm.Question(qtype="multichoice", name="EXT-MR1", idnumber="EXT-MR1", category=info, tags=tags, single=False,
                    text="哪些属于客户基础信息？（多选）", general_feedback="GF-SECRET-MR1",
                    answers=[A("员工人数", 0.5, "FB-SECRET-MR1-A"), A("行业", 0.5, "FB-SECRET-MR1-B"),
                             A("天气", -1.0, "FB-SECRET-MR1-C")]),
        qm.Question(qtype="truefalse", name="EXT-TF1", idnumber="EXT-TF1", category=info, tags=tags,
                    text="客户流失有四个阶段。", general_feedback="GF-SECRET-TF1",
                    answers=[A("true", 1.0, "FB-SECRET-TF1-T"), A("false", 0.0, "FB-SECRET-TF1-F")]),
        qm.Question(qtype="shortanswer", name="EXT-SA1", idnumber="EXT-SA1", category=comm, tags=tags,
                    text="先开放后收窄的提问方式叫什么？", general_feedback="GF-SECRET-SA1",
                    answers=[A("漏斗*", 1.0, "FB-SECRET-SA1")]),
        qm.Question(qtype="numerical", name="EXT-NU1", idnumber="EXT-NU1", category=comm, tags=tags,
                    text="10380 × 1.153 = ?（保留两位小数）", general_feedback="GF-SECRET-NU1",
                    answers=[A("11968.14", 1.0, "FB-SECRET-NU1", tolerance=0.01)]),
        qm.Question(qtype="matching", name="EXT-MA1", idnumber="EXT-MA1", category=comm, tags=tags,
                    text="把信息与类别配对。", general_feedback="GF-SECRET-MA1",
                    pairs=[qm.MatchPair("员工人数", "基础信息"), qm.MatchPair("谁拍板", "关系信息"),
                           qm.MatchPair("专线数量", "业务信息"), qm.MatchPair("", "财务信息")]),
        qm.Question(qtype="essay", name="EXT-ES1", idnumber="EXT-ES1", category=serv, tags=tags,
                    text="说明你如何处理一次专线中断投诉。", general_feedback="GF-SECRET-ES1",
                    grader_info="RUBRIC-SECRET-ES1: 先致歉，再给时间表。"),
        qm.Question(qtype="cloze", name="EXT-CL1", idnumber="EXT-CL1", category=serv, tags=tags,
                    text="服务三原则：{#1}；投诉处理第一步是{#2}。", general_feedback="GF-SECRET-CL1",
                    fields=[qm.ClozeField("multichoice", 1, [A("及时", 1.0, "FB-SECRET-CL1-1"), A("拖延", 0.0),
                                                             A("推诿", 0.0)], shuffle=True),
                            qm.ClozeField("shortanswer", 1, [A("倾听", 1.0, "FB-SECRET-CL1-2")])]),
    ]


BLUEPRINT = [{"category": "information", "easy": 3, "medium": 0, "hard": 0},
             {"category": "communication", "easy": 3, "medium": 0, "hard": 0},
             {"category": "customer_service", "easy": 2, "medium": 0, "hard": 0}]

#: The full-marks response of every fixture question, in the bank's indexes (questions.grade's shape).
RIGHT = {"EXT-MC1": 0, "EXT-MR1": [0, 1], "EXT-TF1": True, "EXT-SA1": "漏斗式提问", "EXT-NU1": "11968.14",
         "EXT-MA1": {0: "基础信息", 1: "关系信息", 2: "业务信息"}, "EXT-ES1": "先致歉，再给出修复时间表。",
         "EXT-CL1": {0: 0, 1: "倾听"}}

SECRET = re.compile(r"(FB|GF|CF|IF|RUBRIC)-SECRET")


@pytest.fixture
def own_bank(app):
    """The team's bank retired (rolled back after the test) and the eight fixture questions stored."""
    db.session.execute(db.update(Question).values(retired=True))
    bank.store_questions(fixture_questions(), origin="import")
    db.session.flush()
    return {q.idnumber: q for q in db.session.scalars(db.select(Question).where(Question.idnumber.like("EXT-%")))}


_numbers = itertools.count(1)


def make_exam(syllabus_code="sales-4", assign_to=(), teams=(), **fields):
    syllabus = db.session.scalar(db.select(Syllabus).filter_by(code=syllabus_code))
    values = {"code": f"test-exam-{next(_numbers)}", "kind": EXAM,
              "title_zh": "测试考试", "title_en": "Test exam", "syllabus_id": syllabus.id, "track": "sales",
              "level": 4, "blueprint": BLUEPRINT, "time_limit_minutes": 30, "max_attempts": 3, "wait_days": 0,
              "pass_mark": 60, "review_policy": "never", "layout": "paged", "instant_feedback": False}
    values.update(fields)
    quiz = Quiz(**values)
    db.session.add(quiz)
    db.session.flush()
    for user in assign_to:
        db.session.add(QuizAssignment(quiz_id=quiz.id, user_id=user.id))
    for team in teams:
        db.session.add(QuizAssignment(quiz_id=quiz.id, team_id=team.id))
    db.session.flush()
    return quiz


@pytest.fixture
def trainee(app):
    user = create_user("exam_trainee", roles=[Role.TRAINEE], track="sales", target_level=4)
    create_team(members=[user])
    return user


@pytest.fixture
def exam(own_bank, trainee):
    return make_exam(assign_to=[trainee])


def answer_form(attempt, slot, response):
    """The form fields a page would post to give ``response`` (in the bank's indexes) to ``slot``."""
    from kamtrain.assessment import grading, presentation

    presented = presentation.present(grading.question_of(slot.version),
                                     presentation.slot_seed(attempt.seed, slot.position))
    page = presentation.to_page(presented, response)
    q = presented.question
    prefix = f"s{slot.position}"
    form = {"positions": [str(slot.position)]}
    if q.qtype == "multichoice":
        form[prefix] = [str(i) for i in page] if isinstance(page, list) else [str(page)]
    elif q.qtype == "truefalse":
        form[prefix] = ["true" if page else "false"]
    elif q.qtype in ("shortanswer", "numerical", "essay"):
        form[prefix] = [page]
    elif q.qtype in ("matching", "cloze"):
        for i, value in page.items():
            form[f"{prefix}-{i}"] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return form


def right_answers(attempt):
    """One form answering every slot of ``attempt`` fully right."""
    form = {"positions": []}
    for slot in attempt.slots:
        part = answer_form(attempt, slot, RIGHT[slot.version.question.idnumber])
        form["positions"] += part.pop("positions")
        form.update(part)
    return form


def later(minutes):
    return utcnow() + timedelta(minutes=minutes)
