"""`sopctl learn`: the committed plan of a tag (from git) against the actuals, as a scorecard.

Order: resolve the tag; read its committed plan and inputs (committed.py, never the working
tree); read and check the actuals; read the other cycles' tags whose horizons reach the
observed periods (lags); compute every section; write learn/<cycle>/scorecard.csv,
series.csv, tag.json (which tag they score: provenance.py) and, with --suggest, charter.patch
in one all-or-nothing step. Actuals with errors write nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from .. import periods, vcs
from ..costs import item_costs
from ..errors import EXIT_FINDINGS, EXIT_OK, UserError
from ..findings import Finding, Report, finding
from ..governance.log import skipped_note
from ..outputs import write_all
from ..tables.refs import in_current_terms
from ..workspace import find_root
from . import actuals as acts
from . import committed, provenance
from . import scorecard as sc
from .adherence import adherence_rows
from .assumptions import assumption_rows, lead_time_rows
from .forecast import NO_DEMAND, layer_rows, naive_of, owner_rows, series_frame
from .forecast import forecast_rows as fc_rows
from .inventory import inventory_rows
from .lag import NO_ACTUALS, lag_rows, lag_stats
from .model import LearnInputs, observed
from .pipeline import charter_patch, pipeline_rows
from .rules import Rules
from .service import service_rows
from .words import current_words

Progress = Callable[[str], None]
NEED = (*committed.DEMAND_FILES, *committed.PLAN_FILES)
PLAN = "demand_plan.csv"
PATCH = "charter.patch"  # the only file of learn/<cycle>/ a run may leave out


@dataclass
class LearnResult:
    tag: str
    cycle: str
    commit: str
    report: Report
    scorecard: pl.DataFrame = field(default_factory=sc.empty)
    series: pl.DataFrame = field(default_factory=pl.DataFrame)
    sources: dict[str, str] = field(default_factory=dict)  # committed file -> tag|cache|rebuilt
    lag_tags: list[str] = field(default_factory=list)
    actuals: str = ""
    actuals_files: dict[str, str] = field(default_factory=dict)
    observed: list[str] = field(default_factory=list)
    suggestions: dict[str, float] = field(default_factory=dict)
    patch: str = ""
    out_dir: Path | None = None
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # an earlier run's file this one replaced

    @property
    def ok(self) -> bool:
        return self.report.ok

    @property
    def breaches(self) -> int:
        return self.scorecard.filter(pl.col("status") == "breach").height

    @property
    def exit_code(self) -> int:
        if not self.report.ok or sc.error_breaches(self.scorecard):
            return EXIT_FINDINGS
        return EXIT_OK


def run_learn(
    root: Path | None,
    target: str | None,
    actuals: Path | None = None,
    *,
    suggest: bool = False,
    write: bool = True,
    cwd: Path | None = None,
    progress: Progress | None = None,
) -> LearnResult:
    say = progress or (lambda _m: None)
    cwd = cwd or Path.cwd()
    base = find_root(root or cwd)
    name, passed_over = committed.resolve(base, target, cwd)
    ref = committed.read_ref(base, name)
    say(f"reading the committed plan of {ref.name}")
    plan, ws = committed.load(base, ref, NEED, workspace=True)
    res = LearnResult(ref.name, ref.cycle, ref.commit, Report(list(plan.findings)))
    res.report.extend(finding(ref.name, 0, 0, "SOP725", note) for note in passed_over)
    res.sources = dict(plan.sources)
    if ws is None or ws.charter is None or ws.cycle is None:
        raise UserError(f"the charter or cycle.yaml of {ref.name} cannot be read")
    charter = ws.charter
    location = acts.locate(base, ref.cycle, actuals, cwd)
    say("checking the actuals")
    tables = {name: t.frame for name, t in ws.tables.items()}
    ctx = acts.context(charter, plan.bucket, plan.first, plan.horizon)
    known = _known(tables, plan)
    names = {"item": known["item"], "segment": ctx.charter_ids["charter.segments"]}
    words = current_words(base, ref.record.charter, ref.name, names, ctx.aliases)
    max_bytes = charter.limits.max_input_mb * 2**20
    act = acts.load(base, location, ctx, known, max_bytes, words)
    assumption_ids = {str(a.get("id")) for a in ref.record.assumptions}
    act.findings += acts.assumption_findings(act, ref.cycle, assumption_ids)
    res.report.extend(act.findings)
    res.report.checked_files += act.read
    res.actuals, res.actuals_files = act.location, dict(act.files)
    if any(f.severity == "error" for f in act.findings):
        return res
    # rows no section compares: named with the committed cycle whose horizon holds them
    res.report.extend(acts.horizon_findings(act, ctx, ref.name, _holders(base, ref, plan.bucket)))
    res.report.extend(acts.partial_findings(act, plan.frames.get(PLAN), plan.periods()))
    costs = item_costs(ws) if "items" in tables else None
    inp = LearnInputs(plan, charter, tables, act, Rules(charter), unit_costs=costs)
    res.observed = observed(act.get("actuals"), inp.labels)
    say("reading earlier commitments for the lag analysis")
    inp.others, skipped = _others(base, ref, plan, res.observed)
    # other tags' names in this tag's words, as the actuals are: its glossary, then the current
    aliases = ctx.aliases | words.aliases()
    for c in inp.others:
        c.frames[PLAN] = in_current_terms(
            c.frames[PLAN], names, aliases, key=["item", "segment", "period"], value="final"
        )
    res.report.extend(skipped)
    res.lag_tags = sorted([ref.name, *(c.ref.name for c in inp.others)])
    for c in inp.others:
        res.report.extend(c.findings)
    say("scoring")
    res.series, card = _score(inp)
    pipe, res.suggestions = pipeline_rows(inp)
    card = sc.concat([card, pipe, lead_time_rows(inp)])
    res.scorecard = sc.concat([card, assumption_rows(inp, card)])
    if suggest and res.suggestions:
        res.patch = _patch(base, ref.record.charter, res.suggestions)
    if write:
        res.out_dir = base / "learn" / ref.cycle
        files: dict[Path, str | bytes] = {
            res.out_dir / "scorecard.csv": sc.scorecard_bytes(res.scorecard),
            res.out_dir / "series.csv": sc.frame_bytes(res.series),
            res.out_dir / provenance.NAME: provenance.provenance(
                ref.name, ref.commit, ref.record.plan_digest, res.actuals, act.digests
            ),
        }
        if res.patch:
            files[res.out_dir / PATCH] = res.patch
        # a file of an earlier run this one does not make (its patch) would stand beside a
        # scorecard that does not support it: it goes with the same write
        stale = [] if res.patch else [res.out_dir / PATCH]
        res.removed = sorted(p.relative_to(base) for p in stale if p.exists())
        write_all(files, root=base, remove=stale)
        res.written = sorted(p.relative_to(base) for p in files)
    return res


def _known(tables: dict[str, pl.DataFrame], plan: committed.Committed) -> dict[str, frozenset[str]]:
    """Ids the committed plan knows, per kind: actuals naming others are left out (SOP731)."""
    out: dict[str, set[str]] = {"item": set(), "resource": set(), "material": set()}
    for kind, table, column in (
        ("item", "items", "item"),
        ("resource", "resources", "resource"),
        ("material", "materials", "material"),
    ):
        if table in tables and column in tables[table].columns:
            out[kind] |= set(tables[table][column].drop_nulls().to_list())
    for name, kind in (("demand_plan.csv", "item"), ("capacity_plan.csv", "resource")):
        df = plan.frames.get(name)
        if df is not None and kind in df.columns:
            out[kind] |= set(df[kind].drop_nulls().unique().to_list())
    return {k: frozenset(v) for k, v in out.items()}


def _holders(
    base: Path, ref: committed.TagRef, bucket: periods.Bucket
) -> Callable[[int, int], list[str]]:
    """The tags of the other committed cycles (their latest sound tag) whose horizon holds the
    periods first..last (ordinals); read only when a file of actuals needs it (SOP735)."""

    def find(first: int, last: int) -> list[str]:
        latest, _ = committed.latest_tags(base)
        out = []
        for cycle, name in sorted(latest.items()):
            if cycle == ref.cycle:
                continue
            try:
                b, start, horizon = committed.calendar(base, committed.read_ref(base, name))
            except UserError:
                continue
            if b == bucket and start <= first and last <= start + horizon - 1:
                out.append(name)
        return out

    return find


def _others(
    base: Path, ref: committed.TagRef, plan: committed.Committed, obs: list[str]
) -> tuple[list[committed.Committed], list[Finding]]:
    """The latest tag of every other cycle whose horizon reaches an observed period, read in
    a few threads (git, hashing and CSV parsing release the interpreter lock)."""
    from concurrent.futures import ThreadPoolExecutor

    ords = [o for p in obs if (o := periods.to_ordinal(p, plan.bucket)) is not None]
    if not ords:
        return [], []
    lo, hi = min(ords), max(ords)
    todo, skipped = [], []
    latest, passed_over = committed.latest_tags(base)
    for e in passed_over:  # a tag that fails the cheap checks is no lag of this plan
        if e.cycle != ref.cycle:
            what = f"{skipped_note(e)}; left out of the lags"
            skipped.append(finding(e.tag, 0, 0, "SOP724", what))
    for cycle, name in latest.items():
        if cycle == ref.cycle:
            continue
        try:
            other = committed.read_ref(base, name)
            bucket, first, horizon = committed.calendar(base, other)
        except UserError as exc:
            skipped.append(finding(name, 0, 0, "SOP724", f"{exc.message}; left out of the lags"))
            continue
        if bucket == plan.bucket and first <= hi and first + horizon - 1 >= lo:
            todo.append(other)
    cols = {PLAN: ["item", "segment", "period", "final"]}

    def one(other: committed.TagRef) -> committed.Committed:
        return committed.load(base, other, (PLAN,), columns=cols)[0]

    with ThreadPoolExecutor(max_workers=3) as pool:
        loaded = list(pool.map(one, todo))
    out = []
    for c in loaded:
        if PLAN in c.frames:
            out.append(c)
        else:
            what = f"the demand view of {c.ref.name} cannot be read"
            skipped.append(finding(c.ref.name, 0, 0, "SOP724", what))
    return out, skipped


def _score(inp: LearnInputs) -> tuple[pl.DataFrame, pl.DataFrame]:
    rules = inp.rules
    demand = inp.actuals.get("actuals")
    plan = inp.plan("demand_plan.csv")
    out: list[pl.DataFrame] = []
    series = pl.DataFrame()
    if plan is None:
        th = rules.threshold("forecast", "wape")
        out.append(sc.no_data("forecast", "wape", th, "the committed demand view cannot be read"))
    else:
        naive, how = naive_of(
            inp.table("demand_history"), inp.labels, inp.target.bucket, rules.learn.naive
        )
        limit = rules.learn.tracking_signal_limit
        series = series_frame(plan, demand, naive, inp.labels, limit)
        out += [
            fc_rows(series, rules, inp.lacking(NO_DEMAND, "actuals")),
            layer_rows(series, rules, how),
            owner_rows(
                series, inp.plan("demand_sources.csv"), inp.table("overrides"), rules, inp.charter
            ),
        ]
    plans = [inp.target, *inp.others]
    why = inp.lacking(NO_ACTUALS, "actuals")
    out.append(lag_rows(lag_stats(plans, demand, inp.labels), rules, why))
    out += [service_rows(inp), inventory_rows(inp), adherence_rows(inp)]
    return series, sc.concat(out)


def _patch(base: Path, charter: str, suggest: dict[str, float]) -> str:
    path = base / "charters" / f"{charter}.yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    top = vcs.repo_top(base).resolve()
    rel = path.resolve().relative_to(top).as_posix()
    return charter_patch(text, rel, suggest)
