"""Variable and constraint blocks, cost terms and the sparse LP they make up.

Every variable and constraint family is a `Block`: a contiguous range of columns (or rows)
over entities x periods, index = offset + j * T + t. The registry of blocks maps primal
values, duals and IIS members back to names such as `capacity[line-a,2027-05]`.
Costs are kept as `CostTerm`s (category, columns, coefficients) so the objective can be split
into the cost breakdown exactly, per component and per period (`col_period`); the column cost
vector is their sum.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import polars as pl

from .data import FloatArr, IntArr

_S = TypeVar("_S", bound=np.generic)
SHORT_TOL = 1e-6  # a priority level with at most this shortage is served in full (solve.py)


def at_upper(x: FloatArr, up: FloatArr) -> npt.NDArray[np.bool_]:
    """Where x sits at a finite upper bound (relative 1e-9, absolute 1e-7)."""
    finite = np.isfinite(up)
    return finite & (x >= np.where(finite, up, 0.0) * (1 - 1e-9) - 1e-7)


@dataclass(frozen=True)
class Block:
    name: str
    offset: int
    keys: pl.DataFrame  # one row per entity, label columns (item / item, segment / resource ...)
    n_periods: int
    ent: IntArr  # entity index into its base set (item f, pair k, resource r, material m)

    @property
    def n(self) -> int:
        return self.keys.height

    @property
    def size(self) -> int:
        return self.n * self.n_periods

    def at(self, j: IntArr | int, t: IntArr | int) -> IntArr:
        return np.asarray(self.offset + np.asarray(j) * self.n_periods + np.asarray(t), np.int64)

    def cols(self) -> IntArr:
        return np.arange(self.offset, self.offset + self.size, dtype=np.int64)

    def grid(self, values: npt.NDArray[_S]) -> npt.NDArray[_S]:
        """The block's slice of a full vector as an (n, T) array."""
        return values[self.offset : self.offset + self.size].reshape(self.n, self.n_periods)


@dataclass(frozen=True)
class CostTerm:
    category: str
    cols: IntArr
    coef: FloatArr


@dataclass(frozen=True)
class PriorityLevel:
    priority: int
    segments: list[str]
    cols: IntArr  # shortage columns (backlog and lost sales) of the level's segments
    weights: FloatArr


@dataclass
class LpModel:
    periods: list[str]
    cols: dict[str, Block]
    rows: dict[str, Block]
    col_lower: FloatArr
    col_upper: FloatArr
    row_lower: FloatArr
    row_upper: FloatArr
    a_start: IntArr
    a_index: IntArr
    a_value: FloatArr
    costs: list[CostTerm]
    integer_cols: IntArr
    levels: list[PriorityLevel]
    pairs: pl.DataFrame  # item, segment, f, s, backlog: the demanded item x segment pairs

    @property
    def n_col(self) -> int:
        return self.col_lower.size

    @property
    def n_row(self) -> int:
        return self.row_lower.size

    @property
    def col_period(self) -> IntArr:
        """Period index t of every column (each column block is entities x periods)."""
        t = np.zeros(self.n_col, dtype=np.int64)
        for b in self.cols.values():
            t[b.offset : b.offset + b.size] = np.tile(np.arange(b.n_periods, dtype=np.int64), b.n)
        return t

    @property
    def col_cost(self) -> FloatArr:
        c = np.zeros(self.n_col)
        for term in self.costs:
            np.add.at(c, term.cols, term.coef)
        return c

    def block_of(self, index: int, rows: bool) -> Block:
        blocks = self.rows if rows else self.cols
        for b in blocks.values():
            if b.offset <= index < b.offset + b.size:
                return b
        raise IndexError(index)

    def label(self, index: int, rows: bool) -> str:
        b = self.block_of(index, rows)
        j, t = divmod(index - b.offset, b.n_periods)
        parts = [str(v) for v in b.keys.row(j)]
        if b.n_periods == len(self.periods):
            parts.append(self.periods[t])
        return f"{b.name}[{','.join(parts)}]"


@dataclass
class _Builder:
    T: int
    cols: dict[str, Block] = field(default_factory=dict)
    rows: dict[str, Block] = field(default_factory=dict)
    lo: list[FloatArr] = field(default_factory=list)
    up: list[FloatArr] = field(default_factory=list)
    rlo: list[FloatArr] = field(default_factory=list)
    rup: list[FloatArr] = field(default_factory=list)
    ri: list[IntArr] = field(default_factory=list)
    ci: list[IntArr] = field(default_factory=list)
    vv: list[FloatArr] = field(default_factory=list)
    costs: list[CostTerm] = field(default_factory=list)
    nc: int = 0
    nr: int = 0

    def col(self, name: str, keys: pl.DataFrame, ent: IntArr, lo: float, up: FloatArr) -> Block:
        b = Block(name, self.nc, keys, self.T, ent)
        self.cols[name] = b
        self.lo.append(np.full(b.size, lo))
        self.up.append(np.broadcast_to(up, (b.n, self.T)).reshape(-1).astype(np.float64))
        self.nc += b.size
        return b

    def row(self, name: str, keys: pl.DataFrame, ent: IntArr, lo: FloatArr, up: FloatArr) -> Block:
        b = Block(name, self.nr, keys, self.T, ent)
        self.rows[name] = b
        self.rlo.append(np.broadcast_to(lo, (b.n, self.T)).reshape(-1).astype(np.float64))
        self.rup.append(np.broadcast_to(up, (b.n, self.T)).reshape(-1).astype(np.float64))
        self.nr += b.size
        return b

    def a(self, rows: IntArr, cols: IntArr, vals: FloatArr | float) -> None:
        r, c = np.asarray(rows, np.int64).ravel(), np.asarray(cols, np.int64).ravel()
        self.ri.append(r)
        self.ci.append(c)
        self.vv.append(np.broadcast_to(np.asarray(vals, np.float64), r.shape).ravel())

    def cost(self, category: str, b: Block, coef: FloatArr) -> None:
        full = np.broadcast_to(coef, (b.n, self.T)).reshape(-1).astype(np.float64)
        keep = full != 0
        if keep.any():
            self.costs.append(CostTerm(category, b.cols()[keep], full[keep]))

    def csc(self) -> tuple[IntArr, IntArr, FloatArr]:
        r, c, v = np.concatenate(self.ri), np.concatenate(self.ci), np.concatenate(self.vv)
        keep = v != 0
        r, c, v = r[keep], c[keep], v[keep]
        order = np.lexsort((r, c))
        r, c, v = r[order], c[order], v[order]
        if r.size:  # merge duplicate (col, row) entries
            new = np.r_[True, (np.diff(c) != 0) | (np.diff(r) != 0)]
            starts = np.flatnonzero(new)
            v = np.add.reduceat(v, starts)
            r, c = r[starts], c[starts]
        start = np.r_[0, np.cumsum(np.bincount(c, minlength=self.nc))].astype(np.int64)
        return start, r, v
