"""The pre-commit hook `sopctl-validate`, run through the real `pre-commit try-repo`.

pre-commit installs sopctl from a git repository into its own environment (pip, from PyPI), so
this test needs the network; it is skipped when pre-commit is missing or the install fails.
The hook repository is a fresh git repository holding this checkout's package (committed and
uncommitted files alike), so the test exercises the hook file as it is now.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import sopctl
from tests.helpers import IDENTITY, make_repo

SOURCE = Path(sopctl.__file__).resolve().parent.parent
HOOK_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml")


def test_hook_file_declares_sopctl_validate() -> None:
    hooks = yaml.safe_load((SOURCE / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "sopctl-validate"]
    assert hook["entry"] == "sopctl validate"
    assert hook["language"] == "python"
    assert hook["files"] == "^(charters/|cycles/)"
    assert hook["pass_filenames"] is False


def _env(home: Path) -> dict[str, str]:
    env = {**os.environ, **IDENTITY}
    env.update(PRE_COMMIT_HOME=str(home), PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_COMPILE="1")
    env.pop("VIRTUAL_ENV", None)
    return env


def _git(cwd: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    pytest.importorskip("pre_commit")
    base = tmp_path_factory.mktemp("precommit")
    env = _env(base / "home")
    repo = base / "sopctl"
    repo.mkdir()
    for name in HOOK_FILES:
        shutil.copy2(SOURCE / name, repo / name)
    shutil.copytree(
        SOURCE / "sopctl", repo / "sopctl", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    _git(repo, env, "init", "-q", "-b", "main")
    _git(repo, env, "add", "-A")
    _git(repo, env, "commit", "-q", "-m", "hook repository under test")
    return repo, env


def _try_repo(plan: Path, hook: tuple[Path, dict[str, str]]) -> subprocess.CompletedProcess[str]:
    repo, env = hook
    args = ["try-repo", str(repo), "sopctl-validate", "--all-files", "--color", "never"]
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=plan,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if "sopctl validate...." not in done.stdout:  # the environment could not be installed
        pytest.skip(f"pre-commit could not install the hook (offline?): {done.stdout[-400:]}")
    return done


def test_valid_planning_repo_passes(tmp_path: Path, hook_repo: tuple[Path, dict[str, str]]) -> None:
    plan = make_repo(tmp_path / "plan")
    done = _try_repo(plan, hook_repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout


def test_broken_csv_fails_with_the_finding(
    tmp_path: Path, hook_repo: tuple[Path, dict[str, str]]
) -> None:
    plan = make_repo(tmp_path / "plan", commit=False)
    history = plan / "cycles/2026-12/inputs/history.csv"
    lines = history.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0] + ",lots"
    history.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _git(plan, hook_repo[1], "add", "-A")
    _git(plan, hook_repo[1], "commit", "-q", "-m", "broken")
    done = _try_repo(plan, hook_repo)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Failed" in done.stdout
    assert "cycles/2026-12/inputs/history.csv:4:4: error SOP302" in done.stdout
