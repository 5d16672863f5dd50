"""What the executive pack shows, as plain data (gathered in gather.py, drawn in charts.py and
layout.py). No Polars here: the layout code works on lists of numbers and strings."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Kpi:
    label: str
    value: str
    target: str  # '' when the charter sets none
    status: str  # ok | miss | none
    detail: str = ""


@dataclass
class Coverage:
    """Pipeline coverage of one segment over the periods with a new-business target."""

    segment: str
    pipeline: float  # weighted pipeline in those periods (units)
    target: float  # their targets (units)
    coverage: float  # pipeline ÷ target
    lowest: float  # the lowest coverage of a period
    lowest_period: str


@dataclass
class Step:
    """One bar of a waterfall: a total (from 0) or a change (from the running total)."""

    label: str
    value: float
    total: bool = False


@dataclass
class ResourceLoad:
    resource: str
    kind: str
    periods: list[str]
    available: list[float]
    overtime_limit: list[float]
    load: list[float]
    overtime: list[float]
    utilisation: list[float | None]  # None: no regular hours (overtime only where loaded)
    demand_hours: list[float]  # hours the final demand needs in its own period
    shadow_price: list[float]
    limit: list[str]  # per period its overload's label ('at capacity', ...); '' for none
    bound: list[bool]  # per period: its overload's price is an upper bound ('saves at most')


@dataclass
class Inventory:
    periods: list[str]
    value: list[float]  # Σ inventory × unit cost
    safety_value: list[float]  # Σ safety stock × unit cost
    below: list[list[str]]  # items below safety stock, per period
    items: list[tuple[str, int, float]]  # (item, periods below, largest shortfall in units)


@dataclass
class FinancePeriod:
    period: str
    revenue: float
    cogs: float
    gross_margin: float
    material_purchases: float
    conversion_costs: float
    working_capital_change: float  # Δreceivables − Δpayables (cash tied up: positive)
    cash_flow: float
    cumulative_cash_flow: float
    working_capital: float  # stock (goods and materials) + receivables − payables
    material_inventory: float = 0.0  # materials in stock at standard cost, end of period


@dataclass
class ExceptionRow:
    kind: str
    subject: str  # item, resource or material
    segment: str
    period: str
    quantity: float
    value: float
    cause: str  # the binding constraint
    shadow_price: float | None
    owner: str  # escalation role ('' when no rule escalates it)
    actions: list[str]  # "A7 (open, due 2027-01-15)"
    key: str
    why: str = ""  # the binding limit's price in money, or the cost trade-off, in words
    unit: str = "units"  # of the quantity: hours for a resource at capacity


@dataclass
class ApprovalRow:
    role: str
    required: bool
    state: str  # approved | stale | invalid | pending | unchecked; not given (a committed plan)
    person: str
    time: str
    note: str


@dataclass
class ActionRow:
    owner: str
    members: list[str]
    id: str
    description: str
    due: str
    status: str
    answers: str
    overdue_days: int | None  # None without an as-of date


@dataclass
class ScenarioRow:
    label: str
    kind: str  # money | share | count | ratio
    base: float | None
    values: dict[str, float | None]  # scenario -> value
    best: tuple[str, ...] = ()  # the options best on this line (none when all are equal)


@dataclass
class Scorecard:
    present: bool
    note: str = ""
    sections: list[tuple[str, dict[str, int]]] = field(default_factory=list)
    breaches: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Header:
    organisation: str
    cycle: str
    charter: str
    currency: str
    first_period: str
    last_period: str
    bucket: str
    source: str  # one sentence: where the numbers come from
    verification: str  # one sentence ('' for the working tree)
    plan_digest: str
    status: str  # plan status of the solver, e.g. optimal
    as_of: str  # '' when none
    cycle_status: str  # the cycle's state (governance/cycle_state.py), e.g. committed as sop/…/v1


@dataclass
class ReportData:
    header: Header
    kpis: list[Kpi]
    waterfall: list[Step]
    demand_by_period: dict[str, list[float]]  # component -> per period
    resources: list[ResourceLoad]
    inventory: Inventory
    finance: list[FinancePeriod]
    exceptions: list[ExceptionRow]
    exception_total: int
    exception_counts: dict[str, int]
    scenarios: list[ScenarioRow]
    scenario_names: list[str]
    scenario_note: str
    approvals: list[ApprovalRow]
    quorum: str
    actions: list[ActionRow]
    actions_note: str
    scorecard: Scorecard
    notes: list[str] = field(default_factory=list)
