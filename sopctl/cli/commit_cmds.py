"""Commands: sopctl tag, sopctl verify and sopctl log (commit records as git tags).

Imported at the end of app.py; each command registers itself on `app`. Bodies import the core
lazily and only render what it returns.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import EXIT_FINDINGS, EXIT_OK
from ..quantities import percent
from .app import ViewFormat, app, state
from .fit import print_table
from .options import CycleArg

if TYPE_CHECKING:
    from ..governance.log import LogEntry
    from ..governance.tag import TagOutcome
    from ..governance.verify import VerifyReport

FormatOpt = Annotated[ViewFormat, typer.Option("--format", "-f", help="Output format.")]


def _json(doc: Any) -> None:
    sys.stdout.write(json.dumps(doc, indent=2, sort_keys=True, default=str) + "\n")


@app.command()
def tag(
    cycle: CycleArg = None,
    sign: Annotated[
        bool, typer.Option("--sign", help="Sign the tag (git tag -s: GPG, or SSH keys).")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and print the record; create nothing.")
    ] = False,
    fmt: FormatOpt = ViewFormat.text,
) -> None:
    """Commit: check the cycle (clean tree, valid, outputs current, quorum of current
    approvals, escalations answered) and record it as the annotated tag sop/<cycle>/v<N>.
    Exit 1 with the reasons when it refuses; nothing is created or written then."""
    from ..governance.tag import commit_cycle

    out = commit_cycle(state.root, cycle, sign=sign, dry_run=dry_run)
    if fmt == ViewFormat.json:
        _json(_tag_doc(out))
    else:
        _tag_text(out)
    raise typer.Exit(EXIT_OK if out.ok else EXIT_FINDINGS)


def _tag_doc(out: TagOutcome) -> dict[str, Any]:
    return {
        "ok": out.ok,
        "cycle": out.cycle,
        "commit": out.commit,
        "tag": out.name or None,
        "created": out.created,
        "signed": out.signed,
        "dry_run": out.dry_run,
        "reasons": out.reasons,
        "record": out.record.model_dump(mode="json") if out.record else None,
    }


def _tag_text(out: TagOutcome) -> None:
    if not out.ok:
        n = len(out.reasons)
        print(f"refused to commit cycle {out.cycle} ({n} problem{'s' if n != 1 else ''}):")
        for reason in out.reasons:
            print(f"  - {reason}")
        print("no tag created, nothing written")
        return
    if out.dry_run:
        sys.stdout.write(out.message)
        print(f"dry run: would create {out.name} at {out.commit[:12]}; nothing created")
        return
    assert out.record is not None
    rec = out.record
    kind = "signed tag" if out.signed else "annotated tag"
    print(f"committed cycle {out.cycle} as {out.name} ({kind} at {out.commit[:12]})")
    roles = ", ".join(f"{a.role} {a.person}" for a in rec.approvals)
    print(f"  plan digest {rec.plan_digest[:16]}…, {len(rec.files)} files, approvals: {roles}")
    print(f"  check it any time with: sopctl verify {out.name}")


@app.command()
def verify(
    tag_name: Annotated[str, typer.Argument(metavar="TAG", help="A tag sop/<cycle>/v<N>.")],
    fmt: FormatOpt = ViewFormat.text,
) -> None:
    """Verify a commit record against the tagged tree: file digests, a re-solve of the plan
    when outputs were not committed, approvals, the signature, and whether the working tree
    has moved on. Exit 1 when the plan differs or the signature is bad."""
    from ..governance.verify import verify as run_verify

    rep = run_verify(state.root, tag_name)
    if fmt == ViewFormat.json:
        _json(rep.to_dict())
    else:
        _verify_text(rep)
    raise typer.Exit(EXIT_OK if rep.ok else EXIT_FINDINGS)


def _verify_text(rep: VerifyReport) -> None:
    print(
        f"tag {rep.tag} at {rep.commit[:12]}"
        + (f", cycle {rep.record.cycle}" if rep.record else "")
    )
    counts: dict[tuple[str, str], int] = {}
    for f in rep.files:
        counts[(f.kind, f.source)] = counts.get((f.kind, f.source), 0) + 1
    for (kind, source), n in sorted(counts.items()):
        bad = [
            f.path
            for f in rep.files
            if (f.kind, f.source) == (kind, source) and f.status != "identical"
        ]
        where = "re-solved in a temporary worktree" if source == "re-solved" else "blobs at the tag"
        state_ = f"{len(bad)} differ" if bad else "all identical"
        print(f"  {n} {kind} files ({where}): {state_}")
    obj = rep.objective
    if obj:
        from ..governance.verify import objective_text

        print(f"  plan cost: {objective_text(obj.get('recorded'), obj.get('re_solved'))}")
    for note in rep.notes:
        print(f"  note: {note}")
    for problem in rep.problems:
        print(f"  problem: {problem}")
    sig = rep.signature
    if sig.get("signed"):
        word = "good" if sig.get("ok") else "BAD or unverifiable"
        print(f"  signature: {word}")
        for line in str(sig.get("detail", "")).splitlines():
            print(f"    {line}")
    else:
        print("  signature: none (unsigned tag)")
    ws = rep.workspace
    if ws:
        n = ws["commits_since_tag"]
        since = f"{n} commit{'' if n == 1 else 's'} since"
        if ws["diverged"]:
            moved = [
                f"{what}: {', '.join(ws[what])}" for what in ("changed", "deleted") if ws[what]
            ]
            print(f"  working tree: diverged from the tag ({since}); {'; '.join(moved)}")
        else:
            print(f"  working tree: matches the tag ({since})")
    words = {
        "identical": "verified: identical",
        "alternative_optimum": "verified: alternative optimum (same plan cost, other plan)",
        "different": "FAILED: different — the tagged plan or its approvals do not match the "
        "record (the problems above)",
    }
    verdict = words[rep.verdict]
    if rep.verdict != "different" and sig.get("ok") is False:
        verdict = "FAILED: the signature does not verify"
    print(verdict)


@app.command()
def log(fmt: FormatOpt = ViewFormat.text) -> None:
    """List the committed cycles (tags sop/*/v*), newest first: date, tagger, approvers and
    headline KPIs (service per segment, revenue, margin)."""
    from ..governance.log import committed_cycles

    entries = committed_cycles(state.root)
    if fmt == ViewFormat.json:
        _json([e.to_dict() for e in entries])
    else:
        _log_text(entries)
    raise typer.Exit(EXIT_OK)


def _log_text(entries: list[LogEntry]) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)  # print_table cuts no e-mail or number at any width
    if not entries:
        console.print("no committed cycles yet (no tags sop/<cycle>/v<N>); see 'sopctl tag'")
        return
    console.print("Committed cycles, newest first")
    t = Table(box=box.SIMPLE_HEAD)
    heads = ["cycle", "version", "date", "tagger", "approved by", "service", "revenue", "margin"]
    flagged = any(e.problem for e in entries)
    for c in heads + (["problem"] if flagged else []):
        t.add_column(c, justify="right" if c in ("version", "revenue", "margin") else "left")
    for e in entries:
        k = e.kpis
        service = "\n".join(
            f"{seg} {percent(v)}%" for seg, v in (k.get("service") or {}).items() if v is not None
        )
        rev, margin, pct = k.get("revenue"), k.get("gross_margin"), k.get("gross_margin_pct")
        # the problem is said under the table; a column of its own flags the row
        mark = [Text("see below", style="red") if e.problem else ""] if flagged else []
        t.add_row(
            e.cycle,
            f"{e.version}" + (" signed" if e.signed else ""),
            e.date[:10],
            e.tagger,
            Text("\n".join(f"{a['person']} ({a['role']})" for a in e.approvers)),
            Text(service),
            f"{rev:,.0f} {k.get('currency') or ''}" if rev is not None else "",
            (f"{margin:,.0f}" + (f" ({pct:.1f}%)" if pct is not None else ""))
            if margin is not None
            else "",
            *mark,
        )
    print_table(console, t)
    for e in entries:
        if e.problem:
            console.print(Text(f"{e.tag}: {e.problem}", style="red"))
