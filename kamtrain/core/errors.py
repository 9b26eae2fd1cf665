"""Domain errors and the HTTP error pages."""

from flask import Response, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule of the domain refused an operation; the message is shown to the user."""


class ValidationFailed(DomainError):
    """Input did not validate; ``problems`` lists each place and message."""

    def __init__(self, problems):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = list(problems)


def _wants_json():
    return request.path.startswith("/api/") or request.path.endswith(".json") or (
        request.accept_mimetypes.best == "application/json"
    )


def register_error_pages(app):
    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code >= 500:
            return _server_error(error)
        if _wants_json():
            return jsonify({"error": error.name, "status": error.code}), error.code
        titles = {
            400: _("Bad request"),
            401: _("Please sign in"),
            403: _("You do not have access to this page"),
            404: _("Page not found"),
            405: _("Method not allowed"),
            413: _("The file is too large"),
            429: _("Too many attempts; please wait a moment and try again"),
        }
        title = titles.get(error.code, error.name)
        hints = {
            403: _("Your account does not have a role that opens this page. If you need it for your work, "
                   "ask an administrator."),
            404: _("The address may be mistyped, or the page has been removed."),
        }
        hint, back = hints.get(error.code), None
        if error.code == 404 and request.path.startswith("/verify/"):
            # the public verification page: a visitor who mistyped a code needs the form, not a sign-in
            title = _("No certificate matches this code")
            hint = _("Check the code printed under the QR code on the certificate and enter it again.")
            back = (url_for("verify.index"), _("Verify another certificate"))
        return render_template("errors/error.html", code=error.code, title=title, hint=hint,
                               back=back), error.code


#: The last resort when not even the framed error page can be drawn (the database is down, say): both
#: languages, no template, no database.
PLAIN_SERVER_ERROR = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>kamtrain · 出错了 / Something went wrong</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">
<h1>出错了</h1><p>系统暂时无法完成这个请求。此前已保存的内容不会丢失，请稍后再试。</p>
<h1 lang="en">Something went wrong</h1><p lang="en">kamtrain could not complete this request. Nothing you saved
before is lost; please try again in a moment.</p>
<p><a href="/">kamtrain</a></p></body></html>"""


def _server_error(error):
    """500 and the like. The request's transaction is rolled back first (the failure may have left it
    unusable, and the page's frame reads the signed-in user); when even then the page can't be drawn,
    the plain bilingual one is sent."""
    from kamtrain.core.db import db

    try:
        db.session.rollback()
        if _wants_json():
            return jsonify({"error": error.name, "status": error.code}), error.code
        return render_template(
            "errors/error.html", code=error.code, title=_("Something went wrong on our side"),
            hint=_("Nothing you saved before this is lost. Try again in a moment; if it keeps happening, tell "
                   "the training department what you were doing."), back=None), error.code
    except Exception:  # noqa: BLE001 — whatever broke the page, the visitor still gets an answer
        current_app.logger.exception("the error page for %s could not be drawn", request.path)
        return Response(PLAIN_SERVER_ERROR, error.code, mimetype="text/html")
