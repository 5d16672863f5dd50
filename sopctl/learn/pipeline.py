"""Pipeline calibration: what became of the deals of the committed pipeline, per stage at the
commit, against the charter's stage probabilities; and the recalibration that follows, as a
proposed charter change (a patch for review — the charter is never edited here).

Realised conversion = won ÷ (won + lost); open deals are not resolved yet, deals without an
outcome row "disappeared". A stage is judged once it has `learn.min_resolved_deals` resolved
deals: a gap above `learn.conversion_tolerance` is a breach and its conversion the suggestion.
"""

from __future__ import annotations

import difflib
import re

import polars as pl

from ..schemas.charter import Stage
from ..tables.refs import ord_col
from ..yamlio import parse_yaml
from . import metrics as m
from . import scorecard as sc
from .model import LearnInputs

CO = ord_col("close_period")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_VALUE = re.compile(r"probability\s*:\s*(?P<number>" + _NUMBER.pattern + ")")


def deal_frame(inp: LearnInputs) -> pl.DataFrame | None:
    """One row per deal of the committed pipeline with its outcome and close slip."""
    pipe = inp.table("pipeline")
    outcomes = inp.actuals.get("deal_outcomes")
    if pipe is None or outcomes is None:
        return None
    deals = pipe.group_by("deal_id", maintain_order=True).agg(
        pl.col("stage").first(), pl.col(CO).first().alias("committed"), pl.col("quantity").sum()
    )
    got = outcomes.select("deal_id", "outcome", pl.col(CO).alias("closed"))
    return deals.join(got, on="deal_id", how="left").with_columns(
        pl.col("outcome").fill_null("disappeared"),
        pl.when(pl.col("outcome").is_in(["won", "lost"]))
        .then(pl.col("closed") - pl.col("committed"))
        .alias("slip"),
    )


def pipeline_rows(inp: LearnInputs) -> tuple[pl.DataFrame, dict[str, float]]:
    """Scorecard rows and the suggested probability per stage that breaches. Without a
    committed pipeline (none, or no deal in it) the outcomes are all new deals: the totals
    still say how many."""
    rules, ch = inp.rules, inp.charter
    info = rules.threshold("pipeline", "conversion").info()
    committed = ch.pipeline is not None and inp.table("pipeline") is not None
    outcomes = inp.actuals.get("deal_outcomes")
    if outcomes is None:
        note = "no actuals: add deals.csv" if committed else "the committed plan has no pipeline"
        return sc.no_data("pipeline", "conversion", info, note), {}
    deals = deal_frame(inp) if committed else None
    out: list[pl.DataFrame] = []
    suggest: dict[str, float] = {}
    if deals is not None and ch.pipeline is not None:
        for stage in ch.pipeline.stages:
            out += _stage_rows(inp, deals.filter(pl.col("stage") == stage.id), stage, suggest)
    return sc.concat([*out, *_total_rows(deals, outcomes, info)]), suggest


def _stage_rows(
    inp: LearnInputs, d: pl.DataFrame, stage: Stage, suggest: dict[str, float]
) -> list[pl.DataFrame]:
    """The rows of one stage's deals `d`; a breach adds its suggestion to `suggest`."""
    rules = inp.rules
    info = rules.threshold("pipeline", "conversion").info()
    tol, least = rules.learn.conversion_tolerance, rules.learn.min_resolved_deals
    counts = {k: d.filter(pl.col("outcome") == k).height for k in ("won", "lost", "open")}
    gone = d.filter(pl.col("outcome") == "disappeared").height
    resolved = counts["won"] + counts["lost"]
    conv = m.conversion(counts["won"], counts["lost"])
    judged = resolved >= least
    th = (
        rules.threshold(
            "pipeline",
            "conversion",
            default=sc.Threshold(stage.probability, tol, "between", target_max=stage.probability),
        )
        if judged
        else info
    )
    note = (
        f"won {counts['won']}, lost {counts['lost']}, open {counts['open']}, "
        f"disappeared {gone}; charter probability {stage.probability:g}"
    )
    if not judged:
        note += f"; {resolved} resolved deals, fewer than the {least} needed to judge"
    row = sc.one("pipeline", "conversion", "stage", stage.id, conv, th, resolved, note)
    out = [row]
    if judged and conv is not None and row["status"][0] == "breach":
        suggest[stage.id] = round(conv, 2)
        out.append(
            sc.one(
                "pipeline",
                "suggested_probability",
                "stage",
                stage.id,
                suggest[stage.id],
                info,
                resolved,
                f"was {stage.probability:g}; see 'sopctl learn --suggest'",
            )
        )
    return [
        *out,
        sc.one("pipeline", "deals", "stage", stage.id, float(d.height), info, d.height),
        sc.one("pipeline", "disappeared", "stage", stage.id, float(gone), info, d.height),
        _slip_row("stage", stage.id, d, info),
    ]


