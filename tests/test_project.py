"""Project-level checks: lint clean, every command documented in the README."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_is_clean():
    # Prefer the ruff installed beside this interpreter (the test extra), then one on PATH.
    beside = Path(sys.executable).parent / "ruff"
    ruff = str(beside) if beside.exists() else shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff not installed (it is in the test extra)")
    result = subprocess.run(
        [ruff, "check", "procure_match", "tests", "bench"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_package_imports_without_torch_cost():
    """Importing the CLI must not import torch (commands that never embed stay fast)."""
    code = "import sys, procure_match.cli.main; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def _command_paths(group, prefix=()):
    for name, command in group.commands.items():
        path = (*prefix, name)
        if hasattr(command, "commands"):  # a group (typer vendors its own click classes)
            yield from _command_paths(command, path)
        else:
            yield path


def test_every_command_has_help_with_an_example_and_is_in_the_readme():
    import typer.main

    from procure_match.cli.main import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    root = typer.main.get_command(app)
    paths = list(_command_paths(root))
    assert len(paths) >= 15
    for path in paths:
        command = root
        for part in path:
            command = command.commands[part]
        assert command.help and "Example" in command.help, f"procure-match {' '.join(path)} needs help with an example"
        assert f"procure-match {' '.join(path)}" in readme or f"`{' '.join(path)}`" in readme, (
            f"procure-match {' '.join(path)} is not in the README"
        )
