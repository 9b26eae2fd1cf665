"""Signing in and out, changing one's password, and choosing the language."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from kamtrain.accounts import operations
from kamtrain.accounts.forms import ChangePasswordForm, LoginForm
from kamtrain.accounts.messages import error_text
from kamtrain.core.access import ANYONE, SIGNED_IN, allow
from kamtrain.core.db import db
from kamtrain.core.errors import DomainError
from kamtrain.core.i18n import LANGUAGES
from kamtrain.core.web import client_ip, safe_next
from kamtrain.extensions import limiter

bp = Blueprint("accounts", __name__)


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@allow(ANYONE)
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = operations.authenticate(form.username.data, form.password.data, ip=client_ip())
        db.session.commit()
        if user is None:
            flash(_("Wrong user name or password, or the account is deactivated."), "error")
        else:
            session.clear()
            login_user(user, remember=form.remember.data)
            if user.must_change_password:
                flash(_("Please choose a new password before you go on."), "info")
                return redirect(url_for("accounts.change_password"))
            return redirect(safe_next(request.args.get("next"), url_for("dashboard.home")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@allow(SIGNED_IN)
def logout():
    operations.audit("logout", actor=current_user, subject=current_user, ip=client_ip())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@allow(SIGNED_IN)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            operations.change_own_password(current_user, form.old_password.data, form.new_password.data,
                                           ip=client_ip())
        except DomainError as e:
            db.session.commit()  # keep the audit entry of a failed attempt
            field = form.old_password if str(e) == "wrong_password" else form.new_password
            field.errors = [*field.errors, error_text(e)]
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # the session token changed
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("dashboard.home"))
    return render_template("accounts/password.html", form=form)


@bp.route("/language/<code>", methods=["POST"])
@allow(ANYONE)
def set_language(code):
    if code not in LANGUAGES:
        flash(_("Unknown language."), "error")
    else:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("dashboard.home")))
