"""The roles a person can hold; one person may hold several."""

import enum

from flask_babel import lazy_gettext as _l


class Role(enum.StrEnum):
    TRAINEE = "trainee"
    LEADER = "leader"  # 班组长: leads a team of account managers
    TRAINER = "trainer"
    HR = "hr"
    ADMIN = "admin"

    @property
    def title(self):
        return ROLE_TITLES[self]


ROLE_TITLES = {
    Role.TRAINEE: _l("Trainee"),
    Role.LEADER: _l("Team leader"),
    Role.TRAINER: _l("Trainer"),
    Role.HR: _l("HR"),
    Role.ADMIN: _l("Administrator"),
}


class Track(enum.StrEnum):
    """Certification tracks; names come from content/tracks.yaml."""

    SALES = "sales"  # 大客户销售经理
    MARKETING = "marketing"  # 大客户市场经理


LEVELS = (4, 3, 2, 1)  # 4 = entry … 1 = expert

LEVEL_NAMES = {
    4: _l("Level 4"),
    3: _l("Level 3"),
    2: _l("Level 2"),
    1: _l("Level 1"),
}
