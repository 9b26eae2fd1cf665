"""The certification rules as pure functions: no database, no HTTP."""

from datetime import date, datetime, timedelta

from kamtrain.certification import rules
from kamtrain.certification.reminders import threshold_due

TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 8, 0)
RULE = rules.SyllabusRule(id=3, code="sales-3", requires_id=4, module_ids=frozenset({1, 2, 3}),
                          scenario_ids=frozenset({"a", "b"}), award="auto")


def held(syllabus_id, status="valid", made=NOW - timedelta(days=400), expires=TODAY + timedelta(days=500)):
    return rules.HeldCertificate(syllabus_id=syllabus_id, status=status, created_at=made, expires_on=expires)


def facts(**kw):
    base = dict(user_id=7, completed_modules={1, 2, 3}, passed_scenarios={"a", "b"},
                exam_passes={3: [rules.ExamPass(attempt_id=55, at=NOW - timedelta(days=1))]},
                certificates=[held(4)], used_award_keys=set())
    base.update(kw)
    return rules.Facts(**base)


def test_everything_met_is_eligible_with_a_key_per_exam_attempt():
    d = rules.decide(RULE, facts(), TODAY)
    assert d.eligible and d.missing == [] and d.award_key == "7:3:55"
    assert (d.modules_done, d.modules_total, d.scenarios_done, d.scenarios_total) == (3, 3, 2, 2)


def test_each_missing_requirement_is_named():
    d = rules.decide(RULE, facts(completed_modules={1}, passed_scenarios=set(), exam_passes={}, certificates=[]),
                     TODAY)
    assert not d.eligible
    assert set(d.missing) == {"level_below", "modules", "scenarios", "exam"}
    assert d.modules_done == 1 and not d.exam_passed and not d.level_below_held


def test_the_level_below_must_be_valid_not_just_held():
    for status in ("expired", "revoked", "reissued"):
        d = rules.decide(RULE, facts(certificates=[held(4, status=status)]), TODAY)
        assert d.missing == ["level_below"], status
    entry = rules.SyllabusRule(id=4, code="sales-4", requires_id=None, module_ids=frozenset(),
                               scenario_ids=frozenset(), award="auto")
    assert rules.decide(entry, facts(exam_passes={4: [rules.ExamPass(1, NOW)]}, certificates=[]), TODAY).eligible


def test_a_used_award_key_is_not_awarded_twice():
    d = rules.decide(RULE, facts(used_award_keys={"7:3:55"}), TODAY)
    assert d.missing == ["already_requested"] and d.award_key is None


def test_a_valid_certificate_blocks_until_the_renewal_window_and_needs_a_fresh_exam():
    made = NOW - timedelta(hours=1)  # after the exam pass of facts() (a day ago)
    current = held(3, made=made, expires=TODAY + timedelta(days=400))
    d = rules.decide(RULE, facts(certificates=[held(4), current]), TODAY)
    assert "already_certified" in d.missing
    # inside the renewal window the old pass (before the certificate was made) does not count …
    soon = held(3, made=made, expires=TODAY + timedelta(days=60))
    d = rules.decide(RULE, facts(certificates=[held(4), soon]), TODAY, renewal_days=90)
    assert d.missing == ["exam"]
    # … a pass after it does
    fresh = {3: [rules.ExamPass(attempt_id=77, at=NOW + timedelta(minutes=5))]}
    d = rules.decide(RULE, facts(certificates=[held(4), soon], exam_passes=fresh), TODAY, renewal_days=90)
    assert d.eligible and d.award_key == "7:3:77"


def test_after_an_expired_or_revoked_certificate_a_new_exam_is_needed():
    for status in ("expired", "revoked"):
        old = held(3, status=status, made=NOW - timedelta(hours=1))
        assert rules.decide(RULE, facts(certificates=[held(4), old]), TODAY).missing == ["exam"]


def test_status_order_and_expiry_day():
    last_day = TODAY
    assert rules.certificate_status(revoked=False, replaced=False, expires_on=last_day, today=TODAY) == "valid"
    assert rules.certificate_status(revoked=False, replaced=False, expires_on=last_day,
                                    today=TODAY + timedelta(days=1)) == "expired"
    assert rules.certificate_status(revoked=True, replaced=True, expires_on=last_day, today=TODAY) == "revoked"
    assert rules.certificate_status(revoked=False, replaced=True, expires_on=last_day, today=TODAY) == "reissued"


def test_validity_ends_the_day_before_the_anniversary():
    assert rules.validity(date(2026, 3, 1), 36) == (date(2026, 3, 1), date(2029, 2, 28))
    assert rules.validity(date(2024, 2, 29), 12) == (date(2024, 2, 29), date(2025, 2, 27))
    assert rules.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert rules.add_months(date(2026, 1, 15), -14) == date(2024, 11, 15)


def test_codes_carry_serial_and_check_code():
    code = "KT-2026-000123-7KQ4M9XD"
    assert rules.parse_code(code) == ("KT-2026-000123", "7KQ4M9XD")
    assert rules.parse_code(" kt-2026-000123-7kq4m9xd ") == ("KT-2026-000123", "7KQ4M9XD")
    for bad in ("KT-2026-000123", "KT-2026-000123-7KQ4M9X", "KT-2026-000123-7KQ4M9XDX", "KT-2026-123-7KQ4M9XD",
                "KT-2026-000123-7KQ4M9X0", "../etc/passwd", "", None, "KT-2026-000123-7KQ4M9XD" + "A" * 40):
        assert rules.parse_code(bad) is None, bad
    codes = {rules.new_check_code() for _ in range(200)}
    assert len(codes) == 200 and all(rules.parse_code(f"KT-2026-000001-{c}") for c in codes)
    assert rules.format_serial(2026, 123) == "KT-2026-000123"


def test_reminder_threshold_is_the_most_urgent_reached():
    assert threshold_due(100, (90, 30)) is None
    assert threshold_due(90, (90, 30)) == 90
    assert threshold_due(45, (90, 30)) == 90
    assert threshold_due(20, (90, 30)) == 30
    assert threshold_due(0, (90, 30)) == 30
