"""Why `sopctl tag` refuses: each check returns one clear reason per problem (empty: passed).

Escalated exceptions and the actions that answer them
-----------------------------------------------------
An exception of the plan is *escalated* when a charter escalation rule matches it (kind or
`any`, value at stake >= `min_value`, and the rule's segment / resource when it names one);
this is the `escalate_to` column of exceptions.csv. Its key is `kind:subject:period`, where the
subject is the exception's item, else its resource, else its material (the "what" of the
exception), e.g. `shortage:P-100:2027-03` or `overload:ASSY:2027-01`. An action answers it
when its `answers` has three `:`-separated parts that each equal the exception's part or are
`*` (`overload:ASSY:*` answers every overload of ASSY), compared after trimming spaces, and the
action's status is not `dropped`. One action for an item answers all of its segments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from .. import vcs
from ..errors import GitError
from ..results import content_digest, input_files, is_current, sha256
from ..schemas.charter import EscalationRule
from ..schemas.records import Action, Approval
from ..workspace import command
from .records import (
    approval_states,
    load_approvals,
    quorum,
    role_problem,
)
from .tag_record import cycle_tags, parse

if TYPE_CHECKING:
    from ..findings import Report
    from ..plan import ReconcileRun
    from ..validate import Workspace

MANIFEST = "reconcile_manifest.json"
SHOWN = 20


def validation_reasons(report: Report, cycle: str) -> list[str]:
    errors = report.errors
    out = [f"validation fails: {f}" for f in errors[:SHOWN]]
    if len(errors) > SHOWN:
        more = len(errors) - SHOWN
        out.append(f"validation fails: {more} more errors (run '{command('validate', cycle)}')")
    return out


def plan_reasons(run: ReconcileRun) -> list[str]:
    """The plan could not be solved (after a valid report): infeasible, unbounded..."""
    res = run.result
    if res is None:
        why = command("demand", run.ws.cycle_id)
        return [f"the demand view could not be built; run '{why}' to see why"]
    if res.ok:
        return []
    names = ", ".join(res.diagnosis[:5])
    return [f"the plan is {res.status}" + (f" (conflicting: {names})" if names else "")]


def metric_reasons(run: ReconcileRun) -> list[str]:
    """The plan must pass the charter's metrics as `sopctl check` judges them (its `metrics`
    policy, same function): an error-severity miss fails the CI gate, so it is not committed."""
    return summary_metric_reasons(run.ws, run.summary)


def summary_metric_reasons(ws: Workspace, summary: Mapping[str, Any]) -> list[str]:
    """`metric_reasons` for a plan's summary (a run's, or summary.json as written)."""
    from ..check.metrics import plan_metric_findings

    # the finding as `sopctl check` words it: the same miss, the same advice
    return [str(f) for f in plan_metric_findings(ws, summary) if f.severity == "error"]


# actuals are facts of record, the inputs of `sopctl learn`: they belong in git (docs/learn.md)
ACTUALS = "actuals/ (they are inputs of sopctl learn, kept in git as data of record)"


def actuals_among(paths: list[str]) -> bool:
    """Whether git's dirty paths include an actuals/ folder or a file in one."""
    return any("/actuals/" in f"/{p.rstrip('/')}/" for p in paths)


def dirty_reasons(root: Path, paths: list[str] | None = None) -> list[str]:
    """The whole tree must be clean, not only the plan's files: the tag names a commit, and
    verify, report, diff and learn rebuild from that commit (scenarios, actions and other
    cycles included), so what is not committed would not be what the tag holds. `paths`: git's
    dirty paths when the caller has them."""
    paths = vcs.dirty_paths(root) if paths is None else paths
    if not paths:
        return []
    shown = ", ".join(paths[:8]) + (f" and {len(paths) - 8} more" if len(paths) > 8 else "")
    what = "commit or stash them first"
    if actuals_among(paths):
        only = all(actuals_among([p]) for p in paths)
        what = f"commit {ACTUALS} or stash them first" if only else f"{what}; commit {ACTUALS}"
    return [f"the working tree has uncommitted changes ({shown}); {what}"]


def input_paths(ws: Workspace) -> list[str]:
    return [p.relative_to(ws.root).as_posix() for p in input_files(ws)]


def _named(path: str, dirty: Sequence[str]) -> bool:
    """Whether `path` (from the repository top) is among git's dirty paths, itself or inside
    an untracked folder git lists whole ('cycles/2026-12/inputs/')."""
    return any(path == d or (d.endswith("/") and path.startswith(d)) for d in dirty)


