"""Public verification (CONTRACT §3): valid / expired / revoked / reissued / unknown; no personal
data beyond name, track, level and dates; refusals logged; rate-limited."""

import pytest

from kamtrain.accounts.models import AuditEntry
from kamtrain.certification import awarding
from kamtrain.core.db import db
from tests.certification.conftest import make_certificate
from tests.factories import create_user


@pytest.fixture
def holder(app):
    return create_user(full_name="司马静", email="sima.jing@example.com", employee_no="HZ99001", track="sales")


@pytest.mark.parametrize("status", ["valid", "expired", "revoked"])
def test_page_and_json_say_the_status(client, holder, status):
    cert = make_certificate(holder, "sales-4", status=status)
    data = client.get(f"/verify/{cert.code}.json").get_json()
    assert {k: data[k] for k in ("serial", "status", "holder", "track", "level", "issued", "expires")} == {
        "serial": cert.serial, "status": status, "holder": "司马静", "track": "sales", "level": 4,
        "issued": cert.issued_on.isoformat(), "expires": cert.expires_on.isoformat()}
    page = client.get(f"/verify/{cert.code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f'data-status="{status}"' in html and "司马静" in html
    for private in ("sima.jing@example.com", "HZ99001", holder.username, "test revocation"):
        assert private not in html and private not in str(data)


def test_a_reissued_copy_says_so_and_points_to_the_new_one(client, holder):
    hr = create_user(roles=["hr"])
    old = make_certificate(holder, "sales-4")
    new = awarding.reissue(hr, old, "司马晶", "姓名有误")
    data = client.get(f"/verify/{old.code}.json").get_json()
    assert data["status"] == "reissued" and data["replaced_by"] == new.serial
    assert client.get(f"/verify/{new.code}.json").get_json()["status"] == "valid"
    assert new.serial in client.get(f"/verify/{old.code}").get_data(as_text=True)


def test_lower_case_and_blanks_are_forgiven(client, holder):
    cert = make_certificate(holder, "sales-4")
    assert client.get(f"/verify/{cert.code.lower()}.json").status_code == 200


@pytest.mark.parametrize("forge", ["bare", "wrong_check", "truncated", "unknown", "junk"])
def test_forged_or_truncated_codes_are_404_and_logged(client, holder, forge):
    cert = make_certificate(holder, "sales-4")
    other = "2" if cert.check_code[-1] != "2" else "3"
    code = {"bare": cert.serial, "wrong_check": cert.code[:-1] + other, "truncated": cert.code[:-2],
            "unknown": "KT-2026-987654-" + cert.check_code, "junk": "<script>"}[forge]
    before = db.session.scalar(db.select(db.func.count(AuditEntry.id)).filter_by(event="verification_refused"))
    assert client.get(f"/verify/{code}.json").status_code == 404
    assert client.get(f"/verify/{code}").status_code == 404
    after = db.session.scalar(db.select(db.func.count(AuditEntry.id)).filter_by(event="verification_refused"))
    assert after == before + 2


def test_the_verify_form_goes_to_the_code(client, holder):
    cert = make_certificate(holder, "sales-4")
    response = client.get("/verify/", query_string={"code": cert.code.lower()})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/verify/{cert.code}")
    assert client.get("/verify/").status_code == 200


def test_verification_is_rate_limited(app, client, holder):
    cert = make_certificate(holder, "sales-4")
    app.config["VERIFY_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [client.get(f"/verify/{cert.code}.json").status_code for _ in range(5)]
    finally:
        app.config["VERIFY_RATE_LIMIT"] = "30 per minute;300 per hour"
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
