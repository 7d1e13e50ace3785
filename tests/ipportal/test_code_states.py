"""App code compares a stored state to its TextChoices member (`a.status == AppealStatus.OPEN`) or
asks the model's property (`a.is_open`), never to a string (`a.status == "open"`). This test reads
the code of every app (migrations and tests aside): it fails on a comparison of an attribute named
state, status, kind, mode, outcome or reason_code with a string or a tuple/list/set of strings."""

import ast
from pathlib import Path

from django.conf import settings

FIELDS = {"state", "status", "kind", "mode", "outcome", "reason_code", "level", "party", "source"}


def _is_strings(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    return (isinstance(node, (ast.Tuple, ast.List, ast.Set)) and bool(node.elts)
            and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts))


def raw_compares(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, source) for each stored state compared to a string in `tree`."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            for a, b in zip(sides, sides[1:], strict=False):
                if any(isinstance(x, ast.Attribute) and x.attr in FIELDS and _is_strings(y)
                       for x, y in ((a, b), (b, a))):
                    found.append((node.lineno, ast.unparse(node)))
                    break
    return found


def _app_files() -> list[Path]:
    base = Path(settings.BASE_DIR)
    apps = [p.parent for p in base.glob("*/apps.py")]
    return sorted(f for app in apps for f in app.rglob("*.py")
                  if "migrations" not in f.parts and ".venv" not in f.parts)


def test_app_code_compares_states_to_their_choices_not_to_strings():
    base = Path(settings.BASE_DIR)
    found = [f"{path.relative_to(base).as_posix()}:{line}: {what}"
             for path in _app_files() for line, what in raw_compares(ast.parse(path.read_text()))]
    assert not found, "Compare to the TextChoices member or ask the model's property:\n" + "\n".join(found)


def test_the_scan_catches_a_planted_raw_compare():
    planted = ast.parse('if a.status == "open" or "x" != b.state:\n'
                        '    ok = c.outcome in ("remove", "suppress") and d.kind not in ["design"]\n')
    assert raw_compares(planted) == [(1, "a.status == 'open'"), (1, "'x' != b.state"),
                                     (2, "c.outcome in ('remove', 'suppress')"), (2, "d.kind not in ['design']")]


def test_the_scan_passes_choices_members_properties_and_filter_values():
    fine = ast.parse('ok = a.status == AppealStatus.OPEN or b.is_open or state == "all" '
                     'or c.outcome in RESTRICTING_OUTCOMES or d.status_label == "x"\n')
    assert raw_compares(fine) == []
