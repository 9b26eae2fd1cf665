"""The main navigation in the page header: which links a person sees and which one is current.

Every signed-in page draws it, so it is cheap: the links a set of roles sees, with their URLs and
labels in one language, are worked out once per process and kept (they depend only on the roles,
the language and the URL prefix, none of which a request can change); a request only decides which
link is current and joins the markup.
"""

from dataclasses import dataclass
from functools import lru_cache

from flask import request, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from kamtrain.accounts.roles import Role

EVERYONE = None  # every signed-in person


@dataclass(frozen=True)
class Link:
    endpoint: str
    label: object  # a lazy string, translated when the menu is built
    audience: frozenset | None = EVERYONE
    # endpoints that make this link current: exact names, or prefixes ending in "." or "*"
    current_when: tuple = ()

    def is_current(self, here):
        for e in self.current_when:
            if e.endswith("*"):
                if here.startswith(e[:-1]):
                    return True
            elif here == e or (e.endswith(".") and here.startswith(e)):
                return True
        return False


def _roles(*roles):
    return frozenset(roles)


LINKS = (
    Link("dashboard.home", _l("Home"), current_when=("dashboard.home",)),
    Link("content.my_syllabus", _l("My syllabus"), current_when=("content.my_syllabus",)),
    Link("content.modules", _l("Course modules"), current_when=("content.module*",)),
    Link("competency.index", _l("Competency model"), current_when=("competency.",)),
    Link("quizzes.index", _l("Quizzes and exams"), current_when=("quizzes.", "attempts.")),
    Link("certificates.mine", _l("My certificates"), current_when=("certificates.mine", "certificates.detail")),
    Link("records.index", _l("Certification records"), _roles(Role.HR, Role.ADMIN),
         current_when=("records.", "certificates.approvals", "certificates.expiring_soon")),
    Link("scenarios.index", _l("Scenarios"), current_when=("scenarios.",)),
    Link("gaps.mine", _l("My gap report"), _roles(Role.TRAINEE),
         current_when=("gaps.mine", "gaps.my_evidence", "gaps.self_assess")),
    Link("plans.mine", _l("My development plan"), _roles(Role.TRAINEE), current_when=("plans.",)),
    Link("gaps.team", _l("Team gap report"), _roles(Role.LEADER),
         current_when=("gaps.team", "gaps.person", "gaps.person_evidence", "gaps.leader_assess", "gaps.observe")),
    Link("gaps.org", _l("Gap report by org unit"), _roles(Role.HR, Role.TRAINER, Role.ADMIN),
         current_when=("gaps.org",)),
    Link("exams.index", _l("Exams"), _roles(Role.TRAINER, Role.ADMIN, Role.LEADER),
         current_when=("exams.", "marking.")),
    Link("bank.index", _l("Question bank"), _roles(Role.TRAINER, Role.ADMIN), current_when=("bank.",)),
    Link("admin.users", _l("People"), _roles(Role.ADMIN),
         current_when=("admin.users", "admin.edit_user", "admin.new_user")),
    Link("admin.teams", _l("Teams"), _roles(Role.ADMIN),
         current_when=("admin.teams", "admin.edit_team", "admin.new_team")),
    Link("admin.audit_log", _l("Audit log"), _roles(Role.ADMIN), current_when=("admin.audit_log",)),
    Link("admin.roster", _l("Roster upload"), _roles(Role.HR, Role.ADMIN), current_when=("admin.roster",)),
)
# a leader who is not HR sees the certificates expiring in their team where HR sees the records
LEADER_ONLY = Link("certificates.expiring_soon", _l("Expiring certificates"), _roles(Role.LEADER),
                   current_when=("certificates.expiring_soon",))


def links_for(roles):
    """The links a person with ``roles`` sees, in menu order."""
    out = []
    for link in LINKS:
        if link.audience is EVERYONE or link.audience & roles:
            out.append(link)
        if link.endpoint == "records.index" and not link.audience & roles and Role.LEADER in roles:
            out.append(LEADER_ONLY)
    return tuple(out)


@lru_cache(maxsize=256)
def _menu(roles, language, script_root):
    """(link, href, escaped label) for each link ``roles`` see, in ``language``."""
    with force_locale(language):
        return tuple((link, url_for(link.endpoint), escape(str(link.label)))
                     for link in links_for(roles))


def main_menu(user, language):
    """The header's links as markup, the current page's link marked with aria-current."""
    here = request.endpoint or ""
    parts = []
    for link, href, label in _menu(user.roles, language, request.script_root):
        current = ' aria-current="page"' if link.is_current(here) else ""
        parts.append(f'<a href="{href}"{current}>{label}</a>')
    return Markup("\n      ".join(parts))


@lru_cache(maxsize=512)
def _fixed_url(script_root, endpoint, values):
    return url_for(endpoint, **dict(values))


def fixed_url(endpoint, **values):
    """url_for for the page frame's links (static files, sign-out, language, password), which
    depend only on the URL prefix: worked out once per process."""
    return _fixed_url(request.script_root, endpoint, tuple(sorted(values.items())))
