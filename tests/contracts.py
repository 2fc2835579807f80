"""An import-linter contract of hireport's own: only `hireport.kit.tenancy` selects tenant rows.

A tenant row is a row of a model that is `TenantScoped`. "Selects" is a `select(...)`, `update(...)` or
`delete(...)` whose first argument is such a model or one of its columns, or a `session.get(Model, ...)`.
Every other module reaches tenant rows through the helpers in `hireport.kit.tenancy` (which take the
`Caller`, or say in their name that they span tenants), so a query cannot forget its tenant.

Configured in pyproject.toml, checked by `lint-imports` in the test command.
"""

import ast
import importlib
import inspect
from pathlib import Path

from importlinter import Contract, ContractCheck, fields, output

STATEMENTS = frozenset({"select", "update", "delete"})


class TenantRowsContract(Contract):
    """`package`: where to look; `models`: the module of the tables; `allowed`: modules that may select."""

    type_name = "tenant rows"

    package = fields.StringField()
    models = fields.StringField()
    allowed = fields.ListField(subfield=fields.StringField())

    def check(self, graph: object, verbose: bool) -> ContractCheck:
        tenant_models = _tenant_models(str(self.models))
        allowed = {str(m) for m in self.allowed}  # type: ignore[attr-defined]
        root = Path(inspect.getfile(importlib.import_module(str(self.package)))).parent
        violations = []
        for path in sorted(root.rglob("*.py")):
            module = ".".join((str(self.package), *path.relative_to(root).with_suffix("").parts)).removesuffix(
                ".__init__")
            if module in allowed or ".migrations." in module:
                continue
            for line, what in _selections(path.read_text(), tenant_models):
                violations.append(f"{module}:{line} selects {what} rows outside the tenancy helpers")
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for violation in check.metadata["violations"]:
            output.print_error(violation)
            output.new_line()


def _tenant_models(models_module: str) -> set[str]:
    models = importlib.import_module(models_module)
    base = importlib.import_module(models_module + ".base").TenantScoped
    return {name for name, value in vars(models).items() if inspect.isclass(value) and issubclass(value, base)
            and value is not base}


def _selections(source: str, tenant_models: set[str]) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else (
            node.func.attr if isinstance(node.func, ast.Attribute) else "")
        if name in STATEMENTS or (name == "get" and isinstance(node.func, ast.Attribute)):
            target = _model_name(node.args[0])
            if target in tenant_models:
                found.append((node.lineno, target))
    return found


def _model_name(node: ast.expr) -> str:
    """`Job` for `Job` and for `Job.id`."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else ""
