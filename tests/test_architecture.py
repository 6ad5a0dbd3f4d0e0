"""Imports run one way (ARCHITECTURE.md). Read from the source, every import counts: at the
top, inside functions and under ``TYPE_CHECKING``.

A unit is a top-level module or package of ``addin_server`` (``storage``, ``merchants``,
``app``, ...). Layers, bottom up: the ground floor, the clients, the concerns (every unit not
named below: a new package is a concern), the app level, and ``dev`` (demo and test tools).
"""

from __future__ import annotations

import ast
import base64
import json
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import addin_server

PACKAGE = "addin_server"
SOURCE = Path(addin_server.__file__).resolve().parent
ROOT = "<root>"  # addin_server/__init__.py: create_app, app level
DEV = "dev"
GROUND_FLOOR = frozenset(
    {
        "api",
        "cache",
        "caller",
        "config",
        "context",
        "currencies",
        "devcert",
        "input_limits",
        "logs",
        "problems",
        "storage",
    }
)
CLIENTS = frozenset({"cybersource"})
APP_LEVEL = frozenset({ROOT, "account", "app", "cli", "schema"})
LAYER_NAMES = ("ground floor", "clients", "concerns", "app level", "dev")


def layer_of(unit: str) -> int:
    if unit in GROUND_FLOOR:
        return 0
    if unit in CLIENTS:
        return 1
    if unit in APP_LEVEL:
        return 3
    if unit == DEV:
        return 4
    return 2


@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name
    target: str  # dotted module name (a module or package of addin_server)
    line: int
    in_function: bool

    @property
    def source_unit(self) -> str:
        return unit_of(self.importer)

    @property
    def target_unit(self) -> str:
        return unit_of(self.target)

    def __str__(self) -> str:
        return f"{self.importer}:{self.line} imports {self.target}"


def unit_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ROOT


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(dotted: str) -> bool:
    path = SOURCE.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def is_package(dotted: str) -> bool:
    return (SOURCE.parent.joinpath(*dotted.split(".")) / "__init__.py").is_file()


