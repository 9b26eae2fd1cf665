"""Every model, imported in one place so Alembic's autogenerate sees the whole schema."""

from kamtrain.accounts.models import AuditEntry, OrgUnit, Team, User, UserRole
from kamtrain.competency.models import (
    Aspect,
    Category,
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
    Syllabus,
    SyllabusModule,
)

__all__ = [
    "AuditEntry", "OrgUnit", "Team", "User", "UserRole",
    "Aspect", "Category", "Indicator", "LevelTarget", "ProficiencyStep", "TrackInfo", "TrackLevel",
    "Module", "ModuleCategory", "ModulePrerequisite", "ModuleProgress", "Syllabus", "SyllabusModule",
]
