"""Assumptions review: every documented assumption of the committed cycle with its owner and
an outcome — the one its owner wrote (assumptions.csv), and what sopctl can derive itself:

- each material's supplier lead time the plan assumed (materials.csv at the tag) against the
  realised lead times (lead_times.csv), as rows `lead_time:<material>`;
- for an assumption whose text names a material (or its supplier), a resource, an item or a
  segment, the scorecard rows of that name (lead time, utilisation, forecast error, service);
  one that speaks of a "lead time" without naming a material, every material's lead time;
  none for one marked `derive: false` in cycle.yaml.

Value: 1 held, 0.5 partly, 0 did not hold (the owner's word first, else derived: 0 when a
linked row breaches, 1 when the linked rows are within tolerance); empty when nobody knows yet.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

from ..tables.refs import ord_col
from . import scorecard as sc
from .model import LearnInputs

HELD = {"yes": 1.0, "partly": 0.5, "no": 0.0}
# what an assumption naming an entity is checked against: (section, metric, scope)
LINKS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "material": (("assumptions", "lead_time", "assumption"),),
    "resource": (
        ("adherence", "utilisation_peak", "resource"),
        ("adherence", "hours_adherence", "resource"),
    ),
    "item": (("forecast", "wape", "item"), ("forecast", "bias_pct", "item")),
    "segment": (("service", "unit_fill_rate", "segment"),),
}


def lead_time_rows(inp: LearnInputs) -> pl.DataFrame:
    materials = inp.table("materials")
    receipts = inp.actuals.get("lead_times")
    if materials is None or receipts is None:
        return sc.empty()
    realised = (
        receipts.with_columns(
            (pl.col(ord_col("receipt_period")) - pl.col(ord_col("order_period"))).alias("lt")
        )
        .filter(pl.col("lt") >= 0)
        .group_by("material")
        .agg(
            pl.col("lt").mean().alias("mean"), pl.col("lt").max().alias("max"), pl.len().alias("n")
        )
    )
    j = materials.select("material", "supplier", "lead_time").join(realised, on="material")
    owner = inp.rules.input_owner("materials") or inp.rules.owner("inventory")
    out = []
    for r in j.sort("material").iter_rows(named=True):
        th = sc.Threshold(
            target=float(r["lead_time"]),
            tolerance=inp.rules.learn.lead_time_tolerance,
            direction="at_most",
            severity=inp.rules.learn.severity,
            owner=owner,
            escalate_to=inp.rules.escalate(),
        )
        note = (
            f"plan assumed {r['lead_time']} periods from {r['supplier']} (materials.csv at the "
            f"tag); realised mean {r['mean']:.2f}, longest {r['max']} over {r['n']} receipts"
        )
        key = f"lead_time:{r['material']}"
        out.append(
            sc.one("assumptions", "lead_time", "assumption", key, r["mean"], th, r["n"], note)
        )
    return sc.concat(out)


def _names(inp: LearnInputs) -> dict[str, dict[str, str]]:
    """kind -> {word to look for (lower case): the key of its scorecard rows}."""
    out: dict[str, dict[str, str]] = {k: {} for k in LINKS}
    mats = inp.table("materials")
    if mats is not None:
        for mat, supplier in mats.select("material", "supplier").iter_rows():
            out["material"][str(mat).lower()] = f"lead_time:{mat}"
            if supplier:
                out["material"][str(supplier).lower()] = f"lead_time:{mat}"
    for kind, table, column in (("resource", "resources", "resource"), ("item", "items", "item")):
        df = inp.table(table)
        if df is not None:
            out[kind].update({str(v).lower(): str(v) for v in df[column].drop_nulls().to_list()})
    out["segment"] = {s.id.lower(): s.id for s in inp.charter.segments}
    return out


WORD = re.compile(r"[a-z0-9][a-z0-9_.\-]*")
LEAD_TIME = re.compile(r"lead[\s-]*times?", re.IGNORECASE)


def _mentions(text: str, names: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    """(kind, key) of every name the text mentions: ids as whole words, names with spaces
    (suppliers) as phrases; case is ignored."""
    low = text.lower()
    words = {w.rstrip(".-") for w in WORD.findall(low)}
    found = []
    for kind, table in names.items():
        for word, key in sorted(table.items()):
            hit = (
                re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", low)
                if " " in word
                else word in words
            )
            if hit:
                found.append((kind, key))
    return list(dict.fromkeys(found))


def assumption_rows(inp: LearnInputs, card: pl.DataFrame) -> pl.DataFrame:
    """One row per documented assumption of the committed cycle (from the commit record)."""
    record = inp.target.ref.record
    given: dict[str, dict[str, Any]] = {}
    df = inp.actuals.get("assumption_outcomes")
    if df is not None:
        mine = df.filter(pl.col("cycle") == record.cycle)
        given = {r["assumption_id"]: r for r in mine.iter_rows(named=True)}
    names = _names(inp)
    index = {
        (r["section"], r["metric"], r["scope"], r["key"]): r
        for r in card.filter(pl.col("status").is_in(["ok", "breach"])).iter_rows(named=True)
    }
    out = []
    for a in record.assumptions:
        aid, owner, text = a.get("id", ""), a.get("owner", ""), a.get("text", "")
        derived = []
        # `derive: false` in cycle.yaml: the text names things for another reason (a price
        # agreed with a segment), so only the owner's word counts
        derive = str(a.get("derive", "true")).lower() != "false"
        mentions = _mentions(text, names) if derive else []
        if derive and LEAD_TIME.search(text) and not any(k == "material" for k, _ in mentions):
            # "supplier lead time 6 weeks" names no material: every realised lead time counts
            mentions += [("material", k) for k in sorted(set(names["material"].values()))]
        for kind, key in mentions:
            for section, metric, scope in LINKS[kind]:
                r = index.get((section, metric, scope, key))
                if r is not None:
                    derived.append(r)
        note = text
        value: float | None = None
        if aid in given:
            value = HELD[given[aid]["held"]]
            note += f" | outcome ({given[aid]['held']}): {given[aid]['outcome']}"
        if derived:
            words = "; ".join(
                f"{r['metric']} of {r['key']} {r['value']:.4g} ({r['status']})" for r in derived
            )
            note += f" | derived: {words}"
            if value is None:
                value = 0.0 if any(r["status"] == "breach" for r in derived) else 1.0
        if not derive:
            note += " | judged by its owner only (derive: false)"
        if value is None:
            note += f" | outcome to be filled by {owner} in assumptions.csv"
        th = sc.Threshold(
            target=1.0,
            direction="at_least",
            severity=inp.rules.learn.severity,
            owner=owner,
            escalate_to=inp.rules.escalate(),
        )
        out.append(sc.one("assumptions", "assumption", "assumption", aid, value, th, None, note))
    if not record.assumptions:
        th = sc.Threshold(owner=inp.rules.owner("assumptions"), escalate_to=inp.rules.escalate())
        note = "the committed cycle documents no assumptions"
        out.append(sc.one("assumptions", "assumption", "assumption", "none", None, th, None, note))
    return sc.concat(out)