def _slip_row(scope: str, key: str, d: pl.DataFrame, info: sc.Threshold) -> pl.DataFrame:
    """Mean close slip (periods) of the resolved deals of `d`."""
    slips = d.filter(pl.col("slip").is_not_null())
    late = slips.filter(pl.col("slip") > 0).height
    mean_slip = float(slips["slip"].mean()) if slips.height else None  # type: ignore[arg-type]
    note = f"{late} of {slips.height} closed later than committed (periods)"
    return sc.one("pipeline", "close_slip", scope, key, mean_slip, info, slips.height, note)


def _total_rows(
    deals: pl.DataFrame | None, outcomes: pl.DataFrame, info: sc.Threshold
) -> list[pl.DataFrame]:
    """Conversion, deals, disappeared and close slip over every deal of the committed pipeline
    (`deals`; None: it held none), and the outcomes of deals it did not hold."""
    known = set() if deals is None else set(deals["deal_id"].to_list())
    new = outcomes.filter(~pl.col("deal_id").is_in(known)).height
    new_row = sc.one(
        "pipeline",
        "new_deals",
        "total",
        sc.TOTAL,
        float(new),
        info,
        new,
        "outcomes of deals the committed pipeline did not hold",
    )
    if deals is None:
        empty = "the committed plan has no pipeline: every outcome is a new deal"
        return [
            sc.one("pipeline", "conversion", "total", sc.TOTAL, None, info, 0, empty),
            sc.one("pipeline", "deals", "total", sc.TOTAL, 0.0, info, 0),
            new_row,
        ]
    won = deals.filter(pl.col("outcome") == "won").height
    lost = deals.filter(pl.col("outcome") == "lost").height
    gone = deals.filter(pl.col("outcome") == "disappeared").height
    conv = m.conversion(won, lost)
    return [
        sc.one("pipeline", "conversion", "total", sc.TOTAL, conv, info, won + lost),
        sc.one("pipeline", "deals", "total", sc.TOTAL, float(deals.height), info, deals.height),
        sc.one("pipeline", "disappeared", "total", sc.TOTAL, float(gone), info, deals.height),
        _slip_row("total", sc.TOTAL, deals, info),
        new_row,
    ]


def charter_patch(text: str, path: str, suggest: dict[str, float]) -> str:
    """A unified diff that sets each suggested stage probability in the charter `text` (its
    layout and comments kept); '' when nothing changes or the charter cannot be read."""
    doc, _ = parse_yaml(path, text)
    if doc is None or not suggest:
        return ""
    stages = ((doc.data.get("pipeline") or {}).get("stages")) or []
    lines = text.splitlines(keepends=True)
    for i, stage in enumerate(stages):
        sid = stage.get("id") if isinstance(stage, dict) else None
        loc = ("pipeline", "stages", i, "probability")
        if sid not in suggest or loc not in doc.marks:
            continue
        line, col = doc.marks[loc]
        old = lines[line - 1]
        # the mark is the key's position (or the value's): the number after the colon
        hit = _NUMBER.match(old, col - 1) or _VALUE.match(old, col - 1)
        if hit is None:
            continue
        if hit.re is _VALUE:
            start, end = hit.span("number")
            lines[line - 1] = old[:start] + f"{suggest[sid]:g}" + old[end:]
            continue
        lines[line - 1] = old[: hit.start()] + f"{suggest[sid]:g}" + old[hit.end() :]
    new = "".join(lines)
    if new == text:
        return ""
    diff = difflib.unified_diff(
        text.splitlines(keepends=True), lines, fromfile=f"a/{path}", tofile=f"b/{path}"
    )
    return "".join(diff)