def untracked_reasons(ws: Workspace, inputs: list[str], dirty: Sequence[str] = ()) -> list[str]:
    """Inputs (and approvals/actions) that git does not track cannot be proven by the tag.
    Those among `dirty` (git's untracked, not ignored files, which `dirty_reasons` names
    already) are left to that reason: one file, one reason."""
    top = vcs.repo_top(ws.root).resolve()
    prefix = ws.root.resolve().relative_to(top).as_posix()
    rel = list(inputs)
    for name in ("approvals.yaml", "actions.yaml"):
        if (ws.cycle_dir / name).is_file():
            rel.append((ws.cycle_dir / name).relative_to(ws.root).as_posix())
    full = {(f"{prefix}/{p}" if prefix != "." else p): p for p in rel}
    missing = [p for p in vcs.untracked(ws.root, list(full)) if not _named(p, dirty)]
    return [
        f"{full[p]} is not committed (git does not track it, is it ignored?); add and commit it"
        for p in missing
    ]


# `sopctl tag` stops (exit 2) in a shallow clone: the approvals' commits would be the cut's
SHALLOW = (
    "the clone is shallow, so the commits that recorded the approvals cannot be found; "
    "fetch the history (actions/checkout: fetch-depth: 0)"
)
SHALLOW_HINT = "git fetch --unshallow, then run sopctl tag again"


def shallow_reasons(root: Path) -> list[str]:
    """tag's stop in a shallow clone, as a reason (`status` lists it among the blockers)."""
    return [f"{SHALLOW} ({SHALLOW_HINT})"] if vcs.is_shallow(root) else []


def already_tagged_reasons(root: Path, cycle: str, commit: str) -> list[str]:
    """A commit carries at most one tag of the cycle: tagging it again would record nothing
    new. A tag under sopctl's names that is no commit record is named, to be deleted."""
    tags = cycle_tags(root, cycle, points_at=commit)
    if not tags:
        return []
    name = tags[0][1]
    try:
        parse(vcs.read_tag(root, name).message)
    except (GitError, ValueError) as exc:  # a tag made by hand under sopctl's names
        return [
            f"commit {commit[:12]} carries the tag {name}, which is no sopctl commit record "
            f"({exc}); delete it ('git tag -d {name}') and run '{command('tag', cycle)}' again"
        ]
    return [
        f"commit {commit[:12]} is already committed as {name}; nothing was committed since "
        "(commit new approvals, actions or inputs first)"
    ]


# approvals are bound to the plan's digest, inputs and results: while the results on disk are
# missing or not the current plan's (another branch's, edited by hand), none can be compared
UNCHECKED = "the approvals are checked once the plan is reconciled here"


def output_reasons(run: ReconcileRun) -> list[str]:
    """Outputs on disk must be the bytes a fresh in-memory reconcile gives now."""
    out_dir = run.ws.cycle_dir / "outputs"
    shown = out_dir.relative_to(run.ws.root).as_posix()
    redo = f"run '{command('reconcile', run.ws.cycle_id)}'"
    missing = [n for n in run.files if not (out_dir / n).is_file()]
    if len(missing) == len(run.files):
        return [f"the plan's outputs are missing in {shown}/; {redo}"]
    out = []
    if missing:
        out.append(f"outputs missing in {shown}/: {', '.join(missing)}; {redo}")
    stale = [
        n
        for n, data in run.files.items()
        if n not in missing and sha256(out_dir / n) != content_digest(data)
    ]
    if stale:
        out.append(
            f"outputs are stale: {', '.join(stale)} in {shown}/ differ from what reconcile gives "
            f"for the current inputs; {redo}"
        )
    elif not missing and not is_current(run.ws, out_dir, MANIFEST):
        out.append(f"{shown}/{MANIFEST} does not match the inputs and outputs; {redo}")
    return out


def approval_reasons(ws: Workspace, digest: str) -> tuple[list[str], list[Approval]]:
    """Stale (not superseded) or invalid approvals and a missing quorum; returns (reasons,
    the approvals of the current plan, which the commit record lists)."""
    assert ws.charter is not None
    doc, _ = load_approvals(ws)
    states = approval_states(ws, doc, digest)
    out = []
    stale: dict[tuple[str, str], list[Approval]] = {}  # one reason per person and role
    for s in states:
        if s.stale and not s.superseded:
            stale.setdefault((s.approval.person, s.approval.role), []).append(s.approval)
    for s in states:
        a = s.approval
        who = f"{a.person} as {a.role} ({a.time})"
        if s.superseded:  # the same person approved the current plan as the same role
            continue
        if s.stale:
            given = stale.pop((a.person, a.role), [])
            if not given:  # said with this person's first stale approval as this role
                continue
            more = f" and {len(given) - 1} earlier" if len(given) > 1 else ""
            a, who = given[-1], f"{a.person} as {a.role} ({given[-1].time}{more})"
            out.append(
                f"approval by {who} is stale: the plan changed after it was given "
                f"(plan {a.plan_digest[:12]}, now {digest[:12]}); ask {a.person} to approve the "
                f"current plan ('{command('approve', ws.cycle_id, '--role', a.role)}'), which "
                "supersedes it, or "
                "remove the entry from approvals.yaml in a reviewed commit"
            )
        elif not s.valid_role:
            out.append(f"approval by {who} does not count: {role_problem(ws.charter, a)[0]}")
    q = quorum(ws, states)
    if not q.met:
        have = ", ".join(q.roles) or "none"
        once = "; one person's sign-offs for several roles count once" if q.shared else ""
        out.append(
            f"approval quorum not met: {q.shortfall()}{once} "
            f"(current approvals: {have}; missing: {', '.join(q.missing) or 'none'}); "
            f"ask {'another member' if q.shared else 'them'} to run "
            f"'{command('approve', ws.cycle_id, '--role', 'ROLE')}'"
        )
    return out, [s.approval for s in states if not s.stale]


