"""The commit record: what a tag `sop/<cycle>/v<N>` says about the plan, as YAML.

Built from a fresh in-memory reconcile (whose bytes equal the outputs on disk when `sopctl tag`
gets this far), the approvals with the commits that recorded them, the cycle's assumptions and
actions. Parsed back by `verify` and `log`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from .. import vcs
from ..schemas.records import Action, Approval, ApprovalsFile, CommitRecord, TagApproval
from .records import APPROVALS, plan_digest, plan_files

if TYPE_CHECKING:
    from pathlib import Path

    from ..plan import ReconcileRun
    from ..schemas.cycle import Assumption
    from ..validate import Workspace

TAG_PREFIX = "sop/"
TAG_RE = re.compile(r"^sop/(?P<cycle>[^/]+)/v(?P<n>[1-9][0-9]*)$")


def cycle_tags(root: Path, cycle: str, points_at: str | None = None) -> list[tuple[int, str]]:
    """(N, name) of the tags sop/<cycle>/v<N>, highest N first."""
    out = []
    for name in vcs.tag_names(root, f"sop/{cycle}/v*", points_at):
        m = TAG_RE.match(name)
        if m and m["cycle"] == cycle:
            out.append((int(m["n"]), name))
    return sorted(out, reverse=True)


def tag_name(cycle: str, n: int) -> str:
    return f"{TAG_PREFIX}{cycle}/v{n}"


def _num(value: Any, digits: int) -> float | None:
    return round(float(value), digits) if isinstance(value, int | float) else None


def kpis(summary: dict[str, Any]) -> dict[str, Any]:
    """Headline KPIs of a reconcile summary: service, money, working capital, peaks."""
    fin = summary.get("finance") or {}
    return {
        "currency": summary.get("currency"),
        "service": {
            s["segment"]: _num(s.get("service_level"), 6) for s in summary.get("service", [])
        },
        "revenue": _num(fin.get("revenue"), 2),
        "gross_margin": _num(fin.get("gross_margin"), 2),
        "gross_margin_pct": _num(fin.get("gross_margin_pct"), 4),
        "working_capital": {
            "average": _num(fin.get("average_working_capital"), 2),
            "peak": _num(fin.get("peak_working_capital"), 2),
            "peak_period": fin.get("peak_working_capital_period"),
        },
        "total_cost": _num((summary.get("costs") or {}).get("total"), 2),
        "utilisation_peaks": {
            p["resource"]: {"period": p["period"], "utilisation": _num(p["utilisation"], 6)}
            for p in summary.get("utilisation_peaks", [])
        },
        "exceptions": dict(summary.get("exceptions") or {}),
    }


def _key(a: Approval) -> tuple[str, str, str, str]:
    return (a.role, a.person, a.time, a.plan_digest)


def approval_commits(ws: Workspace, approvals: list[Approval], head: str) -> list[TagApproval]:
    """Each approval with the commit that added it: walking the commits that changed
    approvals.yaml from `head` backwards, the oldest one of the unbroken run in which the
    approval is present (so an approval removed and given again names its latest commit)."""
    top = vcs.repo_top(ws.root).resolve()
    path = (ws.cycle_dir / APPROVALS).resolve().relative_to(top).as_posix()
    found: dict[tuple[str, str, str, str], str] = {}
    open_keys = {_key(a) for a in approvals}
    for sha in vcs.file_commits(ws.root, path, head):
        if not open_keys:
            break
        present = _approvals_at(ws, sha, path)
        for k in list(open_keys):
            if k in present:
                found[k] = sha
            else:
                open_keys.discard(k)
    return [
        TagApproval(role=a.role, person=a.person, time=a.time, commit=found.get(_key(a), head))
        for a in approvals
    ]


def _approvals_at(ws: Workspace, sha: str, path: str) -> set[tuple[str, str, str, str]]:
    data = vcs.show_file(ws.root, sha, path)
    if data is None:
        return set()
    try:
        doc = ApprovalsFile.model_validate(yaml.safe_load(data.decode("utf-8")))
    except (ValueError, yaml.YAMLError, ValidationError):
        return set()
    return {_key(a) for a in doc.approvals}


def action_facts(actions: list[Action]) -> list[dict[str, Any]]:
    out = []
    for a in actions:
        item: dict[str, Any] = {
            "id": a.id,
            "owner": a.owner,
            "due": a.due.isoformat(),
            "status": a.status,
        }
        if a.answers:
            item["answers"] = a.answers
        out.append(item)
    return out


def assumption_fact(a: Assumption) -> dict[str, str | bool]:
    """An assumption as the commit record keeps it: `derive` only when it is off, as the YAML
    boolean `false` (records made before wrote the text 'false'; both are read)."""
    fact: dict[str, str | bool] = {"id": a.id, "text": a.text, "owner": a.owner}
    if not a.derive:
        fact["derive"] = False
    return fact


def build_record(
    run: ReconcileRun,
    tagger: str,
    approvals: list[TagApproval],
    actions: list[Action],
    late_inputs: list[dict[str, str]] | None = None,
) -> CommitRecord:
    ws = run.ws
    assert ws.cycle is not None and run.result is not None
    solver = dict(run.summary.get("solver") or {})
    solver["objective"] = float(run.result.objective or 0.0)  # full precision, for verify
    scenarios = ws.cycle.scenarios
    return CommitRecord(
        cycle=ws.cycle_id,
        charter=ws.cycle.charter,
        scenario=scenarios[0].id if scenarios else "base",
        tagger=tagger,
        plan_digest=plan_digest(ws),
        approvals=approvals,
        files=plan_files(ws),
        kpis=kpis(run.summary),
        assumptions=[assumption_fact(a) for a in ws.cycle.assumptions],
        actions=action_facts(actions),
        solver=solver,
        late_inputs=late_inputs or [],
    )


def dump(record: CommitRecord, name: str) -> str:
    """The tag message: a comment line naming the tag (git shows it as the subject), then the
    record as one YAML document."""
    data = record.model_dump(mode="json")
    if not data["late_inputs"]:  # a record of inputs on time reads as before the key existed
        del data["late_inputs"]
    body = yaml.safe_dump(
        data,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1000,
    )
    return f"# sopctl commit record {name}\n{body}"


def parse(message: str) -> CommitRecord:
    """A tag message back into a CommitRecord; ValueError with the reason when it is none."""
    try:
        data = yaml.safe_load(message)
    except yaml.YAMLError as exc:
        raise ValueError("its message is not YAML") from exc
    if not isinstance(data, dict):
        raise ValueError("the message is not a YAML mapping")
    if data.get("version") != 1:
        raise ValueError(f"unknown record version {data.get('version')!r} (this sopctl reads 1)")
    try:
        return CommitRecord.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise ValueError(f"{where}: {first['msg']}") from exc
