"""Plan adherence: production per item and hours per resource, actual against the committed
supply and capacity plans; actual utilisation per resource against the charter.

Actual hours come from resource_hours.csv; without it they are derived from production.csv and
the tagged routings (units produced × hours per unit), which the note says.
"""

from __future__ import annotations

import polars as pl

from . import metrics as m
from . import scorecard as sc
from .model import LearnInputs, observed


def _observed_grid(
    df: pl.DataFrame, keys: list[str], labels: list[str], value: str
) -> pl.DataFrame:
    obs = observed(df, labels)
    return df.filter(pl.col("period").is_in(obs)).select(*keys, "period", value)


def adherence_rows(inp: LearnInputs) -> pl.DataFrame:
    rules = inp.rules
    floor = sc.Threshold(target=rules.learn.production_adherence_min, direction="at_least")
    th = rules.threshold("adherence", "production_adherence", default=floor)
    out: list[pl.DataFrame] = []
    produced = inp.actuals.get("production_actuals")
    supply = inp.plan("supply_plan.csv")
    if produced is None or supply is None or not inp.in_horizon(produced).height:
        why = (
            inp.lacking("no actuals: add production.csv", "production_actuals")
            if supply is not None
            else ("the committed supply plan could not be read")
        )
        out.append(sc.no_data("adherence", "production_adherence", th, why))
    else:
        out += _production(inp, produced, supply, th)
    out += _resources(inp, th)
    return sc.concat(out)


def _production(
    inp: LearnInputs, produced: pl.DataFrame, supply: pl.DataFrame, th: sc.Threshold
) -> list[pl.DataFrame]:
    act = _observed_grid(produced, ["item"], inp.labels, "produced")
    obs = act["period"].unique().to_list()
    plan = supply.filter(pl.col("period").is_in(obs)).select(
        "item", "period", pl.col("production").alias("plan")
    )
    j = plan.join(act, on=["item", "period"], how="full", coalesce=True).with_columns(
        pl.col("plan").fill_null(0.0), pl.col("produced").fill_null(0.0).alias("actual")
    )
    aggs = [
        m.adherence().alias("adherence"),
        m.ratio(pl.col("actual").sum(), pl.col("plan").sum()).alias("vs"),
        pl.len().alias("n"),
        pl.col("plan").sum().alias("planned"),
        pl.col("actual").sum().alias("produced"),
    ]
    total = j.select(aggs).with_columns(pl.lit(sc.TOTAL).alias("key"))
    per = j.group_by("item").agg(aggs).sort("item").with_columns(pl.col("item").alias("key"))
    # nothing planned: both ratios have no base, and the note says why
    note = (
        pl.when(pl.col("planned").abs() > sc.EPS)
        .then(pl.lit(""))
        .when(pl.col("produced").abs() > sc.EPS)
        .then(
            pl.format(
                "planned 0, produced {}: production the plan did not decide, so there is no "
                "plan to adhere to",
                sc.qty(pl.col("produced")),
            )
        )
        .otherwise(pl.lit("planned 0, produced 0: no plan to adhere to"))
        .alias("note")
    )
    info = th.info()
    out = []
    for scope, g in (("total", total), ("item", per)):
        out.append(
            sc.rows(
                "adherence",
                "production_adherence",
                scope,
                g.select("key", pl.col("adherence").alias("value"), "n", note),
                th,
            )
        )
        out.append(
            sc.rows(
                "adherence",
                "production_vs_plan",
                scope,
                g.select("key", pl.col("vs").alias("value"), "n", note),
                info,
            )
        )
    return out


def _actual_hours(inp: LearnInputs) -> tuple[pl.DataFrame | None, str]:
    hours = inp.actuals.get("resource_hours")
    if hours is not None:
        return _observed_grid(hours, ["resource"], inp.labels, "hours"), "from resource_hours.csv"
    produced = inp.actuals.get("production_actuals")
    routings = inp.table("routings")
    if produced is None or routings is None:
        return None, ""
    act = _observed_grid(produced, ["item"], inp.labels, "produced")
    derived = (
        act.join(routings.select("item", "resource", "hours_per_unit"), on="item", how="inner")
        .group_by("resource", "period")
        .agg((pl.col("produced") * pl.col("hours_per_unit")).sum().alias("hours"))
    )
    return derived, "derived from production.csv × the tagged routings"


def _resources(inp: LearnInputs, floor: sc.Threshold) -> list[pl.DataFrame]:
    rules = inp.rules
    cap = inp.plan("capacity_plan.csv")
    th_adh = rules.threshold(
        "adherence", "hours_adherence", default=sc.Threshold(floor.target, direction="at_least")
    )
    hours, source = _actual_hours(inp)
    if cap is None or hours is None or not hours.height:
        why = (
            "the committed capacity plan could not be read"
            if cap is None
            else inp.lacking(
                "no actuals: add resource_hours.csv or production.csv",
                "resource_hours",
                "production_actuals",
            )
        )
        return [sc.no_data("adherence", "utilisation_peak", th_adh.info(), why)]
    obs = hours["period"].unique().to_list()
    plan = cap.filter(pl.col("period").is_in(obs)).select(
        "resource", "period", pl.col("load").alias("plan"), "available"
    )
    j = plan.join(hours, on=["resource", "period"], how="left").with_columns(
        pl.col("hours").fill_null(0.0).alias("actual")
    )
    g = (
        j.group_by("resource")
        .agg(
            pl.col("actual").sum().alias("worked"),
            m.adherence().alias("adherence"),
            m.ratio(pl.col("actual").sum(), pl.col("available").sum()).alias("utilisation"),
            m.ratio(pl.col("actual"), pl.col("available")).max().alias("peak"),
            m.ratio(pl.col("plan"), pl.col("available")).max().alias("planned_peak"),
            pl.len().alias("n"),
        )
        .sort("resource")
    )
    out = []
    for r in g.iter_rows(named=True):
        res = r["resource"]
        esc = rules.escalate("overload", resource=res)
        peak_th = rules.threshold("adherence", "utilisation_peak", escalate=esc)
        adh_th = rules.threshold(
            "adherence",
            "hours_adherence",
            default=sc.Threshold(floor.target, direction="at_least", escalate_to=esc),
        )
        planned = r["planned_peak"]
        peak_note = (
            f"{source}; committed plan peak {planned:.4f}" if planned is not None else source
        )
        worked = f"{r['worked']:g}"
        adh_note = (
            source
            if r["adherence"] is not None
            else f"no load planned, {worked} hours worked: no plan to adhere to; {source}"
        )
        if r["peak"] is None:  # nothing available in the committed plan
            peak_note = f"no hours available in the committed plan, {worked} worked; {source}"
        out += [
            sc.one(
                "adherence",
                "hours_adherence",
                "resource",
                res,
                r["adherence"],
                adh_th,
                r["n"],
                adh_note,
            ),
            sc.one(
                "adherence",
                "utilisation",
                "resource",
                res,
                r["utilisation"],
                peak_th.info(),
                r["n"],
                source if r["utilisation"] is not None else peak_note,
            ),
            sc.one(
                "adherence",
                "utilisation_peak",
                "resource",
                res,
                r["peak"],
                peak_th,
                r["n"],
                peak_note,
            ),
        ]
    return out
