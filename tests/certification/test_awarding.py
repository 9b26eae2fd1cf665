"""Awarding by the rules when a trainee's transaction commits; HR approval; revocation, reissue;
every change audited."""

import re

from kamtrain.accounts.models import AuditEntry
from kamtrain.certification import awarding
from kamtrain.certification.models import AwardRequest, Certificate, Notice
from kamtrain.content.models import ModuleProgress
from kamtrain.core.db import db, utcnow
from tests.certification.conftest import make_certificate, pass_exam, qualify, syllabus
from tests.factories import create_user


def certificates_of(user):
    return db.session.scalars(db.select(Certificate).where(Certificate.user_id == user.id)
                              .order_by(Certificate.id)).all()


def events(user, event):
    return db.session.scalars(db.select(AuditEntry).where(AuditEntry.subject_user_id == user.id,
                                                          AuditEntry.event == event)).all()


def test_finishing_the_last_module_awards_the_certificate_in_the_same_commit(app, trainee):
    _, left = qualify(trainee, "sales-4", leave_out_modules=1)
    db.session.commit()
    assert certificates_of(trainee) == []
    db.session.add(ModuleProgress(user_id=trainee.id, module_id=left[0].id, completed_at=utcnow()))
    db.session.commit()
    [cert] = certificates_of(trainee)
    assert re.fullmatch(r"KT-\d{4}-\d{6}", cert.serial) and len(cert.check_code) == 8
    assert (cert.track, cert.level, cert.holder_name) == ("sales", 4, trainee.full_name)
    assert cert.status(cert.issued_on) == "valid" and cert.approved_by_id is None
    assert (cert.expires_on.year - cert.issued_on.year) == 3  # sales-4: 36 months
    assert trainee.current_level == 4 and trainee.target_level == 3
    assert events(trainee, "certificate_awarded")[0].details["serial"] == cert.serial
    assert db.session.scalar(db.select(Notice.kind).where(Notice.user_id == trainee.id)) == "certificate_awarded"
    # evaluating again changes nothing
    assert awarding.evaluate(trainee) == []


def test_passing_the_exam_last_also_awards(app, trainee):
    qualify(trainee, "sales-4", exam=False)
    db.session.commit()
    assert certificates_of(trainee) == []
    pass_exam(trainee, syllabus("sales-4"))
    db.session.commit()
    assert len(certificates_of(trainee)) == 1


def test_a_failed_exam_awards_nothing(app, trainee):
    syl, _ = qualify(trainee, "sales-4", exam=False)
    pass_exam(trainee, syl, passed=False)
    db.session.commit()
    assert certificates_of(trainee) == []


def test_level_3_needs_a_valid_level_4(app, trainee):
    qualify(trainee, "sales-3")
    db.session.commit()
    assert certificates_of(trainee) == []
    level4 = make_certificate(trainee, "sales-4", status="expired")
    assert awarding.evaluate(trainee) == []
    db.session.delete(level4)
    make_certificate(trainee, "sales-4")
    [cert] = awarding.evaluate(trainee)
    assert cert.level == 3


def test_both_levels_in_one_evaluation_entry_level_first(app, trainee):
    qualify(trainee, "sales-4")
    qualify(trainee, "sales-3")
    db.session.commit()
    assert [c.level for c in certificates_of(trainee)] == [4, 3]


def test_hr_approval_levels_wait_for_hr(app, trainee, hr):
    make_certificate(trainee, "sales-4")
    make_certificate(trainee, "sales-3")
    qualify(trainee, "sales-2")
    db.session.commit()
    assert [c.level for c in certificates_of(trainee)] == [4, 3]
    [req] = db.session.scalars(db.select(AwardRequest).where(AwardRequest.user_id == trainee.id)).all()
    assert req.state == "pending" and events(trainee, "award_requested")
    assert awarding.evaluate(trainee) == []  # no second request for the same exam pass
    cert = awarding.approve(hr, req)
    assert cert.level == 2 and cert.approved_by_id == hr.id and req.certificate_id == cert.id
    assert events(trainee, "award_approved")[0].actor_id == hr.id


