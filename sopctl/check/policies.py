"""The change policies of `sopctl check`, as pure functions over (charter, changed rows, authors).

Nothing here reads files or git: the edge (`history.py`, `engine.py`) hands in the changed rows
and YAML keys with their commit and author e-mail, the frozen periods and whether a current
approval by a frozen-change role exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .. import vcs
from ..findings import Finding
from ..findings import finding as make
from ..periods import Bucket, to_ordinal
from ..schemas.charter import Charter
from ..workspace import command
from .model import OwnedEdit, Row, RowEdit, YamlEdit

MAX_PER_FILE = 20  # findings per file and policy; one more finding counts the rest

# table type -> the decision right that also allows changing it (besides the owner role)
TABLE_RIGHTS: dict[str, str] = {
    "overrides": "override_demand",
    "capacity": "approve_capacity_change",
    "resources": "approve_capacity_change",
}
DEMAND_TABLES = ("baseline", "pipeline", "promotions", "renewals", "overrides")
SUPPLY_TABLES = ("capacity", "open_orders", "scheduled_receipts", "resources")
FROZEN_TABLES = DEMAND_TABLES + SUPPLY_TABLES
# tables without a period column: their rows apply to every period, the frozen ones included
ALL_PERIODS = ("resources",)
SIGNER = "a role holding sign_off_plan"


def _members(charter: Charter, roles: Iterable[str]) -> set[str]:
    return {m.lower() for m in charter.members_of(list(roles))}


def _right_roles(charter: Charter, right: str) -> list[str]:
    roles: list[str] = getattr(charter.decision_rights, right)
    return roles


def cap_findings(findings: list[Finding], code: str, what: str) -> list[Finding]:
    """At most MAX_PER_FILE findings per file, then one that counts the rest."""
    out: list[Finding] = []
    count: dict[str, int] = {}
    for f in findings:
        n = count.get(f.path, 0)
        if n < MAX_PER_FILE:
            out.append(f)
        count[f.path] = n + 1
    for path, n in count.items():
        if n > MAX_PER_FILE:
            out.append(make(path, 0, 0, code, f"... and {n - MAX_PER_FILE} more {what}"))
    return out


def _short(sha: str) -> str:
    return sha[:7]


def redo_hint(
    charter: Charter, roles: list[str], sha: str, author: str, verb: str, role: str = ""
) -> str:
    """What to do about a change someone made without the right: the change is judged by its
    commit's author, so a member makes it in a commit of their own and this one leaves the
    branch; or the author gets the role (`role`, else the first of `roles`) first, in a pull
    request of its own (the charter at the base judges, authority.py)."""
    people = sorted(_members(charter, roles))
    role = role or next((r for r in roles if r), "a role with the right")
    grant = f"add {author} to {role} in the charter first, in a pull request of its own"
    if not people:
        return f": nobody is a member of such a role; {grant}, then {verb}"
    return (
        f": have {' or '.join(people)} {verb} in a commit of their own and take "
        f"{_short(sha)} out of the branch (git rebase -i, drop it), or {grant}"
    )


def _dedupe(rows: list[RowEdit]) -> list[RowEdit]:
    """The last edit of each (file, key, author): one finding per row and person."""
    last: dict[tuple[str, tuple[tuple[str, str | None], ...], str], RowEdit] = {}
    for r in rows:
        last[(r.path, tuple(r.key.items()), r.author)] = r
    return list(last.values())


def decision_rights(charter: Charter, rows: list[RowEdit]) -> list[Finding]:
    """Each changed row must be authored by a member of the input's owner role or of a role
    holding the table's right (overrides: override_demand; capacity, resources:
    approve_capacity_change), in `charter`: the charter at the base, where an input the pull
    request declares has no owner."""
    owners = {d.file: d.owner for d in charter.inputs}
    out = []
    for r in _dedupe(rows):
        owner = owners.get(r.file)
        right = TABLE_RIGHTS.get(r.table)
        holders = _right_roles(charter, right) if right else []
        if r.author in _members(charter, [owner or "", *holders]):
            continue
        who = f"role {owner} (owner of {r.file})"
        if owner is None:  # declared by the pull request itself: no owner yet
            who = f"a role owning {r.file} (the charter at the base declares no such input)"
        if right:
            who += f" or a role holding {right} ({', '.join(holders) or 'nobody'})"
        out.append(
            make(
                r.path,
                r.line,
                0,
                "SOP801",
                f"row {r.key_text()} {r.kind}{r.gone_text()} in {_short(r.commit)} by "
                f"{r.author}, who is not a member of {who}"
                + redo_hint(charter, [owner or "", *holders], r.commit, r.author, "make it"),
            )
        )
    return cap_findings(out, "SOP801", "rows changed without the right")


def _ord(text: str | None, bucket: Bucket) -> int | None:
    return to_ordinal(text.strip(), bucket) if text else None


def row_span(
    row: Row, table: str, bucket: Bucket, lag: int, first: int | None = None
) -> tuple[int, int] | None:
    """The first and last period (as ordinals) a row of a frozen-window table acts on; None
    when it has no readable period. A deal's demand starts at max(close + lag, `first`, the
    horizon's first period), as Signal spreads it: a deal past its date ships from there."""
    if table == "pipeline":
        close = _ord(row.get("close_period"), bucket)
        if close is None:
            return None
        try:
            ship = max(int(float(row.get("ship_periods") or 1)), 1)
        except ValueError:
            ship = 1
        begin = close + lag if first is None else max(close + lag, first)
        return begin, begin + ship - 1
    if table == "promotions":
        start, end = _ord(row.get("start_period"), bucket), _ord(row.get("end_period"), bucket)
        if start is None:
            return None
        return start, end if end is not None else start
    p = _ord(row.get("period"), bucket)
    return None if p is None else (p, p)


