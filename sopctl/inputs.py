"""Read and check every input table a charter declares for a cycle, then cross-table references."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from . import periods
from .files import link_problem
from .findings import Finding, finding
from .schemas.charter import Charter
from .schemas.cycle import Cycle
from .tables.check import Context, Table, check_table, recheck_keys, resolve_ids
from .tables.contracts import CONTRACTS
from .tables.csvread import LINE, read_raw
from .tables.emit import Emitter
from .tables.idrule import shown
from .workspace import display
from .yamlio import YamlDoc

if TYPE_CHECKING:
    from .validate import Workspace


def table_context(ch: Charter, cy: Cycle) -> Context:
    """What the tables of cycle `cy` are checked against: its calendar and the charter's ids."""
    first = periods.to_ordinal(cy.first_period, ch.cadence.bucket)
    assert first is not None
    ids = {
        "charter.segments": frozenset(s.id for s in ch.segments),
        "charter.stages": frozenset(s.id for s in (ch.pipeline.stages if ch.pipeline else [])),
        "charter.roles": frozenset(ch.role_ids()),
        "charter.members": frozenset(m for r in ch.roles for m in r.members),
    }
    return Context(
        bucket=ch.cadence.bucket,
        first_ordinal=first,
        horizon=cy.horizon or ch.cadence.horizon_periods,
        charter_ids=ids,
        aliases=ch.aliases(),
    )


def load_inputs(
    ws: Workspace, ch: Charter, cy: Cycle, ch_doc: YamlDoc
) -> tuple[dict[str, Table], list[Finding], list[str], set[str]]:
    """The tables read, the findings, the files checked and the tables whose ids are not all
    known: declared but not read (a finding says why) or read without rows it lost (SOP206).
    References into those are not judged until they are fixed."""
    from .validate import shadow_findings

    root = ws.root
    inputs_dir = ws.cycle_dir / "inputs"
    ctx = table_context(ch, cy)
    findings: list[Finding] = []
    tables: dict[str, Table] = {}
    checked: list[str] = []
    unreadable: set[str] = set()  # declared tables that could not be read (already reported)
    # tables that dropped rows they could not split into fields (SOP206): their ids are
    # incomplete, so references into them are not checked until those rows are fixed
    partial: set[str] = set()
    declared: set[str] = set()
    max_bytes = ch.limits.max_input_mb * 2**20
    for i, decl in enumerate(ch.inputs):
        rel = decl.file.strip().removeprefix("./")
        declared.add(rel)
        target = inputs_dir / rel
        shown = display(root, target)
        if ".." in Path(rel).parts or Path(rel).is_absolute():
            line, col = ch_doc.where(("inputs", i, "file"))
            findings.append(
                finding(
                    ch_doc.path,
                    line,
                    col,
                    "SOP609",
                    f"'{decl.file}' leaves the cycle's inputs/ folder; name a file inside it",
                )
            )
            continue
        problem = link_problem(root, target, shown)
        if problem is not None:
            findings.append(problem)
            unreadable.add(decl.table)
            continue
        if not target.exists():
            if decl.required:  # an optional table left out has no finding of its own
                unreadable.add(decl.table)
                line, col = ch_doc.where(("inputs", i, "file"))
                findings.append(
                    finding(
                        ch_doc.path,
                        line,
                        col,
                        "SOP602",
                        f"required input {shown} ({decl.table}, owned by "
                        f"{decl.owner}, due at {decl.due}) is missing; add it "
                        "or mark the input required: false",
                    )
                )
            continue
        if decl.table in tables or decl.table in unreadable or shown in checked:
            continue  # declared twice: reported by the charter checks
        contract = CONTRACTS[decl.table]
        checked.append(shown)
        raw, fs = read_raw(target, shown, contract.names, max_bytes)
        findings.extend(fs)
        if raw is None:
            unreadable.add(decl.table)
            continue
        if raw.dropped:
            partial.add(decl.table)
        table, fs = check_table(raw, contract, ctx)
        findings.extend(fs)
        tables[decl.table] = table
    findings.extend(shadow_findings(root, inputs_dir, declared))
    files: dict[str, str] = {d.table: display(root, inputs_dir / d.file.strip()) for d in ch.inputs}
    findings.extend(_cross_refs(tables, ctx, unreadable | partial, files))
    findings.extend(_unrouted(tables, unreadable | partial))
    return tables, findings, checked, unreadable | partial


def _unrouted(tables: dict[str, Table], incomplete: set[str]) -> list[Finding]:
    """SOP407: items made in house (sourcing make, the default) that no row of routings.csv
    names. The plan would make them on no resource, without any capacity limit; bought-in
    items need no routing. Only when both tables were read whole: an id may be on a lost row."""
    items, routings = tables.get("items"), tables.get("routings")
    if items is None or routings is None or {"items", "routings"} & incomplete:
        return []
    if "item" not in items.frame.columns or "item" not in routings.frame.columns:
        return []
    made = pl.col("sourcing").is_null() | (pl.col("sourcing") == "make")
    frame = items.frame.filter(made) if "sourcing" in items.frame.columns else items.frame
    routed = routings.frame["item"].drop_nulls().unique().implode()
    bad = frame.filter(pl.col("item").is_not_null() & ~pl.col("item").is_in(routed))
    ids = bad["item"].to_list()
    out = Emitter(items.path, items.header)
    out.rows(
        "SOP407",
        "item",
        bad[LINE].to_list(),
        lambda i: (
            f"item '{shown(ids[i])}' is made in house (sourcing make, the default) but no row "
            f"of {routings.path} names it, so the plan makes it with no capacity limit; add its "
            "hours per unit on the resources it uses, or write sourcing buy if it is bought in"
        ),
    )
    return out.findings


def _cross_refs(
    tables: dict[str, Table], ctx: Context, unreadable: set[str], files: dict[str, str]
) -> list[Finding]:
    """References from one table to another, e.g. routings.item -> items.item; none into a
    table in `unreadable` (its own findings come first: an id may be on a row it lost)."""
    out: list[Finding] = []
    for name, table in tables.items():
        for c in table.contract.columns:
            if not c.ref or c.ref.startswith("charter.") or c.name not in table.frame.columns:
                continue
            target_table, target_col = c.ref.split(".", 1)
            if target_table == name or target_table in unreadable:
                continue
            o = Emitter(table.path, table.header)
            target = tables.get(target_table)
            if target is None:
                fix = (
                    f"whose file {files[target_table]} is missing or not a readable file; "
                    "fix or add it"
                    if target_table in files  # declared: its own finding says what is wrong
                    else f"which this cycle does not have; declare the {target_table} input "
                    "in the charter"
                )
                out.append(
                    finding(
                        table.path,
                        1,
                        o.col(c.name),
                        "SOP402",
                        f"column '{c.name}' refers to the {target_table} table, {fix}",
                    )
                )
                continue
            if target_col not in target.frame.columns:
                continue  # its missing key column is reported on that table
            ids = frozenset(target.frame[target_col].drop_nulls().to_list())
            frame = resolve_ids(
                o,
                table.frame,
                c.name,
                ids,
                ctx.aliases,
                target_col,
                "SOP402",
                f"add it to {target.path} or correct the id",
            )
            if c.name in table.contract.key:
                recheck_keys(o, table.frame, frame, table.contract.key)
            table.frame = frame
            out.extend(o.findings)
    return out
