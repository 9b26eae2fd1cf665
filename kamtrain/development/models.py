"""Personal development plans (个人发展计划) and the work leaders assign from the gap reports.

A plan is generated from a trainee's largest gaps (generate.py): one goal per weak category, each
with recommended activities — course modules, practice quizzes, scenarios and on-the-job actions —
and due dates. Its workflow, kept as events:

    draft ──agree (trainee)──▶ agreed ──approve (leader)──▶ approved ──review──▶ closed
      ▲                          │  ▲                           │                renewed (→ a new draft)
      └──── send back (leader) ──┘  └── reopen (trainee) ───────┘

Progress is not stored: it is read from module progress, quiz attempts, scenario runs, ticked
actions and the current proficiency whenever the plan is shown (progress.py).
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kamtrain.competency.models import Category
from kamtrain.core.db import db, utcnow
from kamtrain.core.errors import DomainError

DRAFT, AGREED, APPROVED, CLOSED, RENEWED = "draft", "agreed", "approved", "closed", "renewed"
STATUSES = (DRAFT, AGREED, APPROVED, CLOSED, RENEWED)
OPEN_STATUSES = (DRAFT, AGREED, APPROVED)
ITEM_KINDS = ("module", "quiz", "scenario", "action")
ORIGINS = ("plan", "trainee", "leader")  # generated with the plan | added by the trainee | assigned by a leader


class DevelopmentPlan(db.Model):
    __tablename__ = "development_plans"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'agreed', 'approved', 'closed', 'renewed')", name="status"),
        Index(None, "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # the trainee (index above)
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    track: Mapped[str | None] = mapped_column(String(20))  # the target the gaps were measured against
    level: Mapped[int | None] = mapped_column()
    starts_on: Mapped[date] = mapped_column()
    review_on: Mapped[date] = mapped_column()  # end of the period: review, then close or renew
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    agreed_at: Mapped[datetime | None] = mapped_column()
    approved_at: Mapped[datetime | None] = mapped_column()
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column()  # reviewed: closed or renewed
    review_note: Mapped[str] = mapped_column(Text, default="")  # the reviewer's conclusion
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("development_plans.id"))  # the plan it renews

    user = relationship("User", foreign_keys=[user_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    previous: Mapped["DevelopmentPlan | None"] = relationship(remote_side=[id])
    goals: Mapped[list["PlanGoal"]] = relationship(back_populates="plan", cascade="all, delete-orphan",
                                                   order_by="PlanGoal.position")
    items: Mapped[list["PlanItem"]] = relationship(back_populates="plan", cascade="all, delete-orphan",
                                                   order_by="(PlanItem.position, PlanItem.id)")
    events: Mapped[list["PlanEvent"]] = relationship(back_populates="plan", cascade="all, delete-orphan",
                                                     order_by="(PlanEvent.at, PlanEvent.id)")

    def __repr__(self):
        return f"<DevelopmentPlan {self.id} user={self.user_id} {self.status}>"

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def editable(self):
        """The trainee changes goals and activities only while the plan is a draft."""
        return self.status == DRAFT

    def review_due(self, today):
        return self.status == APPROVED and today >= self.review_on

    def _require(self, *states):
        if self.status not in states:
            raise DomainError("plan_wrong_state")

    # state changes (who may make them is checked in operations.py)
    def agree(self, now):
        self._require(DRAFT)
        if not self.goals and not self.items:
            raise DomainError("plan_empty")
        self.status, self.agreed_at = AGREED, now

    def approve(self, approver, now):
        self._require(AGREED)
        self.status, self.approved_at, self.approved_by_id = APPROVED, now, approver.id

    def send_back(self):
        self._require(AGREED)
        self.status, self.agreed_at = DRAFT, None

    def reopen(self):
        self._require(AGREED, APPROVED)
        self.status, self.agreed_at, self.approved_at, self.approved_by_id = DRAFT, None, None, None

    def close(self, now, note, renewed=False):
        self._require(APPROVED)
        self.status, self.closed_at, self.review_note = (RENEWED if renewed else CLOSED), now, note or ""


class PlanGoal(db.Model):
    """One weak category turned into a goal: from the proficiency at generation to the target, by a date."""

    __tablename__ = "development_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("development_plans.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("competency_categories.id"))
    position: Mapped[int] = mapped_column(default=0)
    baseline: Mapped[float | None] = mapped_column()  # proficiency when generated (None: no evidence then)
    target: Mapped[int] = mapped_column()  # the step to reach (the target level's profile)
    text: Mapped[str] = mapped_column(Text)  # the goal in the trainee's words (generated, then edited)
    due_on: Mapped[date] = mapped_column()

    plan: Mapped[DevelopmentPlan] = relationship(back_populates="goals")
    category: Mapped[Category] = relationship(lazy="joined")
    items: Mapped[list["PlanItem"]] = relationship(back_populates="goal", order_by="(PlanItem.position, PlanItem.id)")

    def __repr__(self):
        return f"<PlanGoal {self.id} plan={self.plan_id} cat={self.category_id}>"


class PlanItem(db.Model):
    """An activity of a plan: a module to study, a practice quiz (or an assigned exam), a scenario to
    play, or an on-the-job action. Done-ness of the first three is read from the trainee's records."""

    __tablename__ = "development_plan_items"
    __table_args__ = (
        CheckConstraint("kind IN ('module', 'quiz', 'scenario', 'action')", name="kind"),
        CheckConstraint("origin IN ('plan', 'trainee', 'leader')", name="origin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("development_plans.id", ondelete="CASCADE"), index=True)
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("development_goals.id", ondelete="SET NULL"),
                                                index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(10))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id"))
    quiz_id: Mapped[int | None] = mapped_column(ForeignKey("quizzes.id"))
    scenario_id: Mapped[str | None] = mapped_column(ForeignKey("scenarios.id"))
    text: Mapped[str] = mapped_column(Text, default="")  # the action (kind action), or a note
    due_on: Mapped[date | None] = mapped_column()
    origin: Mapped[str] = mapped_column(String(10), default="plan")
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("development_assignments.id"), index=True)
    done_at: Mapped[datetime | None] = mapped_column()  # actions: when the trainee ticked it
    created_at: Mapped[datetime] = mapped_column(default=utcnow)  # quizzes and scenarios count from here

    plan: Mapped[DevelopmentPlan] = relationship(back_populates="items")
    goal: Mapped[PlanGoal | None] = relationship(back_populates="items")
    module = relationship("Module")
    quiz = relationship("Quiz")
    scenario = relationship("ScenarioRecord")
    assignment = relationship("Assignment")

    def __repr__(self):
        return f"<PlanItem {self.id} {self.kind} plan={self.plan_id}>"


class PlanEvent(db.Model):
    """The plan's history: generated, edited, agreed, approved, sent back, reopened, assigned, reviewed."""

    __tablename__ = "development_plan_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("development_plans.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the system
    action: Mapped[str] = mapped_column(String(20))  # see messages.EVENT_NAMES
    comment: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[DevelopmentPlan] = relationship(back_populates="events")
    actor = relationship("User")

    def __repr__(self):
        return f"<PlanEvent {self.plan_id} {self.action}>"


class Assignment(db.Model):
    """A module, quiz or scenario a leader (or trainer) assigned from the gap reports to one trainee
    or a whole team; it becomes an item of each member's plan."""

    __tablename__ = "development_assignments"
    __table_args__ = (
        CheckConstraint("kind IN ('module', 'quiz', 'scenario')", name="kind"),
        CheckConstraint("(user_id IS NULL) <> (team_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id"))
    quiz_id: Mapped[int | None] = mapped_column(ForeignKey("quizzes.id"))
    scenario_id: Mapped[str | None] = mapped_column(ForeignKey("scenarios.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("competency_categories.id"))  # the gap it addresses
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_on: Mapped[date | None] = mapped_column()
    note: Mapped[str] = mapped_column(String(255), default="")

    module = relationship("Module")
    quiz = relationship("Quiz")
    scenario = relationship("ScenarioRecord")
    category = relationship("Category")
    user = relationship("User", foreign_keys=[user_id])
    team = relationship("Team")
    assigned_by = relationship("User", foreign_keys=[assigned_by_id])

    def __repr__(self):
        target = f"user={self.user_id}" if self.user_id else f"team={self.team_id}"
        return f"<Assignment {self.id} {self.kind} {target}>"
