#!/usr/bin/env python3
"""Fail when a view or API module reaches a personal-data model's manager directly.

Views and API handlers must reach personal data only through the access policy's scoped accessors
(`people_for(membership)`, `get_person_for(membership, pk)`, …), which answer 404 outside the user's scope.
This check reads every `views.py`, `views/*.py`, `api.py` and `api/*.py` under linkwell/ and reports any
`<Model>.objects` or `<Model>._default_manager` use for the models listed below. After NHS England's
dtos-manage-breast-screening `scripts/lint_model_usage_in_views.py`.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "linkwell"

# Models that hold or reveal personal data. Add each new one here in the same commit as the model.
PERSONAL_DATA_MODELS = {
    "Person",
    "Consent",
    "AuditEvent",
    "Referral",
    "ReferralEvent",
    "Contact",
    "Assessment",
    "Goal",
    "GoalProgress",
    "Connection",
    "Attendance",
    "Accompaniment",
    "ConnectionEvent",
    "ConnectionNotice",
    "AttendanceCard",
    "UnmetNeed",
    "Response",
    "MeasureResponse",
    "Assignment",
    "HoursLog",
    "OutreachCall",
    "AppointmentCount",
    "QuestionnaireLink",
}
MANAGER_ATTRIBUTES = {"objects", "_default_manager", "_base_manager"}


def is_view_module(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    if "tests" in parts or "migrations" in parts:
        return False
    return path.name in {"views.py", "api.py"} or any(part in {"views", "api"} for part in parts[:-1])


def violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in MANAGER_ATTRIBUTES
            and isinstance(node.value, ast.Name)
            and node.value.id in PERSONAL_DATA_MODELS
        ):
            found.append(
                f"{path.relative_to(ROOT.parent)}:{node.lineno}: {node.value.id}.{node.attr} used directly; "
                "use the access policy's scoped accessor instead"
            )
    return found


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] if argv else sorted(ROOT.rglob("*.py"))
    problems = [v for p in paths if is_view_module(p.resolve()) for v in violations(p.resolve())]
    for problem in problems:
        print(problem)
    checked = sum(1 for p in paths if is_view_module(p.resolve()))
    if problems:
        print(f"{len(problems)} direct personal-data quer{'y' if len(problems) == 1 else 'ies'} in views")
        return 1
    print(f"Scoped-access check passed ({checked} view/API modules)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
