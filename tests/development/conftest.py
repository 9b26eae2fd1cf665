"""Plan tests share the gap-report fixtures."""

from tests.competency.conftest import team_with_leader  # noqa: F401 - a fixture re-exported
