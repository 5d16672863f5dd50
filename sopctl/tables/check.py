"""Vectorised checks of one table against its contract.

Everything works on whole columns; a check emits at most CAP findings and one more that counts
the rest, so a million bad rows cost no more than a few.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from ..findings import Finding, finding
from .commas import first_decimal
from .contracts import CONTRACTS, Contract, Rule
from .csvread import LINE, RawTable
from .dotted import check_dotted
from .emit import CAP, Emitter, value_message
from .idrule import check_document_id, check_id_rule, check_twins, shown
from .novalue import blank_no_value
from .numbers import NUMBER_LIMIT, cast_number, check_ranges
from .refs import Context, check_periods, check_span, ord_col, resolve_ids
from .totals import drop_totals

__all__ = ["Context", "Table", "check_table", "ord_col", "recheck_keys", "resolve_ids"]
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+\Z"
DATE = r"^\d{4}-\d{2}-\d{2}\Z"
# "<table>.<column>" of the columns other tables refer to: the ids they define
DEFINES = frozenset(
    c.ref
    for t in CONTRACTS.values()
    for c in t.columns
    if c.ref and not c.ref.startswith("charter.")
)

# ids that other systems make (a CRM's deal, an ERP's order 'SO/2026/001') and that nothing in
# sopctl names by the YAML id rule: the looser document rule (idrule.DOC_RULE)
DOCUMENT_IDS = frozenset(
    {
        "pipeline.deal_id",
        "deal_outcomes.deal_id",
        "renewals.renewal_id",
        "overrides.override_id",
        "scheduled_receipts.order_id",
        "order_lines.order_id",
        "open_orders.po_id",
        "lead_times.receipt_id",
    }
)


@dataclass
class Table:
    contract: Contract
    path: str
    frame: pl.DataFrame  # typed columns + LINE + hidden period ordinals
    header: list[str] = field(default_factory=list)  # column names in file order


_RULES: dict[str, Callable[[set[str]], pl.Expr | None]] = {
    "probability_needs_reason": lambda cols: (
        pl.col("probability").is_not_null() & pl.col("probability_reason").is_null()
        if {"probability", "probability_reason"} <= cols
        else (pl.col("probability").is_not_null() if "probability" in cols else None)
    ),
    "one_uplift": lambda cols: (
        pl.col("uplift_pct").is_null() == pl.col("uplift_units").is_null()
        if {"uplift_pct", "uplift_units"} <= cols
        else (
            pl.col("uplift_pct").is_null()
            if "uplift_pct" in cols
            else (pl.col("uplift_units").is_null() if "uplift_units" in cols else pl.lit(True))
        )
    ),
    "end_after_start": lambda cols: pl.col(ord_col("end_period")) < pl.col(ord_col("start_period")),
    "replace_not_negative": lambda cols: (pl.col("kind") == "replace") & (pl.col("quantity") < 0),
    "fixed_needs_hours": lambda cols: (
        (pl.col("kind") == "fixed")
        & (pl.col("hours").is_null() if "hours" in cols else pl.lit(True))
    ),
    "labour_needs_workforce": lambda cols: (
        (pl.col("kind") == "labour")
        & (pl.col("workforce").is_null() if "workforce" in cols else pl.lit(True))
    ),
    "labour_needs_hours_per_worker": lambda cols: (
        (pl.col("kind") == "labour")
        & (pl.col("hours_per_worker").is_null() if "hours_per_worker" in cols else pl.lit(True))
    ),
    # hours typed for a pool whose hours come from its workers (an empty workforce or
    # hours_per_worker is the rules above): the plan leaves them out, the warning says so
    "labour_ignores_hours": lambda cols: (
        (pl.col("kind") == "labour")
        & pl.col("hours").is_not_null()
        & pl.col("workforce").is_not_null()
        & pl.col("hours_per_worker").is_not_null()
        if {"hours", "workforce", "hours_per_worker"} <= cols
        else None
    ),
}
# the number a rule's message shows for its row ("here {figure}"), as text
_FIGURES: dict[str, Callable[[pl.DataFrame], list[str]]] = {
    "labour_ignores_hours": lambda bad: [
        f"{_num(w)} × {_num(h)} = {_num(w * h)}"
        for w, h in zip(bad["workforce"].to_list(), bad["hours_per_worker"].to_list(), strict=True)
    ],
}


def _rule_message(rule: Rule, bad: pl.DataFrame) -> Callable[[int], str]:
    """The message of a rule for its i-th offending row, with the row's figure if it has one."""
    figure = _FIGURES.get(rule.name)
    if figure is None:
        return value_message([], rule.message)
    said = figure(bad.head(CAP))
    return lambda i: rule.message.format(figure=said[i])


