"""HR records: search by person, org unit, team, track, level, status and expiry; a person's
history; CSV (UTF-8 with BOM) and XLSX exports; bad filters refused and logged; background exports."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest

from kamtrain.accounts.models import AuditEntry
from kamtrain.accounts.roles import Role
from kamtrain.certification import awarding
from kamtrain.certification.common import local_today
from kamtrain.core.db import db
from kamtrain.core.errors import ValidationFailed
from kamtrain.records import search
from tests.certification.conftest import make_certificate
from tests.factories import create_team, create_user


@pytest.fixture
def org(app):
    """Two teams in two branches of one city; certificates in every status."""
    leader_a = create_user(roles=[Role.LEADER])
    a1 = create_user(full_name="甲一", employee_no="E001", track="sales")
    a2 = create_user(full_name="甲二", employee_no="E002", track="marketing")
    b1 = create_user(full_name="乙一", employee_no="E003", track="sales")
    team_a = create_team(name="甲组", leader=leader_a, members=[a1, a2], unit_path="测试市/东区支局")
    team_b = create_team(name="乙组", members=[b1], unit_path="测试市/西区支局")
    hr = create_user(roles=[Role.HR])
    certs = {
        "a1_valid": make_certificate(a1, "sales-4"),
        "a1_l3": make_certificate(a1, "sales-3"),
        "a2_expired": make_certificate(a2, "marketing-4", status="expired"),
        "b1_revoked": make_certificate(b1, "sales-4", status="revoked"),
    }
    old = make_certificate(b1, "sales-4", holder_name="乙壹")
    certs["b1_new"] = awarding.reissue(hr, old, "乙一", "姓名有误")
    certs["b1_reissued"] = old
    return {"a1": a1, "a2": a2, "b1": b1, "team_a": team_a, "team_b": team_b, "hr": hr, "leader_a": leader_a,
            "certs": certs}


def serials(flt_args):
    flt = search.parse_filter(flt_args)
    return {c.serial for c in db.session.scalars(search.certificates(flt, local_today()))}


def test_filters(org):
    c = {k: v.serial for k, v in org["certs"].items()}
    assert serials({"q": "甲一"}) == {c["a1_valid"], c["a1_l3"]}
    assert serials({"q": "E003"}) == {c["b1_revoked"], c["b1_new"], c["b1_reissued"]}
    assert serials({"q": c["a2_expired"]}) == {c["a2_expired"]}
    assert serials({"team": str(org["team_a"].id)}) == {c["a1_valid"], c["a1_l3"], c["a2_expired"]}
    city = org["team_a"].org_unit.parent
    assert serials({"org_unit": str(city.id)}) == set(c.values())
    assert serials({"org_unit": str(org["team_b"].org_unit_id)}) == {c["b1_revoked"], c["b1_new"], c["b1_reissued"]}
    assert serials({"track": "marketing"}) == {c["a2_expired"]}
    assert serials({"level": "3"}) == {c["a1_l3"]}
    for status in ("valid", "expired", "revoked", "reissued"):
        got = serials({"status": status, "org_unit": str(city.id)})
        assert all(org["certs"][k].status(local_today()) == status for k, v in c.items() if v in got), status
        assert got, status
    assert serials({"status": "reissued", "org_unit": str(city.id)}) == {c["b1_reissued"]}


def test_expiring_within(org):
    a1 = org["a1"]
    soon = make_certificate(a1, "marketing-4", issued_on=local_today() - timedelta(days=3 * 365 - 25))
    assert soon.serial in serials({"expiring_within": "40"})
    assert org["certs"]["a1_valid"].serial not in serials({"expiring_within": "40"})


@pytest.mark.parametrize("args", [{"level": "5"}, {"level": "x"}, {"status": "forged"}, {"track": "ops"},
                                  {"expiring_within": "-1"}, {"team": "0"}, {"colour": "red"},
                                  {"q": "x" * 101}])
def test_bad_filters_are_refused(args):
    with pytest.raises(ValidationFailed):
        search.parse_filter(args)


def test_search_page_and_bad_filter(app, org, login_as):
    c = login_as(org["hr"])
    html = c.get("/records/", query_string={"team": org["team_a"].id}).get_data(as_text=True)
    assert org["certs"]["a1_valid"].serial in html and org["certs"]["b1_new"].serial not in html
    response = c.get("/records/", query_string={"status": "bogus"})
    assert response.status_code == 400 and "status" in response.get_data(as_text=True)


def test_csv_export_has_a_bom_and_every_row(app, org, login_as):
    c = login_as(org["hr"])
    with c.get("/records/export", query_string={"format": "csv",
                                                "org_unit": org["team_a"].org_unit.parent_id}) as response:
        assert response.status_code == 200 and response.mimetype == "text/csv"
        raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "证书编号" and len(rows) == 1 + len(org["certs"])
    by_serial = {r[0]: r for r in rows[1:]}
    revoked = by_serial[org["certs"]["b1_revoked"].serial]
    assert revoked[1] == "revoked" and revoked[2] == "乙一" and revoked[4] == "E003"
    assert revoked[5] == "测试市/西区支局" and revoked[6] == "乙组" and revoked[7:9] == ["sales", "4"]
    assert revoked[11].endswith("/verify/" + org["certs"]["b1_revoked"].code)
    assert by_serial[org["certs"]["b1_reissued"].serial][1] == "reissued"
    assert db.session.scalar(db.select(AuditEntry).filter_by(event="records_exported")).details["rows"] == 6


def test_xlsx_export(app, org, login_as):
    c = login_as(org["hr"])
    with c.get("/records/export", query_string={"format": "xlsx", "track": "sales"}) as response:
        assert response.status_code == 200
        data = response.get_data()
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 5 and {r[0] for r in rows[1:]} >= {org["certs"]["a1_valid"].serial}


def test_bad_export_filter_is_refused_and_logged(app, org, login_as):
    c = login_as(org["hr"])
    assert c.get("/records/export", query_string={"format": "csv", "level": "9"}).status_code == 400
    assert c.get("/records/export", query_string={"format": "pdf"}).status_code == 400
    assert db.session.scalar(db.select(AuditEntry).filter_by(event="export_refused")) is not None


def test_background_export_and_pdf_zip(app, org, login_as):
    import zipfile

    c = login_as(org["hr"])
    response = c.post("/records/export-job", data={"kind": "csv", "team": org["team_b"].id})
    job_url = response.headers["Location"]
    status = c.get(job_url + ".json").get_json()
    assert status["state"] == "done" and status["summary"] == {"rows": 3}
    with c.get(status["download"]) as download:
        assert download.get_data().startswith("\ufeff".encode())
    response = c.post("/records/export-job", data={"kind": "pdfs", "team": org["team_a"].id})
    status = c.get(response.headers["Location"] + ".json").get_json()
    assert status["state"] == "done" and status["done"] == status["total"] == 3
    with c.get(status["download"]) as download:
        archive = zipfile.ZipFile(io.BytesIO(download.get_data()))
    assert sorted(archive.namelist()) == sorted(f"{org['certs'][k].serial}.pdf"
                                                for k in ("a1_valid", "a1_l3", "a2_expired"))
    assert c.post("/records/export-job", data={"kind": "csv", "level": "0"}).status_code == 400


def test_person_history_for_hr_and_own_leader_only(app, org, login_as):
    from tests.conftest import login

    hr = app.test_client()
    login(hr, org["hr"].username)
    html = hr.get(f"/records/people/{org['b1'].id}").get_data(as_text=True)
    assert all(org["certs"][k].serial in html for k in ("b1_revoked", "b1_new", "b1_reissued"))
    leader = app.test_client()
    login(leader, org["leader_a"].username)
    assert leader.get(f"/records/people/{org['a1'].id}").status_code == 200
    assert leader.get(f"/records/people/{org['b1'].id}").status_code == 404


def test_csv_quotes_free_text(app, org, login_as):
    odd = create_user(full_name='欧阳"小,明"\n二', employee_no='E,"9"', track="sales")
    cert = make_certificate(odd, "sales-4")
    with login_as(org["hr"]).get("/records/export", query_string={"format": "csv", "q": cert.serial}) as response:
        rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"), newline="")))
    assert len(rows) == 2 and rows[1][2] == '欧阳"小,明"\n二' and rows[1][4] == 'E,"9"'
