"""Who may call each route.

Every view function states its audience with ``@allow(...)``; ``enforce_access`` runs before
every request and refuses any endpoint that states none (fail closed). The rule is kept on the
view function as ``allowed`` so tests can walk the URL map and compare against an explicit table.

    @bp.route("/admin/users")
    @allow(Role.ADMIN)
    def users(): ...
"""

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from kamtrain.accounts.roles import Role

ANYONE = "anyone"  # no sign-in needed
SIGNED_IN = "signed_in"  # any active signed-in user


def allow(*audience):
    """Declare who may call a view: ANYONE, SIGNED_IN, or one or more Role values."""
    if not audience:
        raise ValueError("allow() needs an audience")
    for who in audience:
        if who not in (ANYONE, SIGNED_IN) and not isinstance(who, Role):
            raise TypeError(f"unknown audience {who!r}")

    def decorate(view):
        view.allowed = frozenset(audience)
        return view

    return decorate


def audience_of(endpoint):
    view = current_app.view_functions.get(endpoint)
    if endpoint == "static":
        return frozenset({ANYONE})
    return getattr(view, "allowed", None)


def may_call(user, audience):
    """True when ``user`` (a User or an anonymous user) is in ``audience``."""
    if audience is None:
        return False
    if ANYONE in audience:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if SIGNED_IN in audience:
        return True
    return bool(user.roles & audience)


def enforce_access():
    """before_request hook: anonymous → login page (401 for JSON), wrong role → 403."""
    if request.endpoint is None:  # 404 / 405 handled by Flask
        return None
    audience = audience_of(request.endpoint)
    if audience is None:
        current_app.logger.error("endpoint %s states no audience; refused", request.endpoint)
        abort(403)
    if may_call(current_user, audience):
        return None
    if not current_user.is_authenticated:
        if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
            abort(401)
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    abort(403)