def _targets(node: ast.Import | ast.ImportFrom, importer: str, is_init: bool) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:  # relative: resolve against the importing package
        package = importer.split(".")
        package = package if is_init else package[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join([*package, base] if base else package)
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        yield submodule if is_module(submodule) else base


class _Collector(ast.NodeVisitor):
    def __init__(self, importer: str, is_init: bool) -> None:
        self.importer, self.is_init = importer, is_init
        self.depth = 0
        self.found: list[Import] = []

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        for target in _targets(node, self.importer, self.is_init):
            if target == PACKAGE or target.startswith(f"{PACKAGE}."):
                self.found.append(Import(self.importer, target, node.lineno, self.depth > 0))

    visit_Import = visit_ImportFrom = _import


@cache
def all_imports() -> tuple[Import, ...]:
    found: list[Import] = []
    for path in sorted(SOURCE.rglob("*.py")):
        collector = _Collector(module_name(path), path.name == "__init__.py")
        collector.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        found.extend(collector.found)
    return tuple(found)


def unit_graph() -> dict[str, dict[str, Import]]:
    """unit -> {imported unit: one import that makes the edge}."""
    graph: dict[str, dict[str, Import]] = {}
    for imp in all_imports():
        graph.setdefault(imp.source_unit, {})
        if imp.source_unit != imp.target_unit:
            graph[imp.source_unit].setdefault(imp.target_unit, imp)
    return graph


def find_loop(graph: dict[str, dict[str, Import]]) -> list[Import] | None:
    """One import loop between units, as the imports that close it; None if there is none."""
    done: set[str] = set()

    def visit(unit: str, path: list[Import], on_path: list[str]) -> list[Import] | None:
        for target, imp in sorted(graph.get(unit, {}).items()):
            if target in on_path:
                return [*path[on_path.index(target) :], imp]
            if target not in done:
                loop = visit(target, [*path, imp], [*on_path, target])
                if loop:
                    return loop
        done.add(unit)
        return None

    for start in sorted(graph):
        if start not in done:
            loop = visit(start, [], [start])
            if loop:
                return loop
    return None


def test_the_checker_reads_every_kind_of_import() -> None:
    """The rules below are only as good as the import reader: check it on this package."""
    imports = all_imports()
    cli_lazy = [i for i in imports if i.importer == f"{PACKAGE}.cli" and i.in_function]
    assert any(i.target_unit == DEV for i in cli_lazy)
    app = {i.target for i in imports if i.importer == f"{PACKAGE}.app"}
    assert {f"{PACKAGE}.merchants", f"{PACKAGE}.storage", f"{PACKAGE}.config"} <= app
    graph = {"a": {"b": imports[0]}, "b": {"c": imports[1]}, "c": {"a": imports[2]}}
    assert find_loop(graph) == [imports[0], imports[1], imports[2]]
    assert find_loop({"a": {"b": imports[0]}, "b": {}}) is None


def test_no_import_loops_between_units() -> None:
    loop = find_loop(unit_graph())
    assert loop is None, "import loop: " + " -> ".join(str(i) for i in loop or [])


def test_imports_point_down_the_layers() -> None:
    upward = [
        f"{imp} ({LAYER_NAMES[layer_of(imp.source_unit)]} -> "
        f"{LAYER_NAMES[layer_of(imp.target_unit)]})"
        for imp in all_imports()
        if layer_of(imp.target_unit) > layer_of(imp.source_unit) and not is_lazy_demo_start(imp)
    ]
    assert upward == [], "imports against the layers (see ARCHITECTURE.md):\n" + "\n".join(upward)


def test_packages_are_entered_through_their_init() -> None:
    """Outside a package, only its ``__init__`` (its public face) is imported; ``dev`` (demo
    and test tools) may reach inside."""
    inside = [
        str(imp)
        for imp in all_imports()
        if imp.source_unit not in {imp.target_unit, DEV}
        and imp.target != f"{PACKAGE}.{imp.target_unit}"
        and is_package(f"{PACKAGE}.{imp.target_unit}")
        and not is_lazy_demo_start(imp)
    ]
    assert inside == [], "import the package, not its modules:\n" + "\n".join(inside)


def is_lazy_demo_start(imp: Import) -> bool:
    """The one way into ``dev`` from production code: the CLI starting demo mode, inside the
    command that starts it."""
    return imp.importer == f"{PACKAGE}.cli" and imp.target_unit == DEV and imp.in_function


def test_production_code_never_imports_dev() -> None:
    into_dev = [
        str(imp)
        for imp in all_imports()
        if imp.source_unit != DEV and imp.target_unit == DEV and not is_lazy_demo_start(imp)
    ]
    assert into_dev == [], "\n".join(into_dev)


_PRODUCTION_START = """
import importlib, json, sys
from addin_server import create_app
for name in sys.argv[1:]:
    importlib.import_module(name)
create_app()
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[:2] == ["addin_server", "dev"])))
"""


def production_modules() -> list[str]:
    """Every module but dev's and Alembic's scripts (which run only inside Alembic)."""
    names = (module_name(path) for path in sorted(SOURCE.rglob("*.py")))
    return [
        name
        for name in names
        if unit_of(name) != DEV and not name.startswith(f"{PACKAGE}.storage.migrations")
    ]


def test_production_app_loads_nothing_from_dev(tmp_path: Path) -> None:
    """At run time: every production module imported and a production app built, in a fresh
    interpreter, and no ``addin_server.dev`` module was loaded."""
    env = {
        "ADDIN_MODE": "production",
        "ADDIN_PUBLIC_URL": "https://addin.example.com",
        "ADDIN_BIND": "0.0.0.0:8000",
        "ADDIN_SECRET_KEY": secrets.token_urlsafe(48),
        "ADDIN_ENCRYPTION_KEYS": "k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "ADDIN_CLIENT_ID": "11111111-2222-3333-4444-555555555555",
        "ADDIN_CLIENT_SECRET": secrets.token_urlsafe(32),
        "ADDIN_ALLOWED_TENANTS": "organizations",
        "ADDIN_INSTANCE_DIR": str(tmp_path),
        "ADDIN_DATABASE_URL": f"sqlite:///{tmp_path / 'addin.sqlite3'}",
    }
    done = subprocess.run(
        [sys.executable, "-c", _PRODUCTION_START, *production_modules()],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_routes_never_commit() -> None:
    """The commit rule (``addin_server.context``): services commit, routes never do."""
    commits = [
        f"{module_name(path)}:{node.lineno}"
        for path in sorted(SOURCE.rglob("routes.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
    ]
    assert commits == [], f"routes commit at {commits}: move each commit into its service"


MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
_MIGRATIONS = SOURCE / "storage" / "migrations" / "versions"  # schema as data, read whole


def test_modules_and_functions_stay_small() -> None:
    too_long = []
    for path in sorted(SOURCE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            too_long.append(f"{module_name(path)}: {len(text.splitlines())} lines")
        if path.is_relative_to(_MIGRATIONS):
            continue
        too_long.extend(
            f"{module_name(path)}.{node.name}: {node.end_lineno - node.lineno + 1} lines"
            for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.end_lineno is not None
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
        )
    assert too_long == [], "split these (ARCHITECTURE.md):\n" + "\n".join(too_long)
