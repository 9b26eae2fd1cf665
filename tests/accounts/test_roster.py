import io

from openpyxl import Workbook

from kamtrain.accounts.models import AuditEntry, Team, User
from kamtrain.accounts.roles import Role
from kamtrain.core.db import db
from tests.factories import create_user

HEADER = "工号,姓名,邮箱,组织,班组,序列,级别\n"
GOOD = HEADER + (
    "E001,王一,wang1@example.com,宁波市/海曙支局,海曙一组,销售,四级\n"
    "E002,李二,li2@example.com,宁波市/海曙支局,海曙一组,marketing,\n"
    "E003,张三,zhang3@example.com,宁波市/江北支局,江北一组,大客户销售经理,3\n"
)


def upload(client, name, data, dry_run=False):
    form = {"file": (io.BytesIO(data), name)}
    if dry_run:
        form["dry_run"] = "y"
    return client.post("/admin/roster", data=form, content_type="multipart/form-data")


def count_users():
    return db.session.scalar(db.select(db.func.count(User.id)))


def test_good_csv_creates_people_teams_and_units(login_as):
    hr = create_user("hr1", roles=[Role.HR])
    r = upload(login_as(hr), "roster.csv", GOOD.encode("utf-8-sig"))
    assert r.status_code == 200
    wang = db.session.scalar(db.select(User).filter_by(employee_no="E001"))
    assert wang.username == "e001" and wang.full_name == "王一" and wang.track == "sales"
    assert wang.current_level == 4 and wang.target_level == 3
    assert wang.team.name == "海曙一组" and wang.team.org_unit.path == "宁波市/海曙支局"
    assert wang.password_hash is None and wang.roles == {Role.TRAINEE}
    li = db.session.scalar(db.select(User).filter_by(employee_no="E002"))
    assert li.current_level is None and li.target_level == 4 and li.track == "marketing"
    assert li.team_id == wang.team_id
    assert db.session.scalar(db.select(AuditEntry).filter_by(event="roster_imported")).details["created"] == 3


def test_every_bad_row_is_reported_and_nothing_changes(login_as):
    hr = create_user("hr2", roles=[Role.HR])
    create_user("someone", roles=[Role.TRAINEE], email="used@example.com")
    bad = HEADER + (
        "E010,好人,good@example.com,宁波市/海曙支局,海曙一组,销售,4\n"
        ",无工号,nono@example.com,宁波市/海曙支局,海曙一组,销售,4\n"
        "E011,坏邮箱,not-an-email,宁波市/海曙支局,海曙一组,销售,4\n"
        "E012,重复邮箱,used@example.com,宁波市/海曙支局,海曙一组,销售,4\n"
        "E013,错序列,e13@example.com,宁波市/海曙支局,海曙一组,客服,4\n"
        "E014,错级别,e14@example.com,宁波市/海曙支局,海曙一组,销售,五级\n"
        "E010,同工号,e10b@example.com,宁波市/海曙支局,海曙一组,销售,4\n"
    )
    before = count_users()
    html = upload(login_as(hr), "roster.csv", bad.encode("utf-8")).get_data(as_text=True)
    assert count_users() == before
    assert db.session.scalar(db.select(Team).filter_by(name="海曙一组")) is None
    for expected in ("第 3 行，A 列（工号）", "第 4 行，C 列（邮箱）", "第 5 行，C 列（邮箱）",
                     "第 6 行，F 列（序列）", "第 7 行，G 列（级别）", "第 8 行，A 列（工号）"):
        assert expected in html, expected
    assert "第 2 行，" not in html  # the good row has no problem
    assert html.count("<li>第 8 行") == 1  # one problem per cause


def test_errors_in_english(login_as):
    hr = create_user("hr3", roles=[Role.HR], locale="en")
    bad = HEADER + "E020,某人,bad-mail,宁波市/海曙支局,海曙一组,销售,4\n"
    html = upload(login_as(hr), "roster.csv", bad.encode("utf-8")).get_data(as_text=True)
    assert "row 2, column C (邮箱): not a valid e-mail address" in html


def test_missing_columns_are_named(login_as):
    hr = create_user("hr4", roles=[Role.HR], locale="en")
    html = upload(login_as(hr), "roster.csv", "工号,姓名\nE1,某\n".encode()).get_data(as_text=True)
    assert "missing column email" in html and "missing column track" in html


def test_gb18030_csv_from_excel(login_as):
    hr = create_user("hr5", roles=[Role.HR])
    html = upload(login_as(hr), "roster.csv", GOOD.encode("gb18030")).get_data(as_text=True)
    assert db.session.scalar(db.select(User).filter_by(employee_no="E003")).full_name == "张三"
    assert "gb18030" in html


def test_xlsx_roster_and_update_of_known_people(login_as):
    hr = create_user("hr6", roles=[Role.HR])
    existing = create_user("oldtimer", roles=[Role.TRAINEE], employee_no="E100", full_name="旧名字")
    wb = Workbook()
    ws = wb.active
    ws.append(["employee_no", "name", "email", "org_unit", "team", "track", "level", "target_level"])
    ws.append(["E100", "新名字", "e100@example.com", "温州市/鹿城支局", "鹿城一组", "sales", 3, 2])
    ws.append(["E101", "新人", "e101@example.com", "温州市/鹿城支局", "鹿城一组", "marketing", None, None])
    data = io.BytesIO()
    wb.save(data)
    upload(login_as(hr), "roster.xlsx", data.getvalue())
    assert existing.full_name == "新名字" and existing.current_level == 3 and existing.target_level == 2
    assert existing.username == "oldtimer"
    assert db.session.scalar(db.select(User).filter_by(employee_no="E101")).track == "marketing"


def test_dry_run_changes_nothing(login_as):
    hr = create_user("hr7", roles=[Role.HR])
    before = count_users()
    html = upload(login_as(hr), "roster.csv", GOOD.encode(), dry_run=True).get_data(as_text=True)
    assert count_users() == before
    assert "3" in html


def test_wrong_file_type_is_refused(login_as):
    hr = create_user("hr8", roles=[Role.HR])
    before = count_users()
    r = upload(login_as(hr), "roster.txt", GOOD.encode())
    assert r.status_code == 200 and count_users() == before
    assert 'id="file-errors"' in r.get_data(as_text=True)


def test_binary_garbage_is_reported(login_as):
    hr = create_user("hr9", roles=[Role.HR], locale="en")
    html = upload(login_as(hr), "roster.xlsx", b"\x00\x01not a zip").get_data(as_text=True)
    assert "not a readable XLSX workbook" in html
