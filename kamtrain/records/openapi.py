"""The OpenAPI 3.0 document of /api/v1 (served at /api/v1/openapi.json). Written by hand next to
api.py; tests/certification/test_api_schema.py runs schemathesis against the app with it."""

from flask import url_for

NULLABLE_STRING = {"type": "string", "nullable": True}
NULLABLE_INT = {"type": "integer", "nullable": True}
LEVEL = {"type": "integer", "minimum": 1, "maximum": 4}
STATUS = {"type": "string", "enum": ["valid", "expired", "revoked", "reissued"]}
TRACK = {"type": "string", "enum": ["sales", "marketing"]}


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _param(name, schema, description, where="query", required=False):
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema}


PAGE_PARAMS = [
    _param("page", {"type": "integer", "minimum": 1, "maximum": 1000000, "default": 1}, "Page number, from 1."),
    _param("per_page", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}, "Items per page."),
]
ID = {"type": "integer", "minimum": 1, "maximum": 2147483647}
ID_FILTERS = [
    _param("team", ID, "Only members of this team."),
    _param("org_unit", ID, "Only people in teams of this org unit or units under it."),
]


def _errors(*codes):
    texts = {400: "A bad parameter (every problem is listed).", 401: "No token, or a token that is unknown, "
             "expired, revoked or not an HR user's.", 403: "The token's user may not do this.",
             404: "Not found.", 429: "Too many requests for this token."}
    return {str(c): {"description": texts[c], "content": {"application/json": {"schema": _ref("Error")}}}
            for c in codes}


def _ok(schema, description):
    return {"200": {"description": description, "content": {"application/json": {"schema": schema}}}}


def _page_of(item):
    return {"type": "object", "required": ["items", "page", "per_page", "total", "pages"], "properties": {
        "items": {"type": "array", "items": _ref(item)}, "page": {"type": "integer"},
        "per_page": {"type": "integer"}, "total": {"type": "integer"}, "pages": {"type": "integer"}}}


SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {
        "error": {"type": "string"}, "status": {"type": "integer"}, "reason": NULLABLE_STRING,
        "problems": {"type": "array", "items": {"type": "string"}}}},
    "Named": {"type": "object", "required": ["id", "name"], "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}}},
    "OrgUnitRef": {"type": "object", "required": ["id", "path"], "properties": {
        "id": {"type": "integer"}, "path": {"type": "string", "description": "'城市/支局', top down"}}},
    "Person": {"type": "object", "required": ["id", "username", "name", "active", "roles"], "properties": {
        "id": {"type": "integer"}, "username": {"type": "string"}, "employee_no": NULLABLE_STRING,
        "name": {"type": "string"}, "email": NULLABLE_STRING, "active": {"type": "boolean"},
        "roles": {"type": "array", "items": {"type": "string", "enum": ["trainee", "leader", "trainer", "hr",
                                                                         "admin"]}},
        "track": {**TRACK, "nullable": True}, "current_level": {**LEVEL, "nullable": True},
        "target_level": {**LEVEL, "nullable": True},
        "team": {"allOf": [_ref("Named")], "nullable": True},
        "org_unit": {"allOf": [_ref("OrgUnitRef")], "nullable": True}}},
    "Certification": {"type": "object", "required": ["serial", "status", "holder", "user_id", "track", "level",
                                                     "issued", "expires", "verify_url"], "properties": {
        "serial": {"type": "string", "pattern": "^KT-[0-9]{4}-[0-9]{6,}$"}, "status": STATUS,
        "holder": {"type": "string", "description": "The name as printed on the certificate."},
        "user_id": {"type": "integer"}, "username": {"type": "string"}, "employee_no": NULLABLE_STRING,
        "track": TRACK, "level": LEVEL,
        "title": {"type": "object", "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}},
        "issued": {"type": "string", "format": "date"},
        "expires": {"type": "string", "format": "date", "description": "The last day of validity."},
        "verify_url": {"type": "string", "format": "uri"},
        "approved_by": {**NULLABLE_STRING, "description": "The HR user who approved it; null: awarded by the rules"},
        "revoked_at": {**NULLABLE_STRING, "format": "date-time"}, "revoke_reason": NULLABLE_STRING,
        "replaced_by": {**NULLABLE_STRING, "description": "Serial of the certificate that reissued this one."},
        "replaces": {**NULLABLE_STRING, "description": "Serial of the certificate this one reissued."}}},
    "PersonWithCertifications": {"allOf": [_ref("Person"), {"type": "object", "required": ["certifications"],
                                 "properties": {"certifications": {"type": "array",
                                                                   "items": _ref("Certification")}}}]},
    "DevelopmentStatus": {"type": "object", "required": ["user_id", "status"], "properties": {
        "user_id": {"type": "integer"}, "username": {"type": "string"}, "name": {"type": "string"},
        "track": {**TRACK, "nullable": True}, "current_level": {**LEVEL, "nullable": True},
        "target_level": {**LEVEL, "nullable": True},
        "syllabus": {**NULLABLE_STRING, "description": "The syllabus of the target level, e.g. sales-3"},
        "modules_completed": {"type": "integer"}, "modules_required": {"type": "integer"},
        "exam_passed": {"type": "boolean"}, "scenarios_passed": {"type": "integer"},
        "scenarios_required": {"type": "integer"}, "level_below_held": {"type": "boolean"},
        "status": {"type": "string", "enum": ["no_syllabus", "not_started", "in_progress", "ready",
                                              "awaiting_approval", "certified"]},
        "plan": {"allOf": [_ref("DevelopmentPlan")], "nullable": True,
                 "description": "The trainee's open personal development plan; null when there is none."}}},
    "DevelopmentPlan": {"type": "object", "required": ["id", "status", "starts_on", "review_on", "progress", "goals"],
                        "properties": {
        "id": {"type": "integer"},
        "status": {"type": "string", "enum": ["draft", "agreed", "approved"],
                   "description": "draft (the trainee edits it), agreed (by the trainee, waiting for the "
                                  "leader), approved (by the leader; under way until the review date)"},
        "track": {**TRACK, "nullable": True}, "level": {**LEVEL, "nullable": True,
                                                        "description": "The level the gaps were measured against"},
        "starts_on": {"type": "string", "format": "date"},
        "review_on": {"type": "string", "format": "date", "description": "End of the period: the review date"},
        "agreed_at": {**NULLABLE_STRING, "format": "date-time"},
        "approved_at": {**NULLABLE_STRING, "format": "date-time"},
        "approved_by": {**NULLABLE_STRING, "description": "Username of the approving leader"},
        "progress": {"type": "integer", "minimum": 0, "maximum": 100,
                     "description": "Percent: the mean over the goals of activities done and gap closed"},
        "activities_done": {"type": "integer"}, "activities_total": {"type": "integer"},
        "goals": {"type": "array", "items": _ref("DevelopmentGoal")}}},
    "DevelopmentGoal": {"type": "object", "required": ["category", "target", "progress"], "properties": {
        "category": {"type": "string", "description": "Competency category code, e.g. communication"},
        "name": {"type": "object", "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}},
        "text": {"type": "string"}, "due_on": {"type": "string", "format": "date"},
        "baseline": {"type": "number", "nullable": True,
                     "description": "Proficiency (1.0–4.0) when the plan was made; null: no evidence then"},
        "target": {"type": "integer", "minimum": 1, "maximum": 4},
        "current": {"type": "number", "nullable": True, "description": "Proficiency now (one decimal)"},
        "progress": {"type": "integer", "minimum": 0, "maximum": 100},
        "activities_done": {"type": "integer"}, "activities_total": {"type": "integer"}}},
    "OrgUnit": {"type": "object", "required": ["id", "name", "path"], "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "path": {"type": "string"},
        "parent_id": NULLABLE_INT, "teams": {"type": "array", "items": _ref("Named")}}},
}


def openapi_document():
    server = url_for("api.openapi", _external=False).rsplit("/", 1)[0]
    common = _errors(400, 401, 403, 429)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "kamtrain HR API", "version": "1.0.0",
            "description": "Certification records for HR systems. Authenticate with an API token issued to an HR "
                           "user (Records → API tokens): `Authorization: Bearer kt_…`. Lists are paged "
                           "(`page`, `per_page` ≤ 200). Dates are ISO 8601; `expires` is the last valid day.",
        },
        "servers": [{"url": server}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "An API token, kt_ followed by 43 characters."}},
            "schemas": SCHEMAS,
        },
        "paths": {
            "/people": {"get": {
                "operationId": "listPeople", "summary": "People, filtered and paged",
                "parameters": [_param("q", {"type": "string", "maxLength": 100},
                                      "Part of a name, user name or employee number."),
                               *ID_FILTERS,
                               _param("role", {"type": "string", "enum": ["trainee", "leader", "trainer", "hr",
                                                                           "admin"]}, "Only people with this role."),
                               _param("track", TRACK, "Only people on this track."), *PAGE_PARAMS],
                "responses": {**_ok(_page_of("Person"), "A page of people."), **common}}},
            "/people/{user_id}": {"get": {
                "operationId": "getPerson", "summary": "One person with their certification history",
                "parameters": [_param("user_id", ID, "The person's id.", "path",
                                      True)],
                "responses": {**_ok(_ref("PersonWithCertifications"), "The person."), **common,
                              **_errors(404)}}},
            "/certifications": {"get": {
                "operationId": "listCertifications", "summary": "Certificates, filtered and paged, newest first",
                "parameters": [_param("q", {"type": "string", "maxLength": 100},
                                      "Part of a holder's name, user name or employee number, or a serial."),
                               *ID_FILTERS, _param("track", TRACK, "Track."), _param("level", LEVEL, "Level."),
                               _param("status", STATUS, "Status today."),
                               _param("expiring_within", {"type": "integer", "minimum": 0, "maximum": 3660},
                                      "Valid certificates whose last day is at most this many days away."),
                               _param("user", ID, "One person's certificates."),
                               *PAGE_PARAMS],
                "responses": {**_ok(_page_of("Certification"), "A page of certificates."), **common}}},
            "/certifications/{serial}": {"get": {
                "operationId": "getCertification", "summary": "One certificate by serial",
                "parameters": [_param("serial", {"type": "string", "maxLength": 24}, "e.g. KT-2026-000123",
                                      "path", True)],
                "responses": {**_ok(_ref("Certification"), "The certificate."), **common, **_errors(404)}}},
            "/development-plans": {"get": {
                "operationId": "listDevelopmentStatus",
                "summary": "Each trainee's progress towards their target level and their development plan",
                "description": "`status` comes from the syllabus of the target level: modules, exam and "
                               "scenarios. `plan` is the trainee's open development plan (draft, agreed or "
                               "approved) with its period, goals and progress, or null.",
                "parameters": [*ID_FILTERS, *PAGE_PARAMS],
                "responses": {**_ok(_page_of("DevelopmentStatus"), "A page of trainees."), **common}}},
            "/org-units": {"get": {
                "operationId": "listOrgUnits", "summary": "Org units with their teams (for the filters)",
                "responses": {**_ok({"type": "object", "required": ["items"], "properties": {
                    "items": {"type": "array", "items": _ref("OrgUnit")}}}, "Every org unit."), **common}}},
        },
    }
