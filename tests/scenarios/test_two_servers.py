"""A run is resumed on another device served by another app server: two app instances share only
the database (no state in process memory)."""

import re
import warnings

import pytest
from flask_migrate import upgrade

from kamtrain import create_app
from kamtrain.core.db import db
from kamtrain.scenarios import engine, store
from tests.dbutil import derived_database_url
from tests.factories import PASSWORD, create_user
from tests.scenarios.conftest import EXAMPLE, load

CONFIG = {"WTF_CSRF_ENABLED": False, "RATELIMIT_STORAGE_URI": "memory://", "LOGIN_RATE_LIMIT": "1000 per minute"}


@pytest.mark.no_db
def test_a_run_moves_between_app_servers(database_url, tmp_path):
    url = derived_database_url(database_url, "two_servers", tmp_path)
    first = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    second = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with first.app_context():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                upgrade()
            from kamtrain.content.sync import sync_content

            assert sync_content(first.config["CONTENT_DIR"]).ok
            create_user("roaming", track="sales", target_level=2)
            db.session.commit()
        path = engine.best_path(load(EXAMPLE)).path

        def post(client, run_id, i):
            step = path[i]
            data = {"position": i, "node": step.node}
            data.update({"text": "要点"} if step.choice == engine.TEXT else {"response": step.choice})
            return client.post(f"/scenarios/runs/{run_id}/play", data=data)

        phone, laptop = first.test_client(), second.test_client()
        for client in (phone, laptop):
            assert client.post("/login", data={"username": "roaming", "password": PASSWORD}).status_code == 302
        start = phone.post(f"/scenarios/{EXAMPLE}/start")
        run_id = int(re.search(r"/runs/(\d+)", start.headers["Location"]).group(1))
        for i in range(3):
            assert post(phone, run_id, i).status_code == 302

        store._cached.cache_clear()  # not even the parsed definitions carry over
        page = laptop.get(f"/scenarios/runs/{run_id}").get_data(as_text=True)
        assert f'value="{path[3].node}"' in page
        for i in range(3, len(path)):
            assert post(laptop, run_id, i).status_code == 302
        assert "ending-card good" in phone.get(f"/scenarios/runs/{run_id}").get_data(as_text=True)
        assert phone.get(f"/scenarios/runs/{run_id}/debrief").status_code == 200
    finally:
        for app in (first, second):
            with app.app_context():
                db.engine.dispose()