def _subject(row: Mapping[str, Any]) -> str:
    return str(row.get("item") or row.get("resource") or row.get("material") or "")


def exception_key(row: Mapping[str, Any]) -> str:
    return f"{row['kind']}:{_subject(row)}:{row['period']}"


def _parts(answers: str) -> list[str]:
    return [p.strip() for p in answers.split(":")]


def answers(action: Action, key: str) -> bool:
    """Whether `action` answers the exception `key` (see the module docstring)."""
    if action.status == "dropped" or not action.answers:
        return False
    want = _parts(action.answers)
    have = key.split(":")
    return len(want) == 3 and all(w in ("*", h) for w, h in zip(want, have, strict=True))


def answers_problem(answers: str | None, assumptions: set[str]) -> str:
    """Why an action's `answers` can match nothing ('' when it can): an exception key has three
    parts with a known kind (each part may be *); anything else must name an assumption."""
    if not answers:
        return ""
    parts = _parts(answers)
    kinds = [k for k in get_args(EscalationRule.model_fields["exception"].annotation) if k != "any"]
    if len(parts) > 1:
        starred = [p for p in parts if "*" in p and p != "*"]
        if len(parts) == 3 and starred:  # HSG-* matches no item: * is a whole part only
            return (
                f"answers '{answers}' matches no exception key: '*' stands for a whole part "
                f"(kind, item-or-resource or period), not for part of one as in '{starred[0]}'; "
                "write * for the whole part, or one action per item or resource"
            )
        if len(parts) == 3 and parts[0] in (*kinds, "*") and all(parts):
            return ""
        return (
            f"answers '{answers}' is no exception key; write kind:item-or-resource:period "
            f"(kind one of {', '.join(kinds)}; any part may be *)"
        )
    if answers.strip() in assumptions:
        return ""
    return (
        f"answers '{answers}' is neither an exception key (kind:item-or-resource:period) nor an "
        f"assumption of the cycle ({', '.join(sorted(assumptions)) or 'none'}); the action "
        "answers nothing"
    )


def escalation_reasons(run: ReconcileRun, actions: list[Action]) -> list[str]:
    """Every escalated exception needs an action that answers it (`unanswered_reasons`)."""
    res = run.result
    if res is None or not res.exceptions.height:
        return []
    rows = res.exceptions.filter(res.exceptions["escalate_to"].is_not_null())
    return unanswered_reasons(rows.iter_rows(named=True), actions, res.currency)


def unanswered_reasons(
    rows: Iterable[Mapping[str, Any]], actions: list[Action], currency: str
) -> list[str]:
    """The escalated exceptions (rows of exceptions.csv with `escalate_to`) no action answers.
    Unanswered exceptions of one kind, subject and role make one reason (a capacity that binds
    all year is one problem, answered by one `kind:subject:*` action), in the rows' order."""
    # (kind, subject, role) -> value at stake per exception key (segments of an item share one)
    groups: dict[tuple[str, str, str], dict[str, float]] = {}
    for row in rows:
        if not row.get("escalate_to"):
            continue
        key = exception_key(row)
        if any(answers(a, key) for a in actions):
            continue
        group = groups.setdefault((row["kind"], _subject(row), row["escalate_to"]), {})
        group[key] = group.get(key, 0.0) + _number(row.get("value"))
    out = []
    for (kind, subject, role), group in groups.items():
        at_stake = f"{sum(group.values()):,.2f} {currency} at stake"
        if len(group) == 1:
            key = next(iter(group))
            out.append(
                f"exception {key} ({at_stake}) escalates to {role} but no action answers it; "
                f"add one to actions.yaml with answers: {key}"
            )
            continue
        out.append(
            f"{len(group)} exceptions {kind}:{subject} in {_periods(group)} ({at_stake} in all) "
            f"escalate to {role} but no action answers them; add one to actions.yaml with "
            f"answers: {kind}:{subject}:* (every period) or one per period"
        )
    return out


def _number(value: Any) -> float:
    """A value at stake: a float from the solve, text from exceptions.csv."""
    try:
        return float(value or 0.0)
    except (TypeError, ValueError):
        return 0.0


def _periods(keys: dict[str, float]) -> str:
    ps = sorted(key.rsplit(":", 1)[1] for key in keys)
    return ", ".join(ps) if len(ps) <= 6 else f"{', '.join(ps[:3])} ... {ps[-1]}"
