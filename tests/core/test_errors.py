"""Error pages: a failure inside a request still answers with a page in the reader's language, and
never with a bare "Internal Server Error", even when the page's own frame cannot be drawn."""

import pytest
from sqlalchemy.exc import OperationalError

from kamtrain.core.access import SIGNED_IN, allow
from tests.factories import create_user


@pytest.fixture
def failing_home(app, monkeypatch):
    """The home page fails as a locked or unreachable database makes it fail."""
    @allow(SIGNED_IN)
    def home():
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setitem(app.view_functions, "dashboard.home", home)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # as in production, not as in tests


def test_a_failing_page_answers_500_with_the_framed_page(app, failing_home, login_as):
    client = login_as(create_user("unlucky"))
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 500 and "出错了" not in html
    assert "服务器端出了问题" in html and "退出登录" in html  # the framed page, the signed-in header
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "Something went wrong on our side" in english


def test_when_even_the_frame_fails_a_plain_bilingual_page_answers(app, failing_home, login_as, monkeypatch):
    client = login_as(create_user("unluckier"))

    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr("kamtrain.core.errors.render_template", broken)
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 500 and response.mimetype == "text/html"
    assert "出错了" in html and "Something went wrong" in html and "Internal Server Error" not in html


def test_a_failing_json_request_answers_json(app, failing_home, login_as):
    client = login_as(create_user("unluckiest"))
    response = client.get("/", headers={"Accept": "application/json"})
    assert response.status_code == 500 and response.get_json() == {"error": "Internal Server Error", "status": 500}
