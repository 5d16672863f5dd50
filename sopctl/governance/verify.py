"""`sopctl verify TAG`: prove a commit record against the tagged tree, not the working tree.

1. The tag message must parse as a commit record whose plan_digest is the digest of its files.
2. Every recorded file is compared with the blob at the tagged commit. Outputs that were not
   committed (the default: outputs/ is git-ignored) are re-made: the tagged commit is checked
   out into a temporary worktree (always removed), reconcile runs there in memory, and the bytes
   it produces are compared with the recorded digests.
3. The approvals recorded must be in approvals.yaml at the tagged commit, bound to the plan.
4. Verdict: `identical`; `alternative_optimum` (inputs identical, some outputs differ, the
   plan cost (the LP's objective) equal within 1e-9 relative: the solver found another plan of
   the same cost);
   `different` (anything else: exit 1).
Also: the signature (`git tag -v`) and whether the working tree has moved on since the tag.
The words say "plan cost", as reconcile's and diff's first lines (finance.PLAN_COST in tables);
the machine names keep `objective` (the record's `solver.objective`, `--format json`'s key).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .. import vcs
from ..errors import UserError
from ..results import file_recorded
from ..results import recorded as is_recorded
from ..schemas.records import ApprovalsFile, CommitRecord
from .records import files_digest
from .tag_record import parse

ALTERED = "the record's plan_digest is not the digest of its files: the record was altered"

if TYPE_CHECKING:
    from ..plan import ReconcileRun

REL_TOL = 1e-9


@dataclass
class FileCheck:
    path: str
    kind: str  # input | output
    status: str  # identical | differs | missing
    source: str  # tag (the committed blob) | re-solved


@dataclass
class VerifyReport:
    tag: str
    commit: str = ""
    record: CommitRecord | None = None
    verdict: str = "different"  # identical | alternative_optimum | different
    files: list[FileCheck] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    objective: dict[str, float | None] = field(default_factory=dict)
    signature: dict[str, Any] = field(default_factory=dict)
    workspace: dict[str, Any] = field(default_factory=dict)
    # the dry-run reconcile of the tagged tree that re-made the outputs (None when the tag's
    # tree holds them); its bytes are what the verdict rests on, so `sopctl report` reuses them
    remade: ReconcileRun | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        sig_ok = self.signature.get("ok") is not False
        return self.verdict in ("identical", "alternative_optimum") and sig_ok

    def to_dict(self) -> dict[str, Any]:
        return {
            "tag": self.tag,
            "commit": self.commit,
            "cycle": self.record.cycle if self.record else None,
            "ok": self.ok,
            "verdict": self.verdict,
            "problems": self.problems,
            "notes": self.notes,
            "files": [vars(f) for f in self.files],
            "objective": self.objective,
            "signature": self.signature,
            "workspace": self.workspace,
        }


def same_objective(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return False
    return abs(a - b) <= REL_TOL * max(abs(a), abs(b), 1.0)


def objective_text(recorded: float | None, re_solved: float | None) -> str:
    """The recorded and the re-solved plan cost (the objective), with their relative difference
    when they differ."""

    def money(v: float | None) -> str:
        return "none" if v is None else f"{v:,.2f}"

    if recorded is not None and recorded == re_solved:
        return f"{money(recorded)}, recorded and re-solved"
    text = f"recorded {money(recorded)}, re-solved {money(re_solved)}"
    if recorded is not None and re_solved is not None:
        rel = abs(recorded - re_solved) / max(abs(recorded), abs(re_solved), 1.0)
        text += f" (relative difference {rel:.1e})"
    return text


def verify(root: Path | None, tag: str) -> VerifyReport:
    from ..workspace import find_root

    base = find_root(root or Path.cwd())
    info = vcs.read_tag(base, tag)
    rep = VerifyReport(tag=info.name, commit=info.commit)
    rep.signature = _signature(base, info)
    try:
        record = parse(info.message)
    except ValueError as exc:  # an annotated tag made by hand: no record to verify against
        raise UserError(
            f"{info.name} is not a commit record: {exc}",
            hint="commit records are the annotated tags 'sopctl tag' makes; list them with "
            "'sopctl log'",
        ) from None
    rep.record = record
    top = vcs.repo_top(base).resolve()
    prefix = base.resolve().relative_to(top).as_posix()

    def at(path: str) -> str:
        return path if prefix == "." else f"{prefix}/{path}"

    _check_digest(rep, record)
    outputs = f"cycles/{record.cycle}/outputs/"
    unresolved: dict[str, str] = {}
    for path, digest in sorted(record.files.items()):
        kind = "output" if path.startswith(outputs) else "input"
        blob = vcs.show_file(base, info.commit, at(path))
        if blob is None and kind == "output":
            unresolved[path] = digest
            continue
        status = (
            "missing" if blob is None else "identical" if is_recorded(blob, digest) else "differs"
        )
        rep.files.append(FileCheck(path, kind, status, "tag"))
        if status != "identical":
            what = "is missing" if blob is None else "differs from the recorded digest"
            rep.problems.append(f"{kind} {path} {what} at {info.commit[:12]}")
    differs = bool(rep.problems)  # the record or an input: the outputs would differ anyway
    _check_approvals(rep, base, at, record)  # a missing approval commit does not change them
    alternative = False
    if unresolved and differs:
        rep.notes.append("outputs were not re-made: the record or the inputs already differ")
    elif unresolved:
        alternative = _resolve(rep, base, prefix, record, unresolved)
    if not rep.problems:
        rep.verdict = "alternative_optimum" if alternative else "identical"
    rep.workspace = _workspace(base, info.commit, record)
    return rep


def _check_digest(rep: VerifyReport, record: CommitRecord) -> None:
    if files_digest(record.files) != record.plan_digest:
        rep.problems.append(ALTERED)


def _check_approvals(
    rep: VerifyReport, base: Path, at: Callable[[str], str], record: CommitRecord
) -> None:
    path = at(f"cycles/{record.cycle}/approvals.yaml")
    data = vcs.show_file(base, rep.commit, path)
    given: set[tuple[str, str, str]] = set()
    if data is not None:
        try:
            doc = ApprovalsFile.model_validate(yaml.safe_load(data.decode("utf-8")))
            given = {
                (a.role, a.person, a.time)
                for a in doc.approvals
                if a.plan_digest == record.plan_digest
            }
        except (ValueError, yaml.YAMLError):
            rep.problems.append(f"{path} at the tag is not a valid approvals file")
    for a in record.approvals:
        if (a.role, a.person, a.time) not in given:
            rep.problems.append(
                f"approval by {a.person} as {a.role} ({a.time}) is not in approvals.yaml at the "
                "tag for this plan_digest"
            )
        elif vcs.resolve_commit(base, a.commit) is None:
            why = f"approval commit {a.commit} of {a.person} is not in the repo"
            if vcs.is_shallow(base):  # cut off by the clone, not missing from the history
                why += (
                    ": this clone is shallow; fetch the history (git fetch --unshallow, or "
                    "fetch-depth: 0 in actions/checkout) and verify again"
                )
            rep.problems.append(why)


def _resolve(
    rep: VerifyReport, base: Path, prefix: str, record: CommitRecord, wanted: dict[str, str]
) -> bool:
    """Re-make the outputs in a temporary worktree; True when they are an alternative optimum."""
    from ..plan import run_reconcile

    integer = record.solver.get("method") == "mip"
    with vcs.temporary_worktree(base, rep.commit) as tree:
        root = tree if prefix == "." else tree / prefix
        try:
            run = run_reconcile(root, record.cycle, dry_run=True, integer=integer)
        except UserError as exc:  # e.g. the tagged tree has no such cycle
            rep.problems.append(f"re-solving the tagged tree failed: {exc.message}")
            return False
        made_inputs = {p.relative_to(root).as_posix() for p in _inputs(run)}
    if not run.ok or run.result is None:
        why = (
            f"{len(run.report.errors)} validation errors"
            if not run.report.ok
            else f"the plan is {run.result.status if run.result else 'not built'}"
        )
        rep.problems.append(f"re-solving the tagged tree failed: {why}")
        return False
    extra = sorted(made_inputs - set(record.files))
    if extra:
        rep.problems.append(f"the tagged tree has inputs the record does not list: {extra}")
    rep.remade = run
    recorded = record.solver.get("objective")
    rep.objective = {
        "recorded": float(recorded) if isinstance(recorded, int | float) else None,
        "re_solved": run.result.objective,
    }
    differs = []
    for path, digest in sorted(wanted.items()):
        data = run.files.get(path.rsplit("/", 1)[-1])
        status = (
            "missing" if data is None else "identical" if is_recorded(data, digest) else "differs"
        )
        rep.files.append(FileCheck(path, "output", status, "re-solved"))
        if status != "identical":
            differs.append(path)
    if not differs:
        return False
    if same_objective(rep.objective["recorded"], rep.objective["re_solved"]):
        rep.notes.append(
            f"alternative optimum: {', '.join(differs)} differ from the record, but the "
            f"plan cost is the same within {REL_TOL:g} relative; the solver found another "
            "plan of equal cost (e.g. another HiGHS version), or another sopctl version words "
            "its messages differently"
        )
        return True
    rep.problems.append(
        f"re-solved outputs differ ({', '.join(differs)}) and so does the plan cost: "
        + objective_text(rep.objective["recorded"], rep.objective["re_solved"])
    )
    return False


def _inputs(run: Any) -> list[Path]:
    from ..results import input_files

    return input_files(run.ws) if run.ws.charter is not None and run.ws.cycle else []


def _signature(base: Path, info: vcs.TagInfo) -> dict[str, Any]:
    if not info.signature:
        return {"signed": False, "ok": None, "detail": "unsigned tag: no signature to check"}
    ok, detail = vcs.verify_tag(base, info.name)
    return {"signed": True, "ok": ok, "detail": detail}


def _workspace(base: Path, commit: str, record: CommitRecord) -> dict[str, Any]:
    """Has the working tree moved on since the tag? (The tag still verifies if it has.)"""
    head = vcs.head(base)
    since = vcs.count_commits(base, commit, head)
    changed, deleted = [], []
    for path, digest in sorted(record.files.items()):
        p = base / path
        if f"cycles/{record.cycle}/outputs/" in path and not p.is_file():
            continue  # outputs not made here yet: not a divergence
        if not p.is_file():
            deleted.append(path)
        elif not file_recorded(p, digest):
            changed.append(path)
    return {
        "head": head,
        "commits_since_tag": since,
        "diverged": bool(changed or deleted),
        "changed": changed,
        "deleted": deleted,
    }