def _num(x: float) -> str:
    """A number as a message shows it: 900, 6, 157.5 (no trailing '.0')."""
    return f"{x:.10g}"


def _distinct(df: pl.DataFrame, column: str) -> list[str]:
    return [v for v in df[column].drop_nulls().unique().to_list() if isinstance(v, str)]


def _lower(df: pl.DataFrame, column: str) -> pl.DataFrame:
    """Lower-case a column, touching only the distinct values that change."""
    mapping = {v: v.lower() for v in _distinct(df, column) if v != v.lower()}
    return df.with_columns(pl.col(column).replace(mapping)) if mapping else df


def _duplicate_rows(df: pl.DataFrame, key: tuple[str, ...]) -> pl.DataFrame | None:
    """The rows repeating an earlier row's key (with `__first`, that row's line), or None."""
    if df.height < 2:
        return None
    # fast proof of uniqueness: XOR of one seeded hash per key column; equal combined hashes
    # (a duplicate, or a rare collision) fall through to the exact check below
    hashes = [pl.col(k).hash(seed=i + 1) for i, k in enumerate(key)]
    combined = df.select(functools.reduce(operator.xor, hashes).n_unique()).item()
    if combined == df.height:
        return None
    # a hash finds candidates cheaply; the exact comparison runs on those rows only
    cand = df.filter(pl.struct(list(key)).hash().is_duplicated())
    if not cand.height:
        return None
    dup = (
        cand.with_columns(
            pl.col(LINE).min().over(list(key)).alias("__first"),
            pl.len().over(list(key)).alias("__n"),
        )
        .filter((pl.col("__n") > 1) & (pl.col(LINE) > pl.col("__first")))
        .sort(LINE)
    )
    return dup if dup.height else None


def _duplicates(
    out: Emitter, df: pl.DataFrame, key: tuple[str, ...], before: pl.DataFrame | None = None
) -> None:
    """SOP401 for every row repeating an earlier row's key; with `before` (the frame before
    ids were resolved) only for the rows whose key repeats since: the others were reported."""
    dup = _duplicate_rows(df, key)
    if dup is None:
        return
    if before is not None:
        old = _duplicate_rows(before, key)
        if old is not None:
            dup = dup.filter(~pl.col(LINE).is_in(old[LINE].implode()))
        if not dup.height:
            return
    firsts = dup["__first"].to_list()
    keys = dup.select(list(key)).rows()
    label = ", ".join(key)
    out.rows(
        "SOP401",
        key[0],
        dup[LINE].to_list(),
        lambda i: (
            f"duplicate key ({label}) = ({', '.join(shown(str(k)) for k in keys[i])}); "
            f"first on line {firsts[i]}; merge or delete one of the rows"
        ),
    )


def recheck_keys(
    out: Emitter, before: pl.DataFrame, after: pl.DataFrame, key: tuple[str, ...]
) -> None:
    """SOP401 for rows that repeat a key only once their ids were resolved to the canonical
    spelling (a different case or a glossary alias of the same item): without this check
    both rows would count, e.g. one deal line twice in the demand."""
    # resolve_ids returns the frame itself when no id changed: nothing to check again
    if after is not before and key and set(key) <= set(after.columns):
        _duplicates(out, after, key, before)