def test_rejection_needs_a_reason_and_is_not_asked_again(app, trainee, hr):
    import pytest

    from kamtrain.core.errors import DomainError

    make_certificate(trainee, "sales-4")
    make_certificate(trainee, "sales-3")
    qualify(trainee, "sales-2")
    db.session.commit()
    req = db.session.scalar(db.select(AwardRequest).where(AwardRequest.user_id == trainee.id))
    with pytest.raises(DomainError):
        awarding.reject(hr, req, "  ")
    awarding.reject(hr, req, "资料不全")
    assert req.state == "rejected" and req.note == "资料不全"
    assert awarding.evaluate(trainee) == []
    with pytest.raises(DomainError):
        awarding.approve(hr, req)


def test_approval_refused_when_the_level_below_was_revoked_meanwhile(app, trainee, hr):
    import pytest

    from kamtrain.core.errors import DomainError

    make_certificate(trainee, "sales-4")
    level3 = make_certificate(trainee, "sales-3")
    qualify(trainee, "sales-2")
    db.session.commit()
    req = db.session.scalar(db.select(AwardRequest).where(AwardRequest.user_id == trainee.id))
    awarding.revoke(hr, level3, "复核不合格")
    with pytest.raises(DomainError, match="level_below_not_valid"):
        awarding.approve(hr, req)


def test_revoke_and_reissue_keep_the_history(app, trainee, hr):
    import pytest

    from kamtrain.core.errors import DomainError

    old = make_certificate(trainee, "sales-4", holder_name="王小明")
    new = awarding.reissue(hr, old, "王晓明", "姓名有误")
    today = old.issued_on
    assert old.status(today) == "reissued" and new.status(today) == "valid"
    assert old.replaced_by is new and new.replaces is old and new.serial != old.serial
    assert (new.issued_on, new.expires_on) == (old.issued_on, old.expires_on)
    assert awarding.lineage(old) == [old, new] == awarding.lineage(new)
    entry = events(trainee, "certificate_reissued")[0]
    assert entry.details["holder_before"] == "王小明" and entry.details["holder_after"] == "王晓明"
    with pytest.raises(DomainError):
        awarding.reissue(hr, old, "王晓明", "again")
    with pytest.raises(DomainError):
        awarding.revoke(hr, old, "old copy")
    with pytest.raises(DomainError):
        awarding.revoke(hr, new, "")
    awarding.revoke(hr, new, "违规")
    assert new.status(today) == "revoked" and new.revoke_reason == "违规"
    assert events(trainee, "certificate_revoked")[0].actor_id == hr.id
    with pytest.raises(DomainError):
        awarding.revoke(hr, new, "twice")


def test_revocation_lowers_the_current_level(app, hr):
    user = create_user(track="sales", current_level=3)
    make_certificate(user, "sales-4")
    level3 = make_certificate(user, "sales-3")
    awarding.revoke(hr, level3, "复核")
    assert user.current_level == 4


def test_award_due_catches_up(app, trainee):
    qualify(trainee, "sales-4")
    db.session.flush()
    db.session.info.pop("kamtrain_award_users", None)  # as if the hook had not run
    made = awarding.award_due([trainee.id])
    assert [c.level for c in made] == [4]


def test_a_failure_while_awarding_never_loses_the_trainees_work(app, trainee, monkeypatch):
    def broken(user, now=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(awarding, "evaluate", broken)
    _, left = qualify(trainee, "sales-4", leave_out_modules=1)
    db.session.add(ModuleProgress(user_id=trainee.id, module_id=left[0].id, completed_at=utcnow()))
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(ModuleProgress.id)).where(
        ModuleProgress.user_id == trainee.id, ModuleProgress.completed_at.is_not(None))) == len(
        syllabus("sales-4").modules)
    assert certificates_of(trainee) == []


def test_rejecting_on_the_page_without_a_reason_says_which_reason_is_missing(app, trainee, hr):
    make_certificate(trainee, "sales-4")
    make_certificate(trainee, "sales-3")
    qualify(trainee, "sales-2")
    db.session.commit()
    req = db.session.scalar(db.select(AwardRequest).where(AwardRequest.user_id == trainee.id))
    hr.locale = "en"
    client = app.test_client()
    client.post("/login", data={"username": hr.username, "password": "correct-horse-battery"})
    client.post(f"/certificates/approvals/{req.id}", data={"decision": "reject", "note": " "})
    page = client.get("/certificates/approvals").get_data(as_text=True)
    assert "Give a reason for rejecting." in page and req.state == "pending"
