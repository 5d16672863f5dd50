"""Shared set-up of the commit-step tests: a planning repo from `sopctl init`, reconciled,
approved by a quorum, escalations answered, committed — ready for `sopctl tag`.

The repo is built once per test process and copied per test (copying a git repository is
much cheaper than solving the plan again).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from tests.helpers import git, run

CYCLE = "2026-12"
CDIR = f"cycles/{CYCLE}"
SIGNERS = (
    ("sales_lead", "sam@acme.example", "2026-12-12T09:30:00Z"),
    ("ops_lead", "olga@acme.example", "2026-12-12T10:00:00Z"),
)
ACTIONS = """\
version: 1
actions:
  - id: ACT-1
    description: Add a Saturday shift on the assembly line
    owner: ops_lead
    due: 2027-01-15
    answers: "overload:ASSY:*"
  - id: ACT-2
    description: Hire two temporary warehouse workers
    owner: ops_lead
    due: 2027-01-20
    status: in_progress
    answers: "overload:CREW:*"
"""


def current_digest(root: Path) -> str:
    from sopctl.governance.records import plan_digest
    from sopctl.validate import load_workspace

    ws, _ = load_workspace(root, CYCLE, cwd=root)
    return plan_digest(ws)


def write_approvals(
    root: Path,
    signers: tuple[tuple[str, str, str], ...] = SIGNERS,
    digest: str | None = None,
    extra: str = "",
) -> None:
    d = digest or current_digest(root)
    lines = ["version: 1", "approvals:"]
    for role, person, time in signers:
        lines += [
            f"  - role: {role}",
            f"    person: {person}",
            f"    time: '{time}'",
            f"    plan_digest: {d}",
        ]
    (root / CDIR / "approvals.yaml").write_text("\n".join(lines) + "\n" + extra, "utf-8")


def commit_all(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def build_ready(root: Path) -> Path:
    r = run(["init", str(root), "--cycle", "2026-12"])
    assert r.code == 0, r.out + r.err
    commit_all(root, "Start S&OP")
    r = run(["reconcile", "--format", "json"], cwd=root)
    assert r.code == 0, r.out + r.err
    assert git(root, "status", "--porcelain") == ""  # outputs are git-ignored by init
    (root / CDIR / "actions.yaml").write_text(ACTIONS, "utf-8")
    write_approvals(root)
    commit_all(root, "Approve the plan")
    return root


_TEMPLATE: list[Path] = []


def ready_copy(dest: Path) -> Path:
    """A fresh copy of the ready-to-tag repository at `dest` (built on first use)."""
    if not _TEMPLATE:
        base = Path(tempfile.mkdtemp(prefix="sopctl-tag-template-"))
        atexit.register(shutil.rmtree, base, True)
        _TEMPLATE.append(build_ready(base / "plan"))
    shutil.copytree(_TEMPLATE[0], dest, symlinks=True)
    return dest


def tags(root: Path) -> list[str]:
    return git(root, "tag", "--list").split()


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the working tree (outputs included, .git excluded)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }
