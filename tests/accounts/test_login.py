from kamtrain.accounts.models import AuditEntry, User
from kamtrain.accounts.roles import Role
from kamtrain.core.db import db
from tests.conftest import login
from tests.factories import PASSWORD, create_user


def events(name):
    return db.session.scalars(db.select(AuditEntry).filter_by(event=name)).all()


def test_passwords_are_stored_as_argon2(app):
    from kamtrain.accounts import operations

    user = operations.create_user(None, username="Hashed", full_name="哈希", roles={Role.TRAINEE},
                                  password="long-enough-secret")
    assert user.username == "hashed"
    assert user.password_hash.startswith("$argon2id$")
    assert "long-enough-secret" not in user.password_hash


def test_login_success_is_audited_and_lands_on_dashboard(client):
    user = create_user("zhang", roles=[Role.TRAINEE])
    r = client.post("/login", data={"username": "zhang", "password": PASSWORD})
    assert r.status_code == 302 and r.headers["Location"] == "/"
    assert [e.subject_user_id for e in events("login")] == [user.id]
    assert client.get("/").status_code == 200


def test_login_by_email_works(client):
    create_user("wang", roles=[Role.TRAINEE], email="wang@example.com")
    r = client.post("/login", data={"username": "WANG@example.com", "password": PASSWORD})
    assert r.status_code == 302


def test_wrong_password_is_refused_and_audited(client):
    user = create_user("li", roles=[Role.TRAINEE])
    r = client.post("/login", data={"username": "li", "password": "wrong-password"})
    assert r.status_code == 200
    assert "用户名或密码错误" in r.get_data(as_text=True)
    failed = events("login_failed")
    assert len(failed) == 1 and failed[0].subject_user_id == user.id
    assert failed[0].details["reason"] == "bad_password"
    assert client.get("/").status_code == 302


def test_unknown_user_is_refused_and_audited(client):
    client.post("/login", data={"username": "nobody-known-here", "password": "whatever-here"})
    failed = [e for e in events("login_failed") if e.details["login"] == "nobody-known-here"]
    assert len(failed) == 1 and failed[0].details["reason"] == "unknown_user"


def test_deactivated_user_cannot_sign_in_and_loses_running_session(client, app):
    admin = create_user("boss", roles=[Role.ADMIN])
    user = create_user("zhao", roles=[Role.TRAINEE])
    login(client, "zhao")
    assert client.get("/").status_code == 200
    from kamtrain.accounts import operations

    operations.deactivate_user(admin, user)
    db.session.commit()
    assert client.get("/").status_code == 302  # the old session no longer works
    r = client.post("/login", data={"username": "zhao", "password": PASSWORD})
    assert r.status_code == 200
    assert events("login_failed")[-1].details["reason"] == "deactivated"


def test_next_parameter_only_allows_local_paths(client):
    create_user("qian", roles=[Role.TRAINEE])
    r = client.post("/login?next=https://evil.example/", data={"username": "qian", "password": PASSWORD})
    assert r.headers["Location"] == "/"
    client.post("/logout")
    r = client.post("/login?next=/competency/", data={"username": "qian", "password": PASSWORD})
    assert r.headers["Location"] == "/competency/"


def test_login_is_rate_limited(app, client):
    create_user("sun", roles=[Role.TRAINEE])
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [client.post("/login", data={"username": "sun", "password": "bad-password"}).status_code
                 for _ in range(4)]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    assert codes == [200, 200, 200, 429]


def test_change_password_rotates_sessions(app, client):
    user = create_user("zhou", roles=[Role.TRAINEE])
    other = app.test_client()
    login(client, "zhou")
    login(other, "zhou")
    old_token = user.session_token
    r = client.post("/account/password", data={"old_password": PASSWORD, "new_password": "a-brand-new-secret",
                                                "confirm": "a-brand-new-secret"})
    assert r.status_code == 302
    assert user.session_token != old_token
    assert client.get("/").status_code == 200  # this browser stays signed in
    assert other.get("/").status_code == 302  # every other session ends
    assert events("password_changed")


def test_change_password_errors_name_the_field(client):
    create_user("wu", roles=[Role.TRAINEE])
    login(client, "wu")
    r = client.post("/account/password", data={"old_password": "not-it", "new_password": "short",
                                                "confirm": "different"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert 'id="new_password-errors"' in html and 'id="confirm-errors"' in html
    r = client.post("/account/password", data={"old_password": "not-it-at-all", "new_password": "long-enough-pass",
                                                "confirm": "long-enough-pass"})
    assert 'id="old_password-errors"' in r.get_data(as_text=True)
    assert db.session.scalar(db.select(User).filter_by(username="wu")).must_change_password is False


def test_temporary_password_forces_a_change(client):
    from kamtrain.accounts import operations

    admin = create_user("admin2", roles=[Role.ADMIN])
    user = create_user("feng", roles=[Role.TRAINEE])
    operations.reset_password(admin, user, "temporary-pass-1")
    db.session.commit()
    r = client.post("/login", data={"username": "feng", "password": "temporary-pass-1"})
    assert r.headers["Location"] == "/account/password"


def test_csrf_token_is_required(app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        create_user("chen", roles=[Role.TRAINEE])
        client = app.test_client()
        r = client.post("/login", data={"username": "chen", "password": PASSWORD})
        assert r.status_code == 400
        assert not events("login")
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        r = client.post("/login", data={"username": "chen", "password": PASSWORD, "csrf_token": token})
        assert r.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_session_cookie_is_http_only_and_lax(client):
    create_user("he", roles=[Role.TRAINEE])
    r = client.post("/login", data={"username": "he", "password": PASSWORD})
    cookie = [h for h in r.headers.getlist("Set-Cookie") if h.startswith("kamtrain_session=")][0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