def in_frozen(r: RowEdit, first: int, last: int, bucket: Bucket, lag: int) -> bool:
    """Whether the row (before or after the change) acts on a period in [first, last]."""
    if r.table in ALL_PERIODS:
        return True
    for side in (r.old, r.new):
        span = row_span(side, r.table, bucket, lag, first) if side else None
        if span is not None and span[0] <= last and span[1] >= first:
            return True
    return False


def _approval_hint(r: RowEdit, cycle: str, role: str, blockers: list[Finding]) -> str:
    """How an approval can open a frozen-window row: at once when a current plan can be made,
    else only once what stops it (`blockers`: validation errors, an infeasible plan) is fixed;
    an error of the row itself is fixed in the row."""
    approve = command("approve", cycle, "--role", role)
    if not blockers:
        return f"their approval of the current plan ({approve})"
    then = f"then run {command('reconcile', cycle)} and ask for {approve}"
    own = sorted({f.code for f in blockers if r.line and (f.path, f.line) == (r.path, r.line)})
    if own:
        named = "/".join(own)
        what = "its owner or period" if set(own) <= {"SOP701", "SOP702"} else "the row"
        return (
            f"their approval of a current plan, which cannot be made while this row's own "
            f"{named} error stands: correct {what} as {named} says, {then}"
        )
    first = min(blockers)
    n = len(blockers)
    count = "1 error stands" if n == 1 else f"{n} errors stand"
    return (
        f"their approval of a current plan, which cannot be made while {count} "
        f"(first {first.code} at {first.location()}): fix them, {then}"
    )


def frozen_window(
    charter: Charter,
    rows: list[RowEdit],
    frozen: list[str],
    approved: bool,
    blockers: list[Finding] | None = None,
) -> list[Finding]:
    """Changed demand or supply rows acting on a frozen period need an author holding
    approve_frozen_change, unless a role holding it approved the current plan. `blockers`: the
    errors that keep a current plan from being made (none: an approval can be had)."""
    bucket = charter.cadence.bucket
    ords = [o for p in frozen if (o := to_ordinal(p, bucket)) is not None]
    if not ords or approved:
        return []
    first, last = min(ords), max(ords)
    lag = charter.pipeline.close_to_demand_lag if charter.pipeline else 0
    holders = _right_roles(charter, "approve_frozen_change")
    allowed = _members(charter, holders)
    window = frozen[0] if len(frozen) == 1 else f"{frozen[0]}..{frozen[-1]}"
    out = []
    for r in _dedupe(rows):
        if r.table not in FROZEN_TABLES or r.author in allowed:
            continue
        if not in_frozen(r, first, last, bucket, lag):
            continue
        cycle = r.path.split("/")[1] if r.path.startswith("cycles/") else "CYCLE"
        role = holders[0] if len(holders) == 1 else "ROLE"
        out.append(
            make(
                r.path,
                r.line,
                0,
                "SOP802",
                f"row {r.key_text()} {r.kind}{r.gone_text()} in {_short(r.commit)} by "
                f"{r.author} acts on the frozen window {window}; it needs a member of a role "
                f"holding approve_frozen_change ({', '.join(holders) or 'nobody'}) as author, or "
                + _approval_hint(r, cycle, role, blockers or []),
            )
        )
    return cap_findings(out, "SOP802", "frozen-window rows")


