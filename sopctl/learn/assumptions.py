"""Assumptions review: every documented assumption of the committed cycle with its owner and
an outcome — the one its owner wrote (assumptions.csv), and what sopctl can derive itself:

- each material's supplier lead time the plan assumed (materials.csv at the tag) against the
  realised lead times (lead_times.csv), as rows `lead_time:<material>`;
- for an assumption that names a material (or its supplier), an item or a segment — by its
  id or a glossary alias, in any case, spaces, hyphens and underscores alike ("Line A" names
  `line-a`) — the scorecard rows of that name, but only when the text speaks of what those
  rows measure (LINKS: a material's lead time when it speaks of lead times, deliveries or
  arrivals; an item's forecast error when it speaks of demand, orders or growth; a segment's
  fill rate when it speaks of service). A name whose rows measure something else — any
  resource: its rows measure load and hours worked, not its capacity, an overtime cap or
  hiring — is said in the note and derives nothing;
- one that speaks of a "lead time" without naming a material: every material's lead time;
- none for one marked `derive: false` in cycle.yaml.

Value: 1 held, 0.5 partly, 0 did not hold (the owner's word first, else derived: 0 when a
measuring row breaches, 1 when they are all within tolerance); empty (no_data, "outcome to be
filled by …") when nobody knows yet — never 0 for want of a measure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import polars as pl

from ..tables.refs import ord_col
from . import scorecard as sc
from .model import LearnInputs
from .render import value_text

HELD = {"yes": 1.0, "partly": 0.5, "no": 0.0}


@dataclass(frozen=True)
class Link:
    """What a named thing's scorecard rows measure, and the words by which an assumption's
    text states that very thing: only then do the rows judge the assumption."""

    rows: tuple[tuple[str, str, str], ...]  # (section, metric, scope) keyed by the name
    topic: re.Pattern[str]  # the assumption must speak of what the rows measure
    measures: str  # in words, for the note


LINKS: dict[str, Link | None] = {
    "material": Link(
        (("assumptions", "lead_time", "assumption"),),
        re.compile(r"lead[\s-]*times?|deliver|arriv|receipt|\blate\b|on[\s-]time", re.I),
        "lead time (when orders arrive)",
    ),
    "item": Link(
        (("forecast", "wape", "item"), ("forecast", "bias_pct", "item")),
        re.compile(r"demand|forecast|\borders?\b|\bsales\b|\bsells?\b|grow", re.I),
        "demand against the forecast",
    ),
    "segment": Link(
        (("service", "unit_fill_rate", "segment"),),
        re.compile(r"service|fill[\s-]*rate|\bserved?\b|in full", re.I),
        "service (fill rate)",
    ),
    # a resource's rows (hours adherence, utilisation) measure the load the plan put on it
    # and the hours worked, not what assumptions about it state (its hours available, an
    # overtime cap, hiring limits): a utilisation above target says nothing of whether a cap
    # held, so no resource row judges an assumption
    "resource": None,
}
# what a resource's rows measure, for the note of an assumption that names one
RESOURCE_ROWS = "load and hours worked, not capacity, overtime caps or hiring"


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
    """kind -> {name to look for (lower case): the key of its scorecard rows}. A thing is
    named by its id, or by a glossary alias of it (the rule by which CSV values name ids:
    `tables.refs.canonical`), in any case; a material also by its supplier."""
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
    aliases = inp.charter.aliases()  # lower-cased alias or term -> term
    for known in out.values():
        for alias, term in aliases.items():
            key = known.get(term.lower())
            if key is not None:
                known.setdefault(alias, key)
    return out


def _pattern(name: str) -> re.Pattern[str]:
    """A name as a whole phrase of the text, in any case, its parts apart by spaces, hyphens
    or underscores alike: `line-a` is named by "Line A", "line_a" and "LINE-A"."""
    parts = [re.escape(p) for p in re.split(r"[\s_-]+", name.strip()) if p]
    return re.compile(r"(?<![\w-])" + r"[\s_-]+".join(parts) + r"(?![\w-])", re.I)


LEAD_TIME = re.compile(r"lead[\s-]*times?", re.IGNORECASE)


def mentions(text: str, names: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    """(kind, key) of every name the text mentions (`_pattern`), in kind and name order. A
    name whose parts do not all occur in the lower-cased text cannot match, so only the few
    that do are compiled (a cycle names thousands of items; an assumption, a handful)."""
    low = text.lower()
    found = []
    for kind, table in names.items():
        for name, key in sorted(table.items()):
            parts = re.split(r"[\s_-]+", name.strip().lower())
            if not name.strip() or not all(p in low for p in parts):
                continue
            if _pattern(name).search(text):
                found.append((kind, key))
    return list(dict.fromkeys(found))


def _linked(
    text: str, named: list[tuple[str, str]], index: dict[tuple[str, str, str, str], Any]
) -> tuple[list[dict[str, Any]], list[str]]:
    """The judged scorecard rows that measure what the text states about the things it names
    (a link's rows, when the text speaks of what they measure), and, in words, the names
    whose rows measure something else (these leave the assumption to its owner)."""
    rows: list[dict[str, Any]] = []
    why: dict[str, list[str]] = {}  # what the rows measure -> the names, for the note
    for kind, key in named:
        link = LINKS[kind]
        name = key.removeprefix("lead_time:")
        if link is None:
            why.setdefault(f"{kind} rows measure {RESOURCE_ROWS}", []).append(name)
            continue
        if not link.topic.search(text):
            what = f"{kind} rows measure {link.measures}, which the text does not state"
            why.setdefault(what, []).append(name)
            continue
        for section, metric, scope in link.rows:
            r = index.get((section, metric, scope, key))
            if r is not None:
                rows.append(r)
    return rows, [f"{', '.join(names)} ({what})" for what, names in why.items()]


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
        aid, owner, text = (str(a.get(k, "")) for k in ("id", "owner", "text"))
        # `derive: false` in cycle.yaml: the text names things for another reason (a price
        # agreed with a segment), so only the owner's word counts (a YAML boolean; the text
        # 'false' in records made before sopctl wrote a boolean)
        derive = str(a.get("derive", True)).lower() != "false"
        named = mentions(text, names) if derive else []
        if derive and LEAD_TIME.search(text) and not any(k == "material" for k, _ in named):
            # "supplier lead time 6 weeks" names no material: every realised lead time counts
            named += [("material", k) for k in sorted(set(names["material"].values()))]
        derived, unmeasured = _linked(text, named, index)
        note = text
        value: float | None = None
        if aid in given:
            value = HELD[given[aid]["held"]]
            note += f" | outcome ({given[aid]['held']}): {given[aid]['outcome']}"
        if derived:
            words = "; ".join(
                f"{r['metric']} of {r['key']} {value_text(r)} ({r['status']})" for r in derived
            )
            note += f" | derived: {words}"
            if value is None:
                value = 0.0 if any(r["status"] == "breach" for r in derived) else 1.0
        if unmeasured:
            note += f" | not derived from {'; '.join(unmeasured)}"
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
