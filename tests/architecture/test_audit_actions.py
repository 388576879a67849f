"""Every audit action is an AuditAction member (authorizations/core/actions.py):
no module of the app spells one as a string where it writes, reads or
compares an action, so the writers, the timeline, the filters and the
separation of duties cannot drift apart.

Plain words such as "submit" or "approve" are also form values, URL names
and template keys; what makes a string an audit action is where it stands:
- the value of an `action=` / `action__in=` argument (audit(), a queryset);
- compared with an `.action` (or a variable named `action`);
- assigned to a name that says action;
- a member of a literal (dict, list, tuple, set) made only of action values,
  as a table of actions is (the timeline's, the authorization's states').
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from authorizations.core.actions import AuditAction

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "authorizations"
ACTIONS_MODULE = APP / "core" / "actions.py"
VALUES = frozenset(AuditAction.values)
# argparse's `add_argument(action="store_true")` is not an audit action.
NOT_AUDIT_CALLS = {"add_argument"}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _literals(node: ast.AST) -> list[ast.Constant]:
    """The action values written as strings anywhere inside `node`."""
    return [n for n in ast.walk(node)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value in VALUES]


def _says_action(node: ast.AST) -> bool:
    return "action" in _name(node).lower()


def action_literals(source: str, filename: str = "<source>") -> list[str]:
    """Each audit action spelled as a string in `source`, as "file:line value"."""
    found: list[ast.Constant] = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call) and _name(node.func) not in NOT_AUDIT_CALLS:
            for keyword in node.keywords:
                if keyword.arg in ("action", "action__in"):
                    found += _literals(keyword.value)
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_says_action(side) for side in sides):
                found += [c for side in sides for c in _literals(side)]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is not None and any(_says_action(t) for t in targets):
                found += _literals(node.value)
        elif isinstance(node, (ast.Dict, ast.List, ast.Tuple, ast.Set)):
            groups = ([node.keys, node.values] if isinstance(node, ast.Dict)
                      else [node.elts])
            for items in groups:
                strings = [i for i in items
                           if isinstance(i, ast.Constant) and isinstance(i.value, str)]
                if len(strings) >= 2 and all(s.value in VALUES for s in strings):
                    found += strings
    unique = {(c.lineno, c.col_offset): c for c in found}
    return [f"{filename}:{line} {unique[line, col].value}" for line, col in sorted(unique)]


def app_modules() -> list[Path]:
    return sorted(p for p in APP.rglob("*.py")
                  if "migrations" not in p.parts and p != ACTIONS_MODULE)


def test_no_module_spells_an_audit_action():
    found = [hit for path in app_modules()
             for hit in action_literals(path.read_text(), str(path.relative_to(ROOT)))]
    assert found == [], "use AuditAction members:\n" + "\n".join(found)


# A template comparing an action with a string: {% if event.action == "appeal" %}.
TEMPLATE_COMPARISON = re.compile(r"\.action\s*(?:==|!=|in)\s*['\"]")


def test_no_template_compares_an_action_with_a_string():
    found = [f"{path.relative_to(ROOT)}:{n}" for path in sorted((ROOT / "templates").rglob("*"))
             if path.is_file()
             for n, line in enumerate(path.read_text().splitlines(), 1)
             if TEMPLATE_COMPARISON.search(line)]
    assert found == []


def test_the_walker_catches_each_way_of_spelling_an_action():
    sample = '''
audit(by=by, action="save_draft", obj=req)
audit(by=by, action="approve" if approve else AuditAction.DENY, obj=req)
AuditEvent.objects.filter(action__in=["submit", "respond"])
if event.action == "appeal":
    pass
action = "create" if adding else "update"
WORDS = {"create": "Created", "submit": "Submitted"}
STATES = {"a": "administer", "b": "expire"}
'''
    assert [hit.split(" ", 1)[1] for hit in action_literals(sample)] == [
        "save_draft", "approve", "submit", "respond", "appeal", "create", "update",
        "create", "submit", "administer", "expire"]


def test_the_walker_leaves_other_uses_of_the_same_words_alone():
    sample = '''
parser.add_argument("--trace", action="store_true")
submitting = "submit" in request.POST
decision = forms.ChoiceField(choices=[("approve", "Approve"), ("deny", "Deny")])
context = {"appeal": appeal_row, "req": req}
url = reverse("request_peer_to_peer", args=[pk])
audit(by=by, action=AuditAction.VIEW, obj=req, via="appeal")
'''
    assert action_literals(sample) == []


def test_every_value_is_the_one_the_log_already_holds():
    # The log is append-only: its rows keep the values they were written
    # with, so a member's value never changes (only new members are added).
    assert len(AuditAction.values) == len(set(AuditAction.values)) >= 44
    assert all(len(v) <= 40 and re.fullmatch(r"[a-z][a-z0-9_]*", v) for v in AuditAction.values)
