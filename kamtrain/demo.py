"""The demo organisation of CONTRACT §4: one city, two branches, two teams of ten account
managers each, and one person for each other role. Safe to run again: it matches people by user
name and brings them back to the demo state without duplicating anything."""

from kamtrain.accounts import operations
from kamtrain.accounts.models import Team, User
from kamtrain.accounts.passwords import hash_password, verify_password
from kamtrain.accounts.roles import Role
from kamtrain.assessment.demo import create_demo_exams
from kamtrain.certification.demo import create_demo_certificates
from kamtrain.content.demo import create_demo_progress
from kamtrain.core.db import db
from kamtrain.development.demo import create_demo_development
from kamtrain.scenarios.demo import create_demo_scenarios

DEMO_PASSWORD = "kamtrain-demo"  # demo data only; never a default for real accounts

CITY = "杭州市分公司"
BRANCHES = ("西湖区政企支局", "滨江区政企支局")
TEAMS = ("西湖政企客户一组", "滨江政企客户二组")

STAFF = [
    ("admin", "系统管理员", {Role.ADMIN}),
    ("hr", "何晓芸", {Role.HR}),
    ("trainer", "唐立新", {Role.TRAINER}),
    ("trainer2", "谭文静", {Role.TRAINER}),  # a second marker: the scenarios' inter-rater check
    ("leader1", "梁志强", {Role.LEADER}),
    ("leader2", "黎佳慧", {Role.LEADER}),
]

TRAINEE_NAMES = [
    "王海涛", "李思琪", "张建国", "刘晓燕", "陈文博", "杨雪梅", "赵志远", "黄丽娜", "周明辉", "吴婷婷",
    "徐振华", "孙佳怡", "胡国栋", "朱晓玲", "高宇航", "林静怡", "何俊杰", "郭美玲", "马天翔", "罗诗涵",
]

# (track, current level or None, target level) — a spread a real branch would have
TRAINEE_PLANS = [
    ("sales", None, 4), ("sales", 4, 3), ("marketing", None, 4), ("sales", 4, 3), ("marketing", 4, 3),
    ("sales", 3, 2), ("sales", None, 4), ("marketing", 3, 2), ("sales", 4, 3), ("marketing", None, 4),
]


def _person(username, full_name, roles, **fields):
    user = db.session.scalar(db.select(User).filter_by(username=username))
    if user is None:
        user = operations.create_user(None, username=username, full_name=full_name, roles=roles,
                                      email=f"{username}@demo.kamtrain.example.com", **fields)
    else:
        operations.update_user(None, user, roles=roles, full_name=full_name, **fields)
        if not user.active:
            operations.activate_user(None, user)
    if not verify_password(user.password_hash, DEMO_PASSWORD):
        user.password_hash = hash_password(DEMO_PASSWORD)
    user.must_change_password = False
    return user


def create_demo():
    """Create or restore the demo organisation; returns [(username, roles, name)]. Caller commits."""
    accounts = []
    staff = {}
    trainees = {}
    for username, name, roles in STAFF:
        staff[username] = _person(username, name, roles)
        accounts.append((username, sorted(r.value for r in roles), name))
    for i, (branch, team_name) in enumerate(zip(BRANCHES, TEAMS, strict=True)):
        unit = operations.org_unit_by_path(f"{CITY}/{branch}", create=True)
        leader = staff[f"leader{i + 1}"]
        team = db.session.scalar(db.select(Team).filter_by(org_unit_id=unit.id, name=team_name))
        team = operations.save_team(None, team, name=team_name, org_unit=unit, leader=leader)
        leader.team = None
        for j in range(10):
            number = i * 10 + j + 1
            track, current, target = TRAINEE_PLANS[j]
            username = f"trainee{number:02d}"
            trainees[number] = _person(username, TRAINEE_NAMES[number - 1], {Role.TRAINEE},
                                       employee_no=f"HZ{number:05d}", track=track, current_level=current,
                                       target_level=target, team=team)
            accounts.append((username, [Role.TRAINEE.value], TRAINEE_NAMES[number - 1]))
    db.session.flush()
    create_demo_progress(trainees)  # finished modules and reading time (kamtrain/content/demo.py)
    create_demo_exams(trainees, staff)  # exam sittings, attempts, practice (kamtrain/assessment/demo.py)
    create_demo_scenarios(trainees, staff)  # scenario runs, replies and marks (kamtrain/scenarios/demo.py)
    create_demo_certificates(trainees, staff)  # every status, expiring soon, awaiting approval (certification/demo.py)
    create_demo_development(trainees, staff)  # assessments, observations, plans (development/demo.py)
    return accounts
