"""action.yml: a composite GitHub Action that installs sopctl and runs `sopctl check`.

No network: the metadata is checked as data, and the two bash steps are run with stub `python`
and `sopctl` commands that record their arguments.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

import sopctl

ACTION = Path(sopctl.__file__).resolve().parent.parent / "action.yml"


def _action() -> dict[str, Any]:
    data = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _step(name: str) -> dict[str, Any]:
    (step,) = [s for s in _action()["runs"]["steps"] if s.get("name") == name]
    return step


def test_is_a_composite_action_with_its_inputs() -> None:
    action = _action()
    assert action["name"] == "sopctl check"
    assert action["description"]
    inputs = action["inputs"]
    assert {"base", "path", "version", "format"} <= set(inputs)
    assert inputs["base"]["default"] == "origin/${{ github.base_ref }}"
    assert inputs["path"]["default"] == "."
    assert inputs["version"]["default"] == ""
    assert all(spec.get("description") for spec in inputs.values())
    assert all(spec.get("required") is False for spec in inputs.values())
    runs = action["runs"]
    assert runs["using"] == "composite"
    names = [s["name"] for s in runs["steps"]]
    assert names == ["Set up Python", "Install sopctl", "sopctl check"]
    setup = _step("Set up Python")
    assert setup["uses"] == "actions/setup-python@v5"
    assert setup["if"] == "${{ inputs.python-version != '' }}"


def test_run_steps_are_bash_and_take_inputs_through_the_environment() -> None:
    for step in _action()["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"  # composite run steps must name their shell
            assert "${{" not in step["run"]  # no expression injection into scripts
    assert _step("Install sopctl")["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    env = _step("sopctl check")["env"]
    assert env == {
        "SOPCTL_BASE": "${{ inputs.base }}",
        "SOPCTL_PATH": "${{ inputs.path }}",
        "SOPCTL_FORMAT": "${{ inputs.format }}",
    }


def _stubs(tmp_path: Path) -> tuple[dict[str, str], Path]:
    log = tmp_path / "calls.log"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("python", "sopctl"):
        stub = bin_dir / name
        stub.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\n', encoding="utf-8")
        stub.chmod(0o755)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path)}
    return env, log


def _bash(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    return subprocess.run(
        [bash, "-e", "-c", script], env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    ("version", "installed"),
    [("", "/actions/sopctl"), ("sopctl==0.2.0", "sopctl==0.2.0")],
)
def test_install_step_uses_the_action_checkout_or_the_version(
    tmp_path: Path, version: str, installed: str
) -> None:
    env, log = _stubs(tmp_path)
    env.update(ACTION_PATH="/actions/sopctl", SOPCTL_VERSION=version)
    done = _bash(_step("Install sopctl")["run"], env)
    assert done.returncode == 0, done.stderr
    calls = log.read_text(encoding="utf-8").splitlines()
    assert calls[0].startswith("python -m pip install")
    assert calls[0].endswith(f" {installed}")
    assert calls[1] == "sopctl --version"


def test_check_step_calls_sopctl_check(tmp_path: Path) -> None:
    env, log = _stubs(tmp_path)
    env.update(SOPCTL_BASE="origin/main", SOPCTL_PATH="planning dir", SOPCTL_FORMAT="github")
    done = _bash(_step("sopctl check")["run"], env)
    assert done.returncode == 0, done.stderr
    assert log.read_text(encoding="utf-8").splitlines() == [
        "sopctl --root planning dir check --base origin/main --format github"
    ]


def test_check_step_refuses_an_empty_base(tmp_path: Path) -> None:
    env, log = _stubs(tmp_path)
    env.update(SOPCTL_BASE="origin/", SOPCTL_PATH=".", SOPCTL_FORMAT="")
    done = _bash(_step("sopctl check")["run"], env)
    assert done.returncode == 2
    assert "::error title=sopctl check::no base revision" in done.stdout
    assert not log.exists()
