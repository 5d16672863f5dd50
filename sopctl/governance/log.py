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
    tagger: str
    approvers: list[dict[str, str]] = field(default_factory=list)
    kpis: dict[str, Any] = field(default_factory=dict)
    signed: bool = False
    plan_digest: str = ""
    problem: str = ""  # why the tag is not a readable commit record

    def to_dict(self) -> dict[str, Any]:
        return {
            "tag": self.tag,
            "cycle": self.cycle,
            "version": self.version,
            "date": self.date,
            "tagger": self.tagger,
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

    base = find_root(root or Path.cwd())
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
        )
        try:
            record = parse(item.message)
        except ValueError as exc:
            entry.problem = f"not a commit record: {exc}"
        else:
            entry.tagger = record.tagger
            entry.approvers = [{"role": a.role, "person": a.person} for a in record.approvals]
            entry.kpis = record.kpis
            entry.plan_digest = record.plan_digest
            if files_digest(record.files) != record.plan_digest:
                entry.problem = "its record was altered: plan_digest is not the digest of its files"
        out.append(entry)
    return sorted(out, key=lambda e: (e.timestamp, e.cycle, e.version), reverse=True)


def latest_commit(root: Path, cycle: str) -> tuple[LogEntry | None, str]:
    """The highest version `sop/<cycle>/v<N>` with its record (None before the first tag), and
    "" — or (None, why) when no tag can be read because there is no git repository."""
    try:
        entries = committed_cycles(root, cycle)
    except GitError as exc:
        return None, exc.message
    return max(entries, key=lambda e: e.version, default=None), ""