def charter_rights(charter: Charter, edits: list[YamlEdit]) -> list[Finding]:
    """A change to the charter (SOP808), or to the frame of an existing cycle in cycle.yaml
    (first period, horizon, status, charter; SOP812), must be authored by a member of a role
    holding sign_off_plan."""
    holders = _right_roles(charter, "sign_off_plan")
    allowed = _members(charter, holders)
    seen: set[tuple[str, str, str]] = set()
    out = []
    for e in edits:
        if e.author in allowed or (e.path, e.key_path, e.author) in seen:
            continue
        seen.add((e.path, e.key_path, e.author))
        frame = e.path.endswith("cycle.yaml")
        what = f"{e.key_path} of the cycle" if frame else e.key_path
        out.append(
            make(
                e.path,
                e.line,
                e.col,
                "SOP812" if frame else "SOP808",
                f"{what} changed in {_short(e.commit)} by {e.author}, who is not a member "
                f"of a role holding sign_off_plan ({', '.join(holders) or 'nobody'})"
                + redo_hint(charter, holders, e.commit, e.author, "make the change", SIGNER),
            )
        )
    return cap_findings(
        [f for f in out if f.code == "SOP808"], "SOP808", "charter keys changed without the right"
    ) + cap_findings(
        [f for f in out if f.code == "SOP812"],
        "SOP812",
        "cycle.yaml keys changed without the right",
    )


def deleted_rights(
    root: Path,
    charter: Charter,
    cycle: str,
    path: str,
    tag: str | None,
    commits: list[vcs.CommitChange],
    prefix: str,
) -> list[Finding]:
    """A deleted cycle (its cycle.yaml removed) is the largest change to its frame: SOP812 for
    each author of a commit that deleted it who holds no role with sign_off_plan."""
    holders = _right_roles(charter, "sign_off_plan")
    allowed = _members(charter, holders)
    kept = f" (its commit record {tag} stays in git)" if tag else ""
    out = []
    for c in commits:
        if prefix + path not in c.paths or c.author in allowed or not c.parent:
            continue
        # the commit that removed it, not one that only edited it before
        gone = vcs.show_file(root, c.sha, prefix + path) is None
        if gone and vcs.show_file(root, c.parent, prefix + path) is not None:
            out.append(
                make(
                    path,
                    0,
                    0,
                    "SOP812",
                    f"cycle {cycle} deleted in {_short(c.sha)} by {c.author}, who is not a "
                    f"member of a role holding sign_off_plan ({', '.join(holders) or 'nobody'})"
                    + kept
                    + redo_hint(charter, holders, c.sha, c.author, "delete it", SIGNER),
                )
            )
    return out


def owner_rights(charter: Charter, edits: list[OwnedEdit]) -> list[Finding]:
    """A scenario file or an assumption is changed only by a member of the role that owns it
    (the owner before the commit, so a hand-over is made by the giving role; the new owner for
    a new one). For scenario files these are the people CODEOWNERS names."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for e in edits:
        if e.author in _members(charter, [e.owner]) or (e.path, e.subject, e.author) in seen:
            continue
        seen.add((e.path, e.subject, e.author))
        known = any(r.id == e.owner for r in charter.roles)
        role = f"role {e.owner}" if known else f"role {e.owner} (not a role of the charter)"
        out.append(
            make(
                e.path,
                e.line,
                e.col,
                e.code,
                f"{e.subject} {e.kind} in {_short(e.commit)} by {e.author}, who is not a "
                f"member of {role}, its owner; the owner's members change it, or hand it "
                "over by changing its owner",
            )
        )
    capped: list[Finding] = []
    for code, what in (("SOP809", "scenario files"), ("SOP810", "assumptions")):
        mine = [f for f in out if f.code == code]
        capped += cap_findings(mine, code, f"{what} changed without the owner role")
    return capped


def approval_round(
    cycle: str, tag: str | None, changed: list[str], approved: bool, approvals_path: str
) -> list[Finding]:
    """A tagged cycle whose inputs changed since its last tag needs an approval of the new
    plan digest. `changed` leaves out the charter once a later cycle follows the cycle (the
    edge decides): a shared charter's edit does not reopen history."""
    if tag is None or not changed or approved:
        return []
    shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
    return [
        make(
            approvals_path,
            0,
            0,
            "SOP806",
            f"cycle {cycle} was committed as {tag}, and {shown} changed since; no approval "
            f"records the new plan digest: run a new approval round "
            f"({command('approve', cycle, '--role', 'ROLE')}) and tag again",
        )
    ]


def output_drift(committed: dict[str, bytes], fresh: dict[str, bytes]) -> list[Finding]:
    """A finding per committed output file (shown path → bytes) that differs from a fresh
    reconcile; `fresh` is keyed by the same shown paths."""
    out = []
    for path, data in sorted(committed.items()):
        if path not in fresh:
            continue
        if fresh[path] != data:
            old, new = data.splitlines(), fresh[path].splitlines()
            line = next((i for i, (a, b) in enumerate(zip(old, new, strict=False), 1) if a != b), 0)
            if not line:  # one is the other plus lines (or only line ends differ)
                line = min(len(new) + 1, max(len(old), 1))
            out.append(
                make(
                    path,
                    line,
                    0,
                    "SOP803",
                    "differs from a fresh reconcile of the committed inputs (first at this "
                    "line); run sopctl reconcile and commit the result",
                )
            )
    return out
