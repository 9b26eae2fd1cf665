"""kamtrain — training and certification for telecom key-account managers."""

import os
from pathlib import Path

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from kamtrain import config as config_module
from kamtrain.extensions import babel, csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides=None):
    """The application factory. ``overrides`` (tests) is applied over the environment's config."""
    instance_path = os.environ.get("KAMTRAIN_INSTANCE_PATH") or str(ROOT / "instance")
    app = Flask(
        __name__,
        instance_path=instance_path,
        template_folder=str(ROOT / "templates"),
        static_folder="static",
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(config_module.from_environment(app.instance_path))
    if overrides:
        app.config.update(overrides)
    if app.config["HTTPS"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    _init_extensions(app)
    _register_blueprints(app)
    _register_request_hooks(app)
    _register_template_helpers(app)

    from kamtrain.cli import register_commands

    register_commands(app)
    return app


def _init_extensions(app):
    from kamtrain.core.i18n import install_date_filters, install_template_gettext, select_locale

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # a file on this machine: no server that could have dropped a pooled connection, so no
        # round trip to test each connection before use
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**app.config["SQLALCHEMY_ENGINE_OPTIONS"], "pool_pre_ping": False}
    db.init_app(app)
    from kamtrain.core.db import configure_sqlite

    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    install_template_gettext(app)
    install_date_filters(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "basic"

    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please sign in to see this page.")
    login_manager.login_message_category = "info"

    from kamtrain.accounts.models import user_for_session

    login_manager.user_loader(user_for_session)

    # Models must be imported so that Alembic and create_all see every table.
    import kamtrain.models  # noqa: F401


def _register_blueprints(app):
    from kamtrain.accounts.admin import bp as admin_bp
    from kamtrain.accounts.views import bp as accounts_bp
    from kamtrain.assessment.attempt_views import bp as attempts_bp
    from kamtrain.assessment.bank_views import bp as bank_bp
    from kamtrain.assessment.exam_views import bp as exams_bp
    from kamtrain.assessment.marking_views import bp as marking_bp
    from kamtrain.assessment.quiz_views import bp as quizzes_bp
    from kamtrain.competency.views import bp as competency_bp
    from kamtrain.content.editing import bp as editing_bp
    from kamtrain.content.progress_views import bp as progress_bp
    from kamtrain.content.views import bp as content_bp
    from kamtrain.core.health import bp as health_bp
    from kamtrain.dashboard.views import bp as dashboard_bp
    from kamtrain.scenarios.views import bp as scenarios_bp

    for bp in (accounts_bp, admin_bp, bank_bp, competency_bp, content_bp, editing_bp, progress_bp, dashboard_bp,
               health_bp, scenarios_bp, quizzes_bp, attempts_bp, exams_bp, marking_bp):
        app.register_blueprint(bp)
    _register_certification(app)
    _register_development(app)

    from kamtrain.core.errors import register_error_pages

    register_error_pages(app)


def _register_development(app):
    """Gap reports, assessments and observations, development plans (issue 8)."""
    from kamtrain.competency.report_views import bp as gaps_bp
    from kamtrain.development.views import bp as plans_bp

    app.register_blueprint(gaps_bp)
    app.register_blueprint(plans_bp)


def _register_certification(app):
    """Certificates, public verification, background jobs, HR records and the REST API (issue 9)."""
    from kamtrain.certification.job_views import bp as jobs_bp
    from kamtrain.certification.verify_views import bp as verify_bp
    from kamtrain.certification.views import bp as certificates_bp
    from kamtrain.records.api import bp as api_bp
    from kamtrain.records.views import bp as records_bp

    for bp in (certificates_bp, verify_bp, jobs_bp, records_bp, api_bp):
        app.register_blueprint(bp)


def _register_request_hooks(app):
    from kamtrain.core.access import enforce_access

    app.before_request(enforce_access)

    @app.after_request
    def security_headers(response):
        h = response.headers
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Content-Security-Policy",
                     "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                     "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'")
        if app.config["HTTPS"]:
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint != "static" and "Cache-Control" not in h:
            h["Cache-Control"] = "no-store"
        return response


def _register_template_helpers(app):
    from kamtrain.accounts.messages import event_title
    from kamtrain.accounts.roles import LEVEL_NAMES, ROLE_TITLES, Role
    from kamtrain.assessment.messages import DIFFICULTY_NAMES, QUESTION_TYPE_NAMES
    from kamtrain.assessment.rendering import numbering, render_inline
    from kamtrain.core.i18n import LANGUAGES, current_language, localized, pick
    from kamtrain.core.navigation import fixed_url, main_menu

    app.jinja_env.globals.update(
        localized=localized, pick=pick, LANGUAGES=LANGUAGES, current_language=current_language,
        ROLE_TITLES=ROLE_TITLES, Role=Role, LEVEL_NAMES=LEVEL_NAMES, event_title=event_title,
        QUESTION_TYPE_NAMES=QUESTION_TYPE_NAMES, DIFFICULTY_NAMES=DIFFICULTY_NAMES, numbering=numbering,
        render_inline=render_inline, main_menu=main_menu, fixed_url=fixed_url,
    )
    app.jinja_env.add_extension("jinja2.ext.do")
