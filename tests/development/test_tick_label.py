"""An on-the-job action's button says what it does — "Mark as done", then "Mark as not done" — not a
bare "Done"/"Not done" that reads like the item's state."""

import re

from kamtrain.accounts.roles import Role
from kamtrain.core.db import db
from kamtrain.development import operations as ops
from kamtrain.development.models import DevelopmentPlan
from tests.development.test_plans import weak_trainee
from tests.development.test_views import client_for
from tests.factories import create_team, create_user


def _tick_button(html, item_id):
    form = re.search(rf'items/{item_id}/tick".*?</form>', html, re.S).group(0)
    return re.sub(r"\s+", " ", re.search(r'data-action="tick">(.*?)</button>', form, re.S).group(1)).strip()


def test_the_tick_button_names_its_action(app):
    leader = create_user(roles=[Role.LEADER])
    user = weak_trainee(create_team(leader=leader))
    plan = ops.generate_plan(user, user)
    ops.agree(user, plan)
    ops.approve(leader, plan)
    action = next(i for i in db.session.get(DevelopmentPlan, plan.id).items if i.kind == "action")
    me = client_for(app, user)
    me.post("/language/en", data={"next": "/"})
    assert _tick_button(me.get(f"/plan/{plan.id}").get_data(as_text=True), action.id) == "Mark as done"
    me.post(f"/plan/{plan.id}/items/{action.id}/tick", data={"done": "1"})
    assert _tick_button(me.get(f"/plan/{plan.id}").get_data(as_text=True), action.id) == "Mark as not done"
