"""Fixtures for gap-report and plan tests (helpers in helpers.py)."""

import pytest

from kamtrain.accounts.roles import Role
from tests.factories import create_team, create_user


@pytest.fixture
def team_with_leader():
    leader = create_user(roles=[Role.LEADER])
    team = create_team(leader=leader, unit_path="测试市/测试支局")
    return team, leader
