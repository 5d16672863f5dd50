"""`sopctl tag`: the commit step. Check the cycle, then record it as an annotated git tag.

Order: solve the plan in memory (this validates too), collect every reason to refuse
(tag_checks), build the commit record (tag_record), and, unless dry-run, create
`sop/<cycle>/v<N>` at the checked commit under a lock file in the git folder. Under the lock,
N is computed again and the commit is checked to carry no tag of the cycle yet, so two runs
racing on one cycle make exactly one tag; git itself refuses an existing tag name as well.
Nothing in the working tree is written, ever.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import vcs
from ..errors import GitError
from ..schemas.records import CommitRecord
from ..workspace import command
from . import tag_checks as checks
from .records import load_actions, plan_digest
from .tag_record import approval_commits, build_record, cycle_tags, dump, tag_name

if TYPE_CHECKING:
    from ..validate import Workspace

LOCK = vcs.WRITERS_LOCK  # shared with sopctl approve: one writer at a time per clone


@dataclass
class TagOutcome:
    cycle: str
    commit: str = ""
    name: str = ""  # the tag created (or, in a dry run, the one that would be)
    record: CommitRecord | None = None
    message: str = ""  # the tag message (YAML)
    reasons: list[str] = field(default_factory=list)
    created: bool = False
    signed: bool = False
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.reasons


def _integer_run(root: Path | None, cycle: str | None) -> bool:
    """Whether the written plan was solved in whole workers (`reconcile --integer`)."""
    from ..workspace import find_root, pick_cycle

    base = find_root(root or Path.cwd())
    summary = base / "cycles" / pick_cycle(base, cycle, Path.cwd()) / "outputs" / "summary.json"
    try:
        doc = json.loads(summary.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and (doc.get("solver") or {}).get("method") == "mip"


def commit_cycle(
    root: Path | None, cycle: str | None, sign: bool = False, dry_run: bool = False
) -> TagOutcome:
    """Check the cycle and tag it (see the module docstring). Refusals are in `reasons`."""
    from ..plan import run_reconcile

    run = run_reconcile(root, cycle, dry_run=True, integer=_integer_run(root, cycle))
    ws = run.ws
    out = TagOutcome(cycle=ws.cycle_id, dry_run=dry_run)
    out.commit = vcs.head(ws.root)
    if vcs.is_shallow(ws.root):  # the approvals' commits would be the cut, not their own
        raise GitError(checks.SHALLOW, hint=checks.SHALLOW_HINT)
    tagger = vcs.user_email(ws.root)
    dirty = vcs.dirty_paths(ws.root)
    out.reasons += checks.dirty_reasons(ws.root, dirty)
    if not run.report.ok:
        out.reasons += checks.validation_reasons(run.report, ws.cycle_id)
        return out
    out.reasons += checks.plan_reasons(run)
    if not run.ok:
        return out
    out.reasons += checks.metric_reasons(run)
    files = checks.input_paths(ws)
    out.reasons += checks.untracked_reasons(ws, files, dirty)
    outputs = checks.output_reasons(run)
    out.reasons += outputs
    reasons, approvals = checks.approval_reasons(ws, plan_digest(ws))
    if outputs:  # the results here are missing or no plan's: the digest matches no approval
        reasons = [checks.UNCHECKED]
    out.reasons += reasons
    actions = load_actions(ws)[0].actions
    out.reasons += checks.escalation_reasons(run, actions)
    out.reasons += checks.already_tagged_reasons(ws.root, ws.cycle_id, out.commit)
    if out.reasons:
        return out
    signed = approval_commits(ws, approvals, out.commit)
    record = build_record(run, tagger, signed, actions, late_facts(ws))
    out.record = record
    tags = cycle_tags(ws.root, ws.cycle_id)
    out.name = tag_name(ws.cycle_id, (tags[0][0] if tags else 0) + 1)
    out.message = dump(record, out.name)
    if dry_run:
        return out
    with tag_lock(vcs.git_dir(ws.root)):
        if vcs.head(ws.root) != out.commit:
            out.reasons.append(
                "HEAD moved while the cycle was being checked; run "
                f"'{command('tag', ws.cycle_id)}' again"
            )
            return out
        out.reasons += checks.already_tagged_reasons(ws.root, ws.cycle_id, out.commit)
        if out.reasons:
            return out
        tags = cycle_tags(ws.root, ws.cycle_id)
        out.name = tag_name(ws.cycle_id, (tags[0][0] if tags else 0) + 1)
        out.message = dump(record, out.name)
        vcs.create_tag(ws.root, out.name, out.commit, out.message, sign=sign)
    out.created = True
    out.signed = bool(vcs.read_tag(ws.root, out.name).signature)
    return out


def late_facts(ws: Workspace) -> list[dict[str, str]]:
    """The record's `late_inputs`: the inputs whose last change was committed after their
    phase was due (inputs_due.py). A fact of the cycle, not a reason to refuse: the charter
    makes none of it."""
    import datetime as dt

    from .cycle_calendar import calendar_state, cycle_start
    from .inputs_due import late_inputs

    ch, cy = ws.charter, ws.cycle
    assert ch is not None and cy is not None
    start = cycle_start(ws.cycle_id, cy.first_period, ch.cadence.bucket)
    cal = calendar_state(ch, start, dt.date.today()) if start else None  # only due dates used
    return [late.fact() for late in late_inputs(ws, cal, committed_only=True)]


@contextmanager
def tag_lock(git_dir: Path, wait: float | None = None) -> Iterator[None]:
    """An exclusive lock file (O_CREAT | O_EXCL) in the git folder for the tagging step."""
    with vcs.file_lock(git_dir / LOCK, "sopctl tag", wait):
        yield
