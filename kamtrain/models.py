"""Every model, imported in one place so Alembic's autogenerate sees the whole schema."""

from kamtrain.accounts.models import AuditEntry, OrgUnit, Team, User, UserRole
from kamtrain.assessment.attempts import Attempt, AttemptSlot
from kamtrain.assessment.models import (
    PendingImport,
    Question,
    QuestionCategory,
    QuestionFile,
    QuestionTag,
    QuestionVersion,
)
from kamtrain.assessment.quizzes import Quiz, QuizAssignment
from kamtrain.certification.models import (
    AwardRequest,
    BackgroundJob,
    Certificate,
    CertificateReminder,
    Notice,
    SerialCounter,
)
from kamtrain.competency.assessments import Assessment, AssessmentRating, Observation
from kamtrain.competency.models import (
    Aspect,
    Category,
    Evidence,
    Indicator,
    LevelTarget,
    ProficiencyStep,
    TrackInfo,
    TrackLevel,
)
from kamtrain.content.models import (
    Module,
    ModuleCategory,
    ModulePrerequisite,
    ModuleProgress,
    ModuleVersion,
    Syllabus,
    SyllabusModule,
)
from kamtrain.development.models import Assignment, DevelopmentPlan, PlanEvent, PlanGoal, PlanItem
from kamtrain.records.models import ApiToken
from kamtrain.scenarios.models import ReplyMark, ScenarioRecord, ScenarioRun, ScenarioStep, ScenarioVersion

__all__ = [
    "AuditEntry", "OrgUnit", "Team", "User", "UserRole",
    "Aspect", "Category", "Evidence", "Indicator", "LevelTarget", "ProficiencyStep", "TrackInfo", "TrackLevel",
    "PendingImport", "Question", "QuestionCategory", "QuestionFile", "QuestionTag", "QuestionVersion",
    "Attempt", "AttemptSlot", "Quiz", "QuizAssignment",
    "Module", "ModuleCategory", "ModulePrerequisite", "ModuleProgress", "ModuleVersion", "Syllabus",
    "SyllabusModule",
    "ReplyMark", "ScenarioRecord", "ScenarioRun", "ScenarioStep", "ScenarioVersion",
    "Assessment", "AssessmentRating", "Observation",
    "Assignment", "DevelopmentPlan", "PlanEvent", "PlanGoal", "PlanItem",
    "AwardRequest", "BackgroundJob", "Certificate", "CertificateReminder", "Notice", "SerialCounter", "ApiToken",
]
