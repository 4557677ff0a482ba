"""The shape of the code: imports point down through the layers, and no module or function outgrows a reader.

Layers, lowest first (README, "How it works"): domain ← messages, store, config ← service ← slack, web,
scheduler ← bootstrap ← cli. A module may import from its own layer or any layer below it, never above.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "incidentbot"

LAYERS = {
    "domain": 0, "durations": 0,
    "messages": 1, "store": 1, "config": 1,
    "service": 2,
    "slack": 3, "web": 3, "scheduler": 3, "emulator": 3,
    "bootstrap": 4,
    "playground": 5, "cli": 5,
    "__main__": 6,
}  # fmt: skip
IO_LIBRARIES = {"sqlalchemy", "slack_sdk", "slack_bolt", "apscheduler", "starlette", "jinja2", "uvicorn", "httpx"}
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 40


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "incidentbot":
        return None
    return LAYERS.get(parts[1])


def imported_modules(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name


def upward_imports(module: str, source: str) -> list[str]:
    """Each import in `source` (the text of `module`) that reaches a layer above the module's own."""
    own = layer_of(module)
    if own is None:
        return []
    found = []
    for line, target in imported_modules(ast.parse(source)):
        other = layer_of(target)
        if other is not None and other > own:
            found.append(f"{module}:{line} imports {target}")
    return found


def python_modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        yield ".".join(relative.parts), path


def test_every_top_level_package_has_a_layer() -> None:
    tops = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()
            if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").is_file()}
    assert tops - set(LAYERS) == set(), "give each new top-level package a layer in this test and the README"


def test_imports_point_down() -> None:
    found = [f for module, path in python_modules() for f in upward_imports(module, path.read_text())]
    assert found == []


def test_an_upward_import_would_be_caught() -> None:
    assert upward_imports("incidentbot.service.declare", "from incidentbot.slack.app import build_app\n") == [
        "incidentbot.service.declare:1 imports incidentbot.slack.app"
    ]
    assert upward_imports("incidentbot.domain.model", "import incidentbot.messages.text\n") != []
    assert upward_imports("incidentbot.slack.app", "from incidentbot.service import commands\n") == []


def test_the_domain_does_no_io() -> None:
    found = [
        f"{module}:{line} imports {target}"
        for module, path in python_modules() if module.startswith("incidentbot.domain")
        for line, target in imported_modules(ast.parse(path.read_text()))
        if target.split(".")[0] in IO_LIBRARIES
    ]
    assert found == []


@pytest.mark.parametrize("module,path", [pytest.param(m, p, id=m) for m, p in python_modules()])
def test_modules_and_functions_stay_small(module: str, path: Path) -> None:
    source = path.read_text()
    assert len(source.splitlines()) <= MAX_MODULE_LINES, f"{module}: split it by concept"
    long = [
        f"{node.name} ({(node.end_lineno or node.lineno) - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (node.end_lineno or node.lineno) - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == [], f"{module}: functions over {MAX_FUNCTION_LINES} lines"
