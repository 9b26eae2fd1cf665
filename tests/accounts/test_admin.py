from kamtrain.accounts.models import AuditEntry, Team, User
from kamtrain.accounts.roles import Role
from kamtrain.core.db import db
from tests.factories import create_team, create_user


def events(name):
    return db.session.scalars(db.select(AuditEntry).filter_by(event=name)).all()


def test_admin_creates_a_user_with_roles_and_team(login_as):
    admin = create_user("root1", roles=[Role.ADMIN])
    team = create_team()
    client = login_as(admin)
    r = client.post("/admin/users/new", data={
        "username": "NewPerson", "full_name": "新员工", "email": "new@example.com", "employee_no": "HZ1",
        "roles": ["trainee", "leader"], "team_id": str(team.id), "track": "sales", "current_level": "4",
        "target_level": "3", "password": "temporary-secret"})
    assert r.status_code == 302
    user = db.session.scalar(db.select(User).filter_by(username="newperson"))
    assert user.roles == {Role.TRAINEE, Role.LEADER}
    assert user.team_id == team.id and user.track == "sales" and user.current_level == 4
    assert user.must_change_password
    created = events("user_created")
    assert created[-1].actor_id == admin.id and created[-1].details["roles"] == ["leader", "trainee"]


def test_user_form_errors_name_fields_and_change_nothing(login_as):
    admin = create_user("root2", roles=[Role.ADMIN])
    create_user("taken", roles=[Role.TRAINEE], email="taken@example.com")
    client = login_as(admin)
    before = db.session.scalar(db.select(db.func.count(User.id)))
    r = client.post("/admin/users/new", data={
        "username": "has space", "full_name": "", "email": "not-an-email", "roles": [],
        "team_id": "", "track": "", "current_level": "4", "target_level": "", "password": "short"})
    html = r.get_data(as_text=True)
    for field in ("username", "full_name", "email", "roles", "password"):
        assert f'id="{field}-errors"' in html, field
    r = client.post("/admin/users/new", data={
        "username": "fresh", "full_name": "某人", "email": "taken@example.com", "roles": ["trainee"],
        "team_id": "", "track": "", "current_level": "", "target_level": ""})
    assert 'id="email-errors"' in r.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == before


def test_target_level_cannot_be_below_current(login_as):
    admin = create_user("root3", roles=[Role.ADMIN])
    client = login_as(admin)
    r = client.post("/admin/users/new", data={
        "username": "lv", "full_name": "级别", "roles": ["trainee"], "team_id": "", "track": "sales",
        "current_level": "2", "target_level": "3"})
    assert 'id="target_level-errors"' in r.get_data(as_text=True)


def test_role_change_and_deactivation_are_audited(login_as):
    admin = create_user("root4", roles=[Role.ADMIN])
    user = create_user("worker", roles=[Role.TRAINEE])
    client = login_as(admin)
    r = client.post(f"/admin/users/{user.id}", data={
        "full_name": user.full_name, "email": user.email, "roles": ["trainee", "trainer"], "team_id": "",
        "track": "", "current_level": "", "target_level": ""})
    assert r.status_code == 302
    change = events("roles_changed")[-1]
    assert change.details == {"before": ["trainee"], "after": ["trainee", "trainer"]}
    assert client.post(f"/admin/users/{user.id}/deactivate").status_code == 302
    assert not user.active and events("user_deactivated")[-1].subject_user_id == user.id
    assert client.post(f"/admin/users/{user.id}/activate").status_code == 302
    assert user.active


def test_admin_cannot_deactivate_self_or_drop_own_admin(login_as):
    admin = create_user("root5", roles=[Role.ADMIN])
    client = login_as(admin)
    client.post(f"/admin/users/{admin.id}/deactivate")
    assert admin.active
    client.post(f"/admin/users/{admin.id}", data={
        "full_name": admin.full_name, "email": admin.email, "roles": ["trainee"], "team_id": "", "track": "",
        "current_level": "", "target_level": ""})
    assert Role.ADMIN in admin.roles


def test_user_list_filters(login_as):
    admin = create_user("root6", roles=[Role.ADMIN])
    create_user("findme", roles=[Role.TRAINER], full_name="独特姓名")
    client = login_as(admin)
    html = client.get("/admin/users?q=独特").get_data(as_text=True)
    assert "findme" in html and "root6" not in html
    html = client.get("/admin/users?role=trainer").get_data(as_text=True)
    assert "findme" in html and "root6" not in html


def test_team_leader_gets_leader_role(login_as):
    admin = create_user("root7", roles=[Role.ADMIN])
    leader = create_user("lead", roles=[Role.TRAINEE])
    team = create_team()
    client = login_as(admin)
    r = client.post(f"/admin/teams/{team.id}", data={"name": "新名字", "org_unit_id": str(team.org_unit_id),
                                                     "leader_id": str(leader.id)})
    assert r.status_code == 302
    assert db.session.get(Team, team.id).leader_id == leader.id
    assert Role.LEADER in leader.roles
    assert events("team_leader_changed")


def test_leader_dashboard_lists_own_team_only(login_as):
    leader = create_user("lead2", roles=[Role.LEADER])
    mine = create_user("mine", roles=[Role.TRAINEE], full_name="本组成员")
    theirs = create_user("theirs", roles=[Role.TRAINEE], full_name="别组成员")
    create_team(leader=leader, members=[mine])
    create_team(members=[theirs])
    html = login_as(leader).get("/").get_data(as_text=True)
    assert "本组成员" in html and "别组成员" not in html
