"""A model's status or state changes only through its transition helper (audit.transitions
.transition, which checks the move against the model's table, locks the row and writes the audit
entry). This test reads the code: it fails when app code assigns `.status`/`.state`, sets them
with setattr, or writes them with a queryset's update(), outside the places listed here."""

import ast
from pathlib import Path

from django.conf import settings

STATE_FIELDS = {"status", "state"}

# (file, function) -> why it may write a state directly. Keep it short.
ALLOWED = {
    ("audit/transitions.py", "transition"): "the transition helper itself",
    # A chunk moves hundreds of listings and actions with one UPDATE each (a listing to what its
    # restrictions say, an action from pending to applied), recorded in the chunk's one audit entry
    # (docs/enforcement.md). actions_apply_chunk and bulk_job_create_applied both apply theirs here.
    ("actions/bulk.py", "_chunk_apply"): "the bulk chunk's set-based write",
    # A report decision chunk claims and decides hundreds of cases with one UPDATE, each move checked
    # against the case table first and audited as transition() would (docs/enforcement.md).
    ("decisions/report_jobs.py", "_decide_set"): "a report decision chunk's set-based write",
    # An ingest batch releases the automatic cases whose rule no longer matches with one UPDATE, each
    # move checked against the case table first and audited (tests/listings/test_release_set_based.py).
    ("decisions/automated.py", "cases_release_automated"): "an ingest batch's set-based release",
    # A statement record's submission status (an outbox row, not a domain state): claimed and
    # answered a batch of up to 100 at a time with one UPDATE (docs/transparency.md#submission).
    ("transparency/services.py", "_claim"): "a submission batch claimed with one UPDATE",
    ("transparency/services.py", "_set"): "a submission batch's answer written with one UPDATE",
}


def _app_files() -> list[Path]:
    base = Path(settings.BASE_DIR)
    apps = [p.parent for p in base.glob("*/apps.py")]
    return sorted(f for app in apps for f in app.rglob("*.py")
                  if "migrations" not in f.parts and ".venv" not in f.parts)


def _writes(tree: ast.AST):
    """(function name, line, what) for each direct write of a state field."""
    for func in [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]:
        for node in ast.walk(func):
            targets = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                targets = [node.target]
            for t in targets:
                for el in (t.elts if isinstance(t, ast.Tuple) else [t]):
                    if isinstance(el, ast.Attribute) and el.attr in STATE_FIELDS:
                        yield func.name, node.lineno, f"assigns .{el.attr}"
            if isinstance(node, ast.Call):
                f = node.func
                if isinstance(f, ast.Attribute) and f.attr == "update" and any(
                        k.arg in STATE_FIELDS for k in node.keywords):
                    yield func.name, node.lineno, "update()s a state field"
                if isinstance(f, ast.Name) and f.id == "setattr" and len(node.args) > 1 and isinstance(
                        node.args[1], ast.Constant) and node.args[1].value in STATE_FIELDS:
                    yield func.name, node.lineno, "setattr()s a state field"


def test_states_change_only_through_their_transition_helper():
    base = Path(settings.BASE_DIR)
    found = []
    for path in _app_files():
        rel = path.relative_to(base).as_posix()
        for func, line, what in _writes(ast.parse(path.read_text())):
            if (rel, func) not in ALLOWED:
                found.append(f"{rel}:{line} {func}() {what}")
    assert found == [], "Change a state through transition() (audit/transitions.py):\n" + "\n".join(found)


def test_the_scan_finds_a_direct_write():
    # The scan itself must be able to fail.
    code = ("def f(case):\n    case.state = 'open'\n    Case.objects.update(status='x')\n"
            "    setattr(case, 'status', 1)\n")
    assert [w[2] for w in _writes(ast.parse(code))] == [
        "assigns .state", "update()s a state field", "setattr()s a state field"]
