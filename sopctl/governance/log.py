"""`sopctl log`: the committed cycles, from the tags `sop/<cycle>/v<N>`, newest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import vcs
from ..errors import GitError
from .records import files_digest
from .tag_record import TAG_PREFIX, TAG_RE, parse


@dataclass
class LogEntry:
    tag: str
    cycle: str
    version: int
    date: str  # ISO 8601 with the tagger's offset
    timestamp: int
    tagger: str  # git's tagger e-mail (who made the tag), never the record's word for it
    approvers: list[dict[str, str]] = field(default_factory=list)
    kpis: dict[str, Any] = field(default_factory=dict)
    signed: bool = False
    plan_digest: str = ""
    problem: str = ""  # why the tag is not a readable commit record, or not a sound one
    record_tagger: str = ""  # the tagger the record names
    commit: str = ""  # the tagged commit

    def to_dict(self) -> dict[str, Any]:
        return {
            "tag": self.tag,
            "cycle": self.cycle,
            "version": self.version,
            "date": self.date,
            "tagger": self.tagger,
            "record_tagger": self.record_tagger or None,
            "commit": self.commit or None,
            "approvers": self.approvers,
            "service": self.kpis.get("service", {}),
            "revenue": self.kpis.get("revenue"),
            "gross_margin": self.kpis.get("gross_margin"),
            "gross_margin_pct": self.kpis.get("gross_margin_pct"),
            "currency": self.kpis.get("currency"),
            "signed": self.signed,
            "plan_digest": self.plan_digest or None,
            "problem": self.problem or None,
        }


def _date(stamp: int, offset: str) -> str:
    try:
        sign = -1 if offset.startswith("-") else 1
        tz = dt.timezone(sign * dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5])))
    except (ValueError, IndexError):
        tz = dt.UTC
    return dt.datetime.fromtimestamp(stamp, tz).isoformat()


def committed_cycles(root: Path | None, cycle: str | None = None) -> list[LogEntry]:
    """The commit records of every cycle, or of `cycle` only (only its tags are read)."""
    from ..workspace import find_root

    return _records(find_root(root or Path.cwd()), cycle)


def _records(base: Path, cycle: str | None) -> list[LogEntry]:
    out = []
    for item in vcs.list_tags(base, TAG_PREFIX + (f"{cycle}/" if cycle else "")):
        name = item if isinstance(item, str) else item.name
        m = TAG_RE.match(name)
        if m is None:
            continue
        if isinstance(item, str):
            out.append(LogEntry(name, m["cycle"], int(m["n"]), "", 0, "", problem="not annotated"))
            continue
        entry = LogEntry(
            name,
            m["cycle"],
            int(m["n"]),
            _date(item.timestamp, item.offset),
            item.timestamp,
            item.email,
            signed=bool(item.signature),
            commit=item.commit,
        )
        try:
            record = parse(item.message)
        except ValueError as exc:
            entry.problem = f"not a commit record: {exc}"
        else:
            entry.record_tagger = record.tagger
            entry.approvers = [{"role": a.role, "person": a.person} for a in record.approvals]
            entry.kpis = record.kpis
            entry.plan_digest = record.plan_digest
            entry.problem = record_problem(entry, record.cycle, files_digest(record.files))
        out.append(entry)
    return sorted(out, key=lambda e: (e.timestamp, e.cycle, e.version), reverse=True)


def record_problem(entry: LogEntry, cycle: str, digest: str) -> str:
    """What a readable record says against its tag, cheaply ('' when nothing): its digest is
    not that of its files, it is of another cycle, or it names another tagger than git's (a
    tag re-made or moved by someone else, with a copied message). `sopctl verify` proves it."""
    if digest != entry.plan_digest:
        return "its record was altered: plan_digest is not the digest of its files"
    if cycle != entry.cycle:
        return f"its record is of cycle {cycle}, not {entry.cycle}"
    if entry.record_tagger.lower() != entry.tagger.lower():
        return (
            f"git's tagger is {entry.tagger or 'unknown'}, but its record names "
            f"{entry.record_tagger}: the tag was made or moved by someone else"
        )
    return ""


@dataclass
class Committed:
    """A cycle's committed state as status and the report read it: the latest tag that passes
    the cheap checks, and the newer tags that do not (`problem` says why)."""

    entry: LogEntry | None = None
    unverified: list[LogEntry] = field(default_factory=list)
    unknown: str = ""  # why no tag could be read (no git repository)

    def skipped(self) -> list[str]:
        """One note per newer tag passed over: "sop/c/v3 skipped: <why>; run sopctl verify ..."."""
        return [skipped_note(e) for e in self.unverified]


def skipped_note(e: LogEntry) -> str:
    return f"{e.tag} skipped: {e.problem}; run sopctl verify {e.tag}"


def committed_state(root: Path, cycle: str) -> Committed:
    """The cycle's tags, newest version first, checked cheaply: a sound record (above) at a
    commit of this repository's branches (the history of HEAD, else of any local or
    remote-tracking branch: a branch opened before the tag, for the next cycle, still sees it).
    A tag fetched from another repository, or moved off every branch, is listed as unverified,
    not taken as the committed state (only `sopctl verify` re-makes the plan; this costs a git
    call or two per tag looked at). A shallow clone cannot place a commit: its tags are taken
    on their records alone."""
    try:
        # `root` is the planning repository: not found again, so check can read the tags of
        # a range that deleted the last cycle (no cycles/ folder left)
        entries = _records(root, cycle)
    except GitError as exc:
        return Committed(unknown=exc.message)
    out = Committed()
    shallow = vcs.is_shallow(root)
    for e in sorted(entries, key=lambda e: e.version, reverse=True):
        placed = (
            shallow
            or vcs.merge_base(root, e.commit, "HEAD") == e.commit
            or vcs.in_some_branch(root, e.commit)
        )
        if not e.problem and not placed:
            e.problem = (
                f"its commit {e.commit[:12]} is in no branch of this repository (a tag "
                "fetched from another repository, or moved)"
            )
        if e.problem:
            out.unverified.append(e)
            continue
        out.entry = e
        break
    return out