def check_table(raw: RawTable, contract: Contract, ctx: Context) -> tuple[Table, list[Finding]]:
    """Type, range, allowed-value, rule, key and charter-reference checks of one table."""
    out = Emitter(raw.path, raw.header)
    df = raw.frame
    present = set(raw.header)
    for name in raw.header:
        if name and name not in contract.names:
            out.findings.append(
                finding(
                    raw.path,
                    1,
                    out.col(name),
                    "SOP204",
                    f"column '{shown(name)}' is not part of the {contract.name} table; "
                    f"remove it or rename it to one of: {', '.join(contract.names)}",
                )
            )
    missing = [c for c in contract.columns if c.required and c.name not in present]
    for c in missing:
        out.findings.append(
            finding(
                raw.path,
                1,
                1,
                "SOP203",
                f"required column '{c.name}' ({c.description}) is missing from the header; "
                f"add it to the first line{'' if c.nullable else ' and fill it in on every row'}",
            )
        )
    df = df.select([LINE, *[c.name for c in contract.columns if c.name in present]])
    df = drop_totals(out, df, contract)  # a 'Total' row: SOP210 and no other finding
    numbers = [c.name for c in contract.columns if c.dtype in ("int", "float")]
    decimals = functools.cache(lambda: first_decimal(raw.frame, numbers))
    for c in contract.columns:
        if c.name not in present:
            continue
        if not c.nullable and df[c.name].null_count():
            bad = df.filter(pl.col(c.name).is_null())
            empty_msg = f"'{c.name}' is empty; fill in {c.description.lower()}"
            out.rows("SOP301", c.name, bad[LINE].to_list(), value_message([], empty_msg))
        if c.dtype not in ("id", "int", "float"):  # numbers: in cast_number, ids: a name
            df = blank_no_value(out, df, c)
        if c.dtype in ("int", "float"):
            text = df[c.name]
            df = df.with_columns(cast_number(out, df, c, ctx.bucket, decimals).alias(c.name))
            check_dotted(out, df, text, contract.name, c.name)
            check_ranges(out, df, c)
            if c.dtype == "int":
                whole = pl.col(c.name)
                fits = whole.abs() <= NUMBER_LIMIT
                df = df.with_columns(pl.when(fits).then(whole).cast(pl.Int64).alias(c.name))
        elif c.dtype == "id" and not c.ref:  # a reference may be a glossary alias (SOP406)
            if f"{contract.name}.{c.name}" in DOCUMENT_IDS:  # ids of other systems
                check_document_id(out, df, c.name)
            else:  # ids other tables or YAML files name: the YAML rule
                check_id_rule(out, df, c.name)
        elif c.dtype == "period":
            df = check_periods(out, df, c, ctx)
        elif c.dtype in ("email", "date"):
            # checked per distinct value: owners and dates repeat a lot
            pattern = re.compile(EMAIL if c.dtype == "email" else DATE)
            if c.dtype == "email":
                df = _lower(df, c.name)
            wrong = [v for v in _distinct(df, c.name) if not pattern.match(v)]
            bad = df.filter(pl.col(c.name).is_in(wrong)) if wrong else df.clear()
            code = "SOP309" if c.dtype == "email" else "SOP311"
            kind = "e-mail address" if c.dtype == "email" else "date (YYYY-MM-DD)"
            out.rows(
                code,
                c.name,
                bad[LINE].to_list(),
                value_message(bad[c.name].to_list(), f"is not a valid {kind}"),
            )
            if bad.height:  # reported once: not again as an unknown member
                df = df.with_columns(pl.col(c.name).replace(wrong, None))
        if c.allowed:
            df = _lower(df, c.name)
            wrong = [v for v in _distinct(df, c.name) if v not in c.allowed]
            bad = df.filter(pl.col(c.name).is_in(wrong)) if wrong else df.clear()
            out.rows(
                "SOP307",
                c.name,
                bad[LINE].to_list(),
                value_message(
                    bad[c.name].to_list(),
                    f"is not allowed in '{c.name}'; use one of: {', '.join(c.allowed)}",
                ),
            )
        if c.ref and c.ref.startswith("charter.") and c.ref in ctx.charter_ids:
            what = c.ref.split(".", 1)[1].rstrip("s")
            if c.ref == "charter.members":
                hint = "add the person to a role in the charter or use a member's e-mail"
                what = "member"
            else:
                hint = f"use an id declared under {c.ref.split('.', 1)[1]} in the charter"
            df = resolve_ids(
                out, df, c.name, ctx.charter_ids[c.ref], ctx.aliases, what, "SOP403", hint
            )
    if not missing:
        cols = set(df.columns)
        for rule in contract.rules:
            expr = _RULES[rule.name](cols)
            needed = {rule.column}
            if expr is None or not needed & (cols | {rule.column}):
                continue
            try:
                bad = df.filter(expr.fill_null(False))
            except pl.exceptions.ColumnNotFoundError:
                continue
            out.rows(rule.code, rule.column, bad[LINE].to_list(), _rule_message(rule, bad))
        check_span(out, df, [c for c in contract.columns if c.scope == "span"], ctx)
        if set(contract.key) <= cols:
            _duplicates(out, df, contract.key)
        for k in contract.key:
            if f"{contract.name}.{k}" in DEFINES:
                check_twins(out, df, k, ctx.aliases, k)
    return Table(contract, raw.path, df, raw.header), out.findings
