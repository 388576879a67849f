"""The services are the only writers, read from the source.

test_write_rule.py watches the writes a journey makes; this reads every
module of authorizations/ (its AST), so a write on a path no journey takes is
found too. A model write (`.save(`, `.create(`, `.update(`, `.delete(`,
`bulk_create`, `bulk_update`, `get_or_create`, `update_or_create`) stands
only in a services module or in a function decorated `@service`; migrations
are not read. And every public function of a services module that takes
the actor (`by=`) is a service.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "authorizations"

# The modules that hold the services (each with @service functions): every
# slice's services.py and these.
SERVICE_MODULES = {"core/audit.py", "accounts/directory.py", "review/conversation.py",
                   "treatment/authorizations.py"}
WRITES = {"save", "create", "update", "delete", "bulk_create", "bulk_update", "get_or_create",
          "update_or_create"}

# Calls the walker cannot tell from a model write, each with why it is none:
# (module, enclosing function, method) -> reason.
NOT_MODEL_WRITES = {
    ("fhir/response.py", "_quantity", "update"):
        "a dict: the FHIR quantity's unit, system and code",
    ("policy/flags.py", "FlagReason.as_dict", "update"):
        "a dict: a review flag's reason as JSON",
    ("review/document_pages.py", "page_image", "save"):
        "Pillow's Image.save into a BytesIO: a PDF page drawn as PNG",
    ("letters/pdf_tags.py", "finish", "save"):
        "pikepdf's Pdf.save writes the finished PDF's bytes to a buffer",
    ("review/admin/records.py", "AdminPasswordForm.save", "save"):
        "the form's save(commit=False) sets the password on the user in memory; "
        "UserAdmin saves it through user_save",
    ("letters/tagline_fonts.py", "cut", "save"):
        "fontTools' TTFont.save writes the cut font's bytes to a buffer",
    ("core/sessions.py", "SessionStore.save", "save"):
        "the session store's own save (Django's sessions, not the service's models): "
        "the idle logoff's renewal",
}

# Public functions of services modules that take `by=` and are not services:
# steps of a service, called inside its transaction. Left undecorated on
# purpose: called from outside a service, their write still fails
# test_write_rule.py's watch.
SERVICE_STEPS = {
    ("core/audit.py", "save_audited"): "saves and audits inside the caller's service",
    ("core/audit.py", "delete_audited"): "audits and deletes inside the caller's service",
    ("accounts/services.py", "join_group"): "a step of user_create_reviewer and of "
                                            "operations' account service",
    ("requests/services.py", "record_decision"): "the decision pipeline of request_decide "
                                                 "and appeal_decide, inside their transaction",
    ("appeals/services.py", "record_appeal_decision"): "the appeal's decision in "
                                                       "appeal_decide and exception_sign, "
                                                       "inside their transaction",
}


def is_services_module(rel: str) -> bool:
    return rel.endswith("services.py") or rel in SERVICE_MODULES


def is_service(node: ast.AST) -> bool:
    return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
        (isinstance(d, ast.Name) and d.id == "service")
        or (isinstance(d, ast.Attribute) and d.attr == "service")
        for d in node.decorator_list)


def is_write(call: ast.Call) -> bool:
    if not (isinstance(call.func, ast.Attribute) and call.func.attr in WRITES):
        return False
    # QuerySet.update takes keywords only: an update with a positional
    # argument is a dict's (context.update({...}), merged.update(new)).
    return not (call.func.attr == "update" and call.args)


def writes_outside_services(source: str, rel: str) -> list[tuple[str, str, str, int]]:
    """(module, enclosing function, method, line) of each model write in
    `source` that no service makes; none in a services module."""
    if is_services_module(rel):
        return []
    found = []

    def visit(node: ast.AST, scope: list[ast.AST]) -> None:
        for child in ast.iter_child_nodes(node):
            inner = scope
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                inner = [*scope, child]
            if isinstance(child, ast.Call) and is_write(child) \
                    and not any(is_service(s) for s in inner):
                found.append((rel, ".".join(s.name for s in inner) or "<module>",
                              child.func.attr, child.lineno))
            visit(child, inner)

    visit(ast.parse(source, rel), [])
    return found


def actors_not_services(source: str, rel: str) -> list[tuple[str, str]]:
    """The public module-level functions of a services module that take
    `by` and are not decorated @service."""
    if not is_services_module(rel):
        return []
    return [(rel, node.name) for node in ast.parse(source, rel).body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and not node.name.startswith("_") and not is_service(node)
            and "by" in {a.arg for a in [*node.args.args, *node.args.kwonlyargs]}]


def modules() -> list[tuple[str, str]]:
    return [(str(p.relative_to(APP)), p.read_text()) for p in sorted(APP.rglob("*.py"))
            if "migrations" not in p.relative_to(APP).parts]


def test_only_the_services_write_models():
    found = [hit for rel, source in modules() for hit in writes_outside_services(source, rel)]
    unexplained = [f"{rel}:{line} {where}: .{method}(" for rel, where, method, line in found
                   if (rel, where, method) not in NOT_MODEL_WRITES]
    assert unexplained == [], "a write outside the services:\n" + "\n".join(unexplained)
    # An entry whose call is gone goes too: the list says only what is true.
    assert set(NOT_MODEL_WRITES) <= {hit[:3] for hit in found}


def test_every_public_function_of_a_services_module_taking_the_actor_is_a_service():
    found = [hit for rel, source in modules() for hit in actors_not_services(source, rel)]
    assert [hit for hit in found if hit not in SERVICE_STEPS] == []
    assert set(SERVICE_STEPS) <= set(found)


def test_the_walker_catches_an_injected_write():
    sample = '''
from authorizations.core.audit import service

def record(req):
    req.save()

class Page:
    def post(self, request):
        Document.objects.filter(pk=1).update(kind="other")
        Document.objects.bulk_create([])
        context.update({"req": 1})

@service
def through_a_service(req, *, by):
    req.save()
    def inner():
        req.delete()
'''
    assert [hit[1:] for hit in writes_outside_services(sample, "requests/views.py")] == [
        ("record", "save", 5), ("Page.post", "update", 9), ("Page.post", "bulk_create", 10)]
    # The same source in a services module writes as a service.
    assert writes_outside_services(sample, "requests/services.py") == []


def test_the_walker_catches_a_writer_that_is_no_service():
    sample = '''
@service
def request_create(*, by, htc): ...

def request_archive(*, by, req): ...

def _step(req, *, by): ...

def evaluate(req): ...
'''
    assert actors_not_services(sample, "requests/services.py") == [
        ("requests/services.py", "request_archive")]
