"""The one-page operating charter (`charters/<name>.yaml`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pydantic import ConfigDict, Field, ValidationInfo, field_validator, model_validator

from ..hints import fraction_hint
from ..periods import PERIODS_PER_YEAR
from .common import Id, Members, NonNeg, NonNegAmount, Probability, Strict, Text
from .learn import LearnRules

Phase = Literal["signal", "reconcile", "commit"]
WEEKS_PER_QUARTER = 13
Right = Literal[
    "override_demand", "approve_capacity_change", "approve_frozen_change", "sign_off_plan"
]


class Organisation(Strict):
    name: Text
    description: str = ""


class GlossaryTerm(Strict):
    term: Text = Field(description="Canonical term, id or name")
    aliases: list[Text] = Field(default_factory=list, description="Other spellings mapped to term")
    definition: str = ""


class Rhythm(Strict):
    every: int = Field(ge=1)
    unit: Literal["day", "week", "month", "quarter"]


class Cadence(Strict):
    bucket: Literal["month", "week"] = Field(description="Planning period length")
    horizon_periods: int = Field(ge=1, le=520)
    frozen_periods: int = Field(
        ge=0, description="Periods at the start that need the frozen-change right"
    )
    demand_refresh: Rhythm
    executive_commit: Rhythm


class Calendar(Strict):
    """Business day of the cycle month by which each phase is due."""

    signal: int = Field(ge=1, le=31)
    reconcile: int = Field(ge=1, le=31)
    commit: int = Field(ge=1, le=31)


class Role(Strict):
    id: Id
    title: Text
    members: Members = Field(default_factory=list)


class DecisionRights(Strict):
    override_demand: list[Id] = Field(default_factory=list)
    approve_capacity_change: list[Id] = Field(default_factory=list)
    approve_frozen_change: list[Id] = Field(default_factory=list)
    sign_off_plan: list[Id] = Field(default_factory=list)


class Approvals(Strict):
    required_roles: list[Id] = Field(min_length=1)
    quorum: int = Field(ge=1, description="How many of the required roles must sign off")


TableType = Literal[
    "demand_history",
    "baseline",
    "pipeline",
    "promotions",
    "renewals",
    "overrides",
    "items",
    "prices",
    "period_prices",
    "period_costs",
    "resources",
    "capacity",
    "routings",
    "inventory",
    "scheduled_receipts",
    "bom",
    "materials",
    "open_orders",
    "supplier_capacity",
    "material_period_costs",
    "targets",
    "actuals",
]


class InputDecl(Strict):
    file: Text = Field(description="Path inside the cycle's inputs/ folder, e.g. pipeline.csv")
    table: TableType
    owner: Id = Field(description="Role that owns this input")
    due: Phase
    required: bool = True


# metrics sopctl computes whose value is a share (0.95 = 95 %) or never negative; a target
# outside that range could never be judged as meant (95 for 95 %, or -1)
SHARE_METRICS = ("service_level", "line_fill_rate", "otif", "production_adherence")
# every metric name sopctl judges: in a plan (check.metrics.COMPUTABLE) or in what happened
# (learn.rules.CHARTER_METRICS); a charter may list others, which it tracks outside sopctl
KNOWN_METRICS = (
    "service_level",
    "gross_margin",
    "inventory_turns",
    "capacity_utilisation",
    "forecast_wape",
    "forecast_mape",
    "forecast_bias",
    "tracking_signal",
    "line_fill_rate",
    "otif",
    "production_adherence",
)
NON_NEGATIVE_METRICS = (
    "forecast_wape",
    "forecast_mape",
    "forecast_bias",
    "tracking_signal",
    "inventory_turns",
    "capacity_utilisation",
)
# metrics where lower is better (an error, a bias or tracking signal by its size, the peak
# utilisation of a resource): a threshold on them is a ceiling unless the charter says otherwise
LOWER_IS_BETTER = (
    "forecast_wape",
    "forecast_mape",
    "forecast_bias",
    "tracking_signal",
    "capacity_utilisation",
)


def _target_ranges() -> dict[str, Any]:
    """The ranges `Metric._in_range` enforces, as JSON Schema `if name ... then target ...`."""

    def when(names: tuple[str, ...], target: dict[str, float]) -> dict[str, Any]:
        return {
            "if": {"properties": {"name": {"enum": list(names)}}, "required": ["name"]},
            "then": {"properties": {"target": target}},
        }

    return {
        "allOf": [
            when(SHARE_METRICS, {"minimum": 0, "maximum": 1}),
            when(("gross_margin",), {"maximum": 1}),
            when(NON_NEGATIVE_METRICS, {"minimum": 0}),
        ]
    }


class Metric(Strict):
    model_config = ConfigDict(json_schema_extra=_target_ranges())

    name: Id
    target: float
    tolerance: NonNeg = 0.0
    direction: Literal["at_least", "at_most"] = Field(
        default="at_least",
        description="at_least, or at_most; default at_most for "
        + ", ".join(LOWER_IS_BETTER)
        + " (lower is better), else at_least",
    )
    severity: Literal["error", "warning"] = "error"
    owner: Id

    @model_validator(mode="before")
    @classmethod
    def _default_direction(cls, data: Any) -> Any:
        """A metric where lower is better is a ceiling when the charter names no direction."""
        if isinstance(data, dict) and "direction" not in data:
            name = data.get("name")
            if isinstance(name, str) and name.strip() in LOWER_IS_BETTER:
                return {**data, "direction": "at_most"}
        return data

    @field_validator("target")
    @classmethod
    def _in_range(cls, target: float, info: ValidationInfo) -> float:
        name = info.data.get("name")
        hint = fraction_hint(target)
        percent = f"; {hint}" if hint else ""
        if name in SHARE_METRICS and not 0 <= target <= 1:
            raise ValueError(f"{name} is a share between 0 and 1{percent}")
        if name == "gross_margin" and target > 1:
            raise ValueError(f"gross_margin is a share of revenue, at most 1{percent}")
        if name in NON_NEGATIVE_METRICS and target < 0:
            what = "compared by its size" if name in ("forecast_bias", "tracking_signal") else ""
            raise ValueError(f"{name} is never negative{' (' + what + ')' if what else ''}")
        return target

    @field_validator("tolerance")
    @classmethod
    def _share_tolerance(cls, tolerance: float, info: ValidationInfo) -> float:
        name = info.data.get("name")
        if (name in SHARE_METRICS or name == "gross_margin") and tolerance > 1:
            hint = fraction_hint(tolerance)
            raise ValueError(
                f"the tolerance of {name} is a share too, from 0 to 1{'; ' + hint if hint else ''}"
            )
        return tolerance


class Segment(Strict):
    id: Id
    name: str = ""
    priority: int = Field(ge=1, description="1 is served first")
    service_level_target: Probability
    shortage_policy: Literal["backlog", "lost_sales"]
    shortage_penalty: NonNegAmount = Field(
        description="Cost per unit short (lost) or per unit-period late"
    )
    clear_backlog_by_end: bool = False


class Stage(Strict):
    id: Id
    probability: Probability


class PipelineRules(Strict):
    stages: list[Stage] = Field(min_length=1)
    close_to_demand_lag: int = Field(ge=0, description="Periods from deal close to first shipment")
    mode: Literal["incremental", "replaces_baseline"] = "incremental"
    replaces_baseline_for: list[Id] = Field(
        default_factory=list, description="Segments whose baseline the pipeline replaces"
    )
    max_slips: int = Field(default=2, ge=0)
    unhealthy_weight: Probability = Field(
        default=0.5, description="Factor applied to stale or slipped deals"
    )
    # input hygiene (docs/signal.md, "Late and inflated inputs"): warnings, and one expiry
    expire_after_periods: int = Field(
        default=3,
        ge=0,
        le=1000,
        description="A deal due to close more than this many periods before the cycle month "
        "is dropped (0 units, SOP746): default 3 on a monthly charter, 13 on a weekly one",
    )
    max_quantity_growth: float = Field(
        default=1.5,
        gt=1,
        le=1000,
        description="A deal whose quantity grew by more than this factor since the previous "
        "cycle is reported (SOP742)",
    )
    large_new_deal_periods: float = Field(
        default=3,
        gt=0,
        le=1000,
        description="A deal new since the previous cycle whose quantity exceeds this many "
        "periods of its item's baseline is reported (SOP744)",
    )
    max_coverage_jump: float = Field(
        default=2.0,
        gt=1,
        le=1000,
        description="A segment whose pipeline coverage grew by more than this factor since "
        "the previous cycle is reported (SOP745)",
    )


Method = Literal[
    "auto", "seasonal_naive", "moving_average", "ses", "holt", "holt_winters", "croston", "tsb"
]


class ForecastRules(Strict):
    default_method: Method = "auto"
    per_item: dict[Id, Method] = Field(default_factory=dict)
    season_length: int = Field(
        default=12,
        ge=1,
        description="Periods in a season: default 12 on a monthly charter, 52 on a weekly one",
    )
    holdout_periods: int = Field(default=3, ge=1)
    moving_average_window: int = Field(default=3, ge=1)
    outlier_threshold: float = Field(
        default=5.0,
        gt=0,
        le=1000,
        description="A history point above its series' median + this many times 1.4826 x MAD, "
        "in the periods the baseline method uses, is reported (SOP748)",
    )


class EscalationRule(Strict):
    exception: Literal["shortage", "overload", "safety_stock", "late_delivery", "any"]
    min_value: NonNeg = Field(default=0.0, description="Money at stake from which the rule applies")
    segment: Id | None = None
    resource: Id | None = None
    to: Id = Field(description="Role that decides")


class Finance(Strict):
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    dso_days: NonNeg
    dpo_days: NonNeg
    # a share of the stock's value a year (0.2 = 20 %); a holding cost per unit above its
    # value a year goes into items.csv holding_cost
    inventory_carrying_rate: Probability = Field(
        description="Yearly cost of holding stock, share of value (0.2 = 20 %)"
    )


class Limits(Strict):
    max_input_mb: int = Field(default=1024, ge=1, description="Largest input file sopctl reads")


class Charter(Strict):
    version: Literal[1] = 1
    organisation: Organisation
    glossary: list[GlossaryTerm] = Field(default_factory=list)
    cadence: Cadence
    calendar: Calendar
    roles: list[Role] = Field(min_length=1)
    decision_rights: DecisionRights
    approvals: Approvals
    inputs: list[InputDecl] = Field(min_length=1)
    metrics: list[Metric] = Field(default_factory=list)
    segments: list[Segment] = Field(min_length=1)
    pipeline: PipelineRules | None = None
    forecast: ForecastRules = Field(default_factory=ForecastRules)
    escalation: list[EscalationRule] = Field(default_factory=list)
    finance: Finance
    limits: Limits = Field(default_factory=Limits)
    learn: LearnRules = Field(default_factory=LearnRules)

    @model_validator(mode="before")
    @classmethod
    def _season_of_the_bucket(cls, data: Any) -> Any:
        """A year is the season unless the charter says otherwise: 12 months, or 52 weeks on
        a weekly charter (a 12-week season on weekly data copies a quarter, not a year)."""
        if not isinstance(data, dict):
            return data
        cadence, forecast = data.get("cadence"), data.get("forecast", {})
        weekly = isinstance(cadence, dict) and cadence.get("bucket") == "week"
        if not weekly or not isinstance(forecast, dict) or "season_length" in forecast:
            return data  # a forecast that is no mapping is the schema's to refuse
        return {**data, "forecast": {**forecast, "season_length": PERIODS_PER_YEAR["week"]}}

    @model_validator(mode="before")
    @classmethod
    def _expiry_of_the_bucket(cls, data: Any) -> Any:
        """A deal expires a quarter past its close date unless the charter says otherwise:
        3 months, or 13 weeks on a weekly charter."""
        if not isinstance(data, dict):
            return data
        cadence, rules = data.get("cadence"), data.get("pipeline")
        weekly = isinstance(cadence, dict) and cadence.get("bucket") == "week"
        if not weekly or not isinstance(rules, dict) or "expire_after_periods" in rules:
            return data
        return {**data, "pipeline": {**rules, "expire_after_periods": WEEKS_PER_QUARTER}}

    def role_ids(self) -> set[str]:
        return {r.id for r in self.roles}

    def members_of(self, roles: list[str]) -> set[str]:
        wanted = set(roles)
        return {m for r in self.roles if r.id in wanted for m in r.members}

    def aliases(self) -> dict[str, str]:
        """Lower-cased alias (and term) -> canonical term."""
        return alias_map((g.term, g.aliases) for g in self.glossary)


def alias_map(entries: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    """Lower-cased alias (and term) -> term for glossary entries (term, aliases): the one rule,
    for a validated charter (`Charter.aliases`) and one read as plain YAML (plandiff)."""
    out: dict[str, str] = {}
    for term, aliases in entries:
        out[term.strip().lower()] = term
        for a in aliases:
            out[a.strip().lower()] = term
    return out
