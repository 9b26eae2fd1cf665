"""Factories for test data (in the spirit of Indico's create_event / CTFd's gen_*)."""

import itertools

from kamtrain.accounts.models import OrgUnit, Team, User
from kamtrain.accounts.passwords import hash_password
from kamtrain.accounts.roles import Role
from kamtrain.core.db import db

PASSWORD = "correct-horse-battery"
_HASH = None
_counter = itertools.count(1)


def password_hash():
    global _HASH
    if _HASH is None:
        _HASH = hash_password(PASSWORD)
    return _HASH


def create_user(username=None, roles=(Role.TRAINEE,), **fields):
    n = next(_counter)
    username = username or f"user{n}"
    fields.setdefault("full_name", f"测试用户{n}")
    fields.setdefault("email", f"{username}@example.com")
    user = User(username=username, password_hash=password_hash(), **fields)
    user.set_roles(roles)
    db.session.add(user)
    db.session.flush()
    return user


def create_team(name=None, leader=None, members=(), unit_path="测试市/测试支局"):
    from kamtrain.accounts.operations import org_unit_by_path

    unit = org_unit_by_path(unit_path, create=True)
    team = Team(name=name or f"测试班组{next(_counter)}", org_unit=unit, leader=leader)
    db.session.add(team)
    for m in members:
        m.team = team
    db.session.flush()
    return team


__all__ = ["PASSWORD", "create_user", "create_team", "OrgUnit"]
