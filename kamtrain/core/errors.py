"""Domain errors and the HTTP error pages."""

from flask import jsonify, render_template, request, url_for
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
