"""A plain `pip install` (not editable) must ship every package and the migrations."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_is_listed_for_setuptools() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "incidentbot").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    found |= {"incidentbot.migrations", "incidentbot.migrations.versions"}
    assert found == listed, f"missing from pyproject: {found - listed}; stale: {listed - found}"


def test_migrations_ship_inside_the_package() -> None:
    from incidentbot.store.database import migrations_path

    assert (Path(migrations_path()) / "env.py").is_file()
    assert any(Path(migrations_path(), "versions").glob("0001_*.py"))
