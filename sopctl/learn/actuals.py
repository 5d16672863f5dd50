"""Actuals: what happened after the commit, read from a folder (or one CSV) and checked against
their contracts (tables/learn_tables.py and the `actuals` table) with the same machinery as the
cycle inputs, so every finding reads `path:line:col`.

Actuals are facts about periods, not part of a plan, so they are read from the working tree
(or wherever --actuals points); the plan they are compared with always comes from the tag.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from .. import periods
from ..errors import UserError
from ..findings import Finding, finding
from ..results import sha256
from ..schemas.charter import Charter
from ..tables.check import Context, check_table, recheck_keys, resolve_ids
from ..tables.contracts import CONTRACTS
from ..tables.csvread import LINE, read_raw
from ..tables.emit import Emitter
from ..tables.refs import ord_col
from ..workspace import display
from .words import CurrentWords

# file name in an actuals folder -> table (contract) name
FILES: dict[str, str] = {
    "demand.csv": "actuals",
    "order_lines.csv": "order_lines",
    "stock.csv": "stock_levels",
    "production.csv": "production_actuals",
    "resource_hours.csv": "resource_hours",
    "deals.csv": "deal_outcomes",
    "lead_times.csv": "lead_times",
    "assumptions.csv": "assumption_outcomes",
}
TABLE_FILE = {t: f for f, t in FILES.items()}
# table -> its period column: rows outside the committed horizon are not compared (SOP735)
COMPARED_PERIOD = {
    "actuals": "period",
    "order_lines": "requested_period",
    "stock_levels": "period",
    "production_actuals": "period",
    "resource_hours": "period",
}
# column -> the kind of id the committed plan must know (rows naming another are left out)
KNOWN = {"item": "item", "resource": "resource", "material": "material"}


@dataclass
class Actuals:
    location: str  # as shown (relative to the planning repository when inside it)
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)  # typed, with LINE
    files: dict[str, str] = field(default_factory=dict)  # table -> shown path
    digests: dict[str, str] = field(default_factory=dict)  # shown path -> SHA-256 of its bytes
    read: list[str] = field(default_factory=list)  # every actuals file read (shown), even a bad one
    headers: dict[str, list[str]] = field(default_factory=dict)  # table -> header
    findings: list[Finding] = field(default_factory=list)

    def get(self, table: str) -> pl.DataFrame | None:
        df = self.tables.get(table)
        return df if df is not None and df.height else None


def locate(root: Path, cycle: str, given: Path | None, cwd: Path) -> Path:
    """--actuals as given; else actuals/<cycle>/, else actuals/ in the planning repository."""
    if given is not None:
        path = given if given.is_absolute() else cwd / given
        if not path.exists():
            raise UserError(
                f"no actuals at {given}", hint="pass a CSV file or a folder of actuals CSVs"
            )
        return path
    for candidate in (root / "actuals" / cycle, root / "actuals"):
        if candidate.is_dir():
            return candidate
    raise UserError(
        f"no actuals for cycle {cycle}: neither actuals/{cycle}/ nor actuals/ exists",
        hint="put the actuals CSVs there (see docs/learn.md) or pass --actuals PATH",
    )


def context(ch: Charter, bucket: str, first: int, horizon: int) -> Context:
    ids = {
        "charter.segments": frozenset(s.id for s in ch.segments),
        "charter.stages": frozenset(s.id for s in (ch.pipeline.stages if ch.pipeline else [])),
        "charter.roles": frozenset(ch.role_ids()),
        "charter.members": frozenset(m for r in ch.roles for m in r.members),
    }
    return Context(bucket, first, horizon, ids, ch.aliases())  # type: ignore[arg-type]


def _identify(path: Path, shown: str, max_bytes: int) -> tuple[str | None, list[Finding]]:
    """The table a single CSV holds: by its file name, else by its header."""
    if path.name in FILES:
        return FILES[path.name], []
    every = {c.name for t in FILES.values() for c in CONTRACTS[t].columns}
    raw, fs = read_raw(path, shown, every, max_bytes)
    if raw is None:
        return None, fs
    header = set(raw.header)
    fits = [
        (len(req), t)
        for t in FILES.values()
        if (req := {c.name for c in CONTRACTS[t].columns if c.required}) <= header
    ]
    if fits:
        return max(fits)[1], []
    names = ", ".join(f"{f} ({t})" for f, t in FILES.items())
    return None, [
        finding(
            shown,
            1,
            0,
            "SOP732",
            "the header matches no actuals table; name the file after its table or give it "
            f"the columns of one of: {names}",
        )
    ]


def load(
    root: Path,
    location: Path,
    ctx: Context,
    known: dict[str, frozenset[str]],
    max_bytes: int,
    words: CurrentWords | None = None,
) -> Actuals:
    """Read and check every actuals table at `location` (a folder or one CSV); `words`:
    names of the current charter that the tag knows by other names (read as the tag's)."""
    shown = display(root, location)
    act = Actuals(shown)
    if location.is_dir():
        picked = {}
        for p in sorted(location.iterdir()):
            if p.name in FILES:
                picked[FILES[p.name]] = p
            elif p.suffix.lower() == ".csv":
                act.findings.append(
                    finding(
                        display(root, p),
                        0,
                        0,
                        "SOP730",
                        f"{p.name} is not an actuals table and is not read; name it one of: "
                        f"{', '.join(FILES)}",
                    )
                )
        if not picked:
            raise UserError(
                f"no actuals in {shown}: none of {', '.join(FILES)} is there",
                hint="see docs/learn.md for the actuals files and their columns",
            )
    else:
        table, fs = _identify(location, shown, max_bytes)
        act.findings.extend(fs)
        picked = {table: location} if table else {}
        if table is None:  # looked at, but no actuals table: still a file checked
            act.read.append(shown)
    for table, path in picked.items():
        _one(root, act, table, path, ctx, known, max_bytes, words)
    return act


def _one(
    root: Path,
    act: Actuals,
    table: str,
    path: Path,
    ctx: Context,
    known: dict[str, frozenset[str]],
    max_bytes: int,
    words: CurrentWords | None = None,
) -> None:
    contract = CONTRACTS[table]
    shown = display(root, path)
    act.read.append(shown)
    raw, fs = read_raw(path, shown, set(contract.names), max_bytes)
    act.findings.extend(fs)
    if raw is None:
        return
    act.digests[shown] = sha256(path)  # tag.json records what the scorecard read
    if words is not None:  # current names first: the tag's own reading then finds its ids
        renamed = Emitter(shown, raw.header)
        for c in contract.columns:
            raw.frame = words.apply(renamed, raw.frame, c.name, c.ref)
        act.findings.extend(renamed.findings)
    checked, fs = check_table(raw, contract, ctx)
    act.findings.extend(fs)
    df = checked.frame
    out = Emitter(shown, checked.header)
    for column, kind in KNOWN.items():
        if column not in df.columns or kind not in known:
            continue
        ids = known[kind]
        resolved = resolve_ids(
            out,
            df,
            column,
            ids,
            ctx.aliases,
            kind,
            "SOP731",
            "the committed plan has no such id, so these rows are left out; correct the id",
        )
        if column in contract.key:
            recheck_keys(out, df, resolved, contract.key)
        df = resolved.filter(pl.col(column).is_in(list(ids)) | pl.col(column).is_null())
    if table == "lead_times" and {"order_period", "receipt_period"} <= set(df.columns):
        bad = df.filter(pl.col(ord_col("receipt_period")) < pl.col(ord_col("order_period")))
        out.rows(
            "SOP733",
            "receipt_period",
            bad[LINE].to_list(),
            lambda _i: "the receipt period is before the order period; correct one of them",
        )
    act.findings.extend(out.findings)
    act.tables[table] = df
    act.files[table] = shown
    act.headers[table] = checked.header


def assumption_findings(act: Actuals, cycle: str, ids: set[str]) -> list[Finding]:
    """SOP734 for outcomes of this cycle that name no documented assumption."""
    df = act.get("assumption_outcomes")
    if df is None:
        return []
    out = Emitter(act.files["assumption_outcomes"], act.headers["assumption_outcomes"])
    bad = df.filter((pl.col("cycle") == cycle) & ~pl.col("assumption_id").is_in(list(ids)))
    names = bad["assumption_id"].to_list()
    out.rows(
        "SOP734",
        "assumption_id",
        bad[LINE].to_list(),
        lambda i: (
            f"cycle {cycle} documents no assumption '{names[i]}' (it has: "
            f"{', '.join(sorted(ids)) or 'none'}); correct the id"
        ),
    )
    return out.findings


def horizon_findings(
    act: Actuals,
    ctx: Context,
    tag: str = "",
    holders: Callable[[int, int], list[str]] | None = None,
) -> list[Finding]:
    """SOP735, one per file that has rows but none inside the committed horizon (the wrong
    cycle, or the wrong periods), at its first row: nothing of it is compared with the plan.
    A file that also has rows inside (one actuals/ folder serves every cycle) is no mistake.
    `tag`: the plan learnt; `holders(first, last)`: the tags of committed cycles whose horizon
    holds those periods (ordinals), to name the one to learn instead."""
    first, last = ctx.first_ordinal, ctx.first_ordinal + ctx.horizon - 1
    span = f"{periods.from_ordinal(first, ctx.bucket)}..{periods.from_ordinal(last, ctx.bucket)}"
    out: list[Finding] = []
    for table, column in COMPARED_PERIOD.items():
        df = act.tables.get(table)
        if df is None or ord_col(column) not in df.columns:
            continue
        o = pl.col(ord_col(column))
        outside = df.filter(o.is_not_null() & ~o.is_between(first, last)).sort(LINE)
        if not outside.height or df.filter(o.is_between(first, last)).height:
            continue
        seen = sorted(set(outside[column].to_list()))
        shown = ", ".join(seen[:6]) + (" ..." if len(seen) > 6 else "")
        name = Path(act.files[table]).name
        one = outside.height == 1
        them, verb, be = ("it", "falls", "is") if one else ("them", "fall", "are")
        if outside.height == df.height:
            rows = (
                f"the only row of {name}"
                if one
                else f"both rows of {name}"
                if df.height == 2
                else f"all {df.height} rows of {name}"
            )
        else:
            rows = f"{outside.height} row{'' if one else 's'} of {df.height} in {name}"
        emit = Emitter(act.files[table], act.headers[table])
        lo, hi = outside[ord_col(column)].min(), outside[ord_col(column)].max()
        found = holders(int(lo), int(hi)) if holders is not None else []  # type: ignore[arg-type]
        of = f" of {tag}" if tag else ""
        if found:
            todo = f"run {' or '.join(f'sopctl learn {t}' for t in found)} to score {them}"
        elif holders is not None:
            todo = (
                f"no committed cycle's horizon holds {'it' if one else 'them all'}: check "
                f"{'its period' if one else 'their periods'}, or learn the cycle that plans "
                f"{them} once it is committed"
            )
        else:
            todo = f"learn the cycle whose horizon holds {them} to score {them}"
        out.append(
            finding(
                act.files[table],
                int(outside[LINE][0]),
                emit.col(column),
                "SOP735",
                f"{rows} {verb} outside the committed horizon {span}{of} ({column} {shown}) "
                f"and {be} not compared with the plan; {todo}",
            )
        )
    return out


def partial_findings(act: Actuals, plan: pl.DataFrame | None, labels: list[str]) -> list[Finding]:
    """SOP736, one per observed period of demand.csv that has rows for fewer than half of the
    series (item × segment) the committed plan forecasts for it (final above 0), at the
    period's first row: inside an observed period a planned series without a row counts as 0
    orders (docs/metrics.md), so a period loaded in part reads as a large over-forecast."""
    df = act.get("actuals")
    if df is None or plan is None:
        return []
    series = ["item", "segment"]
    planned = (
        plan.filter(pl.col("period").is_in(labels) & (pl.col("final") > 0))
        .select(*series, "period")
        .unique()
    )
    given = df.filter(pl.col("period").is_in(labels)).select(*series, "period").unique()
    hits = given.join(planned, on=[*series, "period"], how="semi")
    counts = (
        given.select("period")
        .unique()  # the observed periods: a period without rows is not compared
        .join(planned.group_by("period").agg(pl.len().alias("planned")), on="period")
        .join(hits.group_by("period").agg(pl.len().alias("given")), on="period", how="left")
        .with_columns(pl.col("given").fill_null(0))
        .filter(pl.col("given") * 2 < pl.col("planned"))
        .sort("period")
    )
    if not counts.height:
        return []
    emit = Emitter(act.files["actuals"], act.headers["actuals"])
    first = df.group_by("period").agg(pl.col(LINE).min())
    line = dict(first.iter_rows())
    out = []
    for period, n_plan, n_given in counts.select("period", "planned", "given").iter_rows():
        rows = f"{n_given} of the {n_plan}" if n_given else f"none of the {n_plan}"
        rest = f"the other {n_plan - n_given}" if n_given else "all of them"
        out.append(
            finding(
                act.files["actuals"],
                int(line[period]),
                emit.col("period"),
                "SOP736",
                f"{period} has rows for {rows} series (item × segment) the committed plan "
                f"forecasts for it: learn reads {rest} as 0 orders, so the period looks "
                "over-forecast; load the whole period into "
                f"{Path(act.files['actuals']).name}, or leave {period} out of it until it is "
                "complete",
            )
        )
    return out
