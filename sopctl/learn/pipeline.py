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
    """Scorecard rows and the suggested probability per stage that breaches."""
    rules, ch = inp.rules, inp.charter
    info = rules.threshold("pipeline", "conversion").info()
    if ch.pipeline is None or inp.table("pipeline") is None:
        note = "the committed plan has no pipeline"
        return sc.no_data("pipeline", "conversion", info, note), {}
    deals = deal_frame(inp)
    if deals is None:
        return sc.no_data("pipeline", "conversion", info, "no actuals: add deals.csv"), {}
    tol, least = rules.learn.conversion_tolerance, rules.learn.min_resolved_deals
    out: list[pl.DataFrame] = []
    suggest: dict[str, float] = {}
    for stage in ch.pipeline.stages:
        d = deals.filter(pl.col("stage") == stage.id)
        counts = {k: d.filter(pl.col("outcome") == k).height for k in ("won", "lost", "open")}
        gone = d.filter(pl.col("outcome") == "disappeared").height
        resolved = counts["won"] + counts["lost"]
        conv = m.conversion(counts["won"], counts["lost"])
        judged = resolved >= least
        th = (
            rules.threshold(
                "pipeline",
                "conversion",
                default=sc.Threshold(
                    stage.probability, tol, "between", target_max=stage.probability
                ),
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
        out.append(row)
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
        slips = d.filter(pl.col("slip").is_not_null())
        late = slips.filter(pl.col("slip") > 0).height
        mean_slip = float(slips["slip"].mean()) if slips.height else None  # type: ignore[arg-type]
        out += [
            sc.one("pipeline", "deals", "stage", stage.id, float(d.height), info, d.height),
            sc.one("pipeline", "disappeared", "stage", stage.id, float(gone), info, d.height),
            sc.one(
                "pipeline",
                "close_slip",
                "stage",
                stage.id,
                mean_slip,
                info,
                slips.height,
                f"{late} of {slips.height} closed later than committed (periods)",
            ),
        ]
    known = set(deals["deal_id"].to_list())
    outcomes = inp.actuals.get("deal_outcomes")
    new = 0 if outcomes is None else outcomes.filter(~pl.col("deal_id").is_in(known)).height
    won = deals.filter(pl.col("outcome") == "won").height
    lost = deals.filter(pl.col("outcome") == "lost").height
    gone = deals.filter(pl.col("outcome") == "disappeared").height
    out += [
        sc.one(
            "pipeline", "conversion", "total", sc.TOTAL, m.conversion(won, lost), info, won + lost
        ),
        sc.one("pipeline", "deals", "total", sc.TOTAL, float(deals.height), info, deals.height),
        sc.one("pipeline", "disappeared", "total", sc.TOTAL, float(gone), info, deals.height),
        sc.one(
            "pipeline",
            "new_deals",
            "total",
            sc.TOTAL,
            float(new),
            info,
            new,
            "outcomes of deals the committed pipeline did not hold",
        ),
    ]
    return sc.concat(out), suggest


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
