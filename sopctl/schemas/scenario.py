"""A what-if scenario (`cycles/<cycle-id>/scenarios/<name>.yaml`): overlays on the cycle's inputs.

Each overlay names its `kind` and selects what it changes (items, families, segments, resources,
materials, suppliers, a period range `from`..`to`, both inclusive). Selectors of different kinds
narrow each other (items AND segments AND periods); the values of one selector add up (item A
OR item B); a selector left out selects everything. docs/scenarios.md has the full reference.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import Field, model_validator

from .common import Amount, Factor, Id, Period, Strict, Text

OverlayKind = Literal[
    "demand",
    "capacity",
    "shift",
    "workforce",
    "supplier",
    "receipts",
    "price",
    "cost",
    "promotion",
]
KINDS: tuple[str, ...] = get_args(OverlayKind)


def _one_of(model: Strict, *names: str) -> None:
    given = [n for n in names if getattr(model, n) is not None]
    if len(given) != 1:
        raise ValueError(f"give exactly one of {' and '.join(names)}")


class _Periods(Strict):
    from_: Period | None = Field(
        default=None, alias="from", description="First period changed (default: the first)"
    )
    to: Period | None = Field(default=None, description="Last period changed (default: the last)")


class DemandOverlay(_Periods):
    """Demand of the selected item x segment x period cells: times `factor`, or plus `units`."""

    kind: Literal["demand"]
    items: list[Id] = Field(default_factory=list)
    families: list[Text] = Field(default_factory=list)
    segments: list[Id] = Field(default_factory=list)
    factor: Factor | None = Field(default=None, description="Multiply the demand, e.g. 1.2")
    units: Amount | None = Field(default=None, description="Units added per cell (may be < 0)")

    @model_validator(mode="after")
    def _one(self) -> DemandOverlay:
        _one_of(self, "factor", "units")
        return self


class CapacityOverlay(_Periods):
    """Regular hours of resources per period (fixed: hours; labour: hours per worker)."""

    kind: Literal["capacity"]
    resources: list[Id] = Field(min_length=1)
    hours: Amount | None = Field(default=None, description="Hours added per period (may be < 0)")
    factor: Factor | None = Field(default=None, description="Multiply the hours, e.g. 0.8")

    @model_validator(mode="after")
    def _one(self) -> CapacityOverlay:
        _one_of(self, "hours", "factor")
        return self


class ShiftOverlay(Strict):
    """An extra shift: `hours` more per period on each resource, from a period on."""

    kind: Literal["shift"]
    resources: list[Id] = Field(min_length=1)
    from_: Period = Field(alias="from", description="First period with the extra shift")
    to: Period | None = Field(default=None, description="Last period (default: the last)")
    hours: Amount = Field(gt=0, description="Hours the shift adds per period")


class WorkforcePolicy(_Periods):
    """A policy on labour pools in `from`..`to` (default: the whole horizon)."""

    kind: Literal["workforce"]
    resources: list[Id] = Field(default_factory=list, description="Labour pools (default: all)")
    policy: Literal["no_layoffs", "hiring_freeze"]


class SupplierOverlay(_Periods):
    """Supplier capacity per period (in `from`..`to`, default the whole horizon) and lead time
    (always the whole horizon) of the selected materials."""

    kind: Literal["supplier"]
    materials: list[Id] = Field(default_factory=list)
    suppliers: list[Text] = Field(default_factory=list)
    capacity_factor: Factor | None = Field(default=None, description="Multiply the capacity")
    capacity_units: Amount | None = Field(default=None, description="Units added per period")
    delay: int | None = Field(
        default=None,
        ge=1,
        le=104,
        description="Periods later: the lead time grows and open orders arrive later",
    )

    @model_validator(mode="after")
    def _some(self) -> SupplierOverlay:
        if not self.materials and not self.suppliers:
            raise ValueError("select materials or suppliers")
        if self.capacity_factor is not None and self.capacity_units is not None:
            raise ValueError("give at most one of capacity_factor and capacity_units")
        if self.capacity_factor is None and self.capacity_units is None and self.delay is None:
            raise ValueError("give capacity_factor, capacity_units or delay")
        if self.delay is not None and (self.from_ is not None or self.to is not None):
            raise ValueError(
                "a delay changes the lead time for the whole horizon: leave out from and to, "
                "or put the delay in an overlay of its own"
            )
        return self


class ReceiptsOverlay(_Periods):
    """Scheduled receipts of the selected items (default: all) arriving in `from`..`to`
    (default: the whole horizon): `delay` periods later, and/or `factor` times the quantity."""

    kind: Literal["receipts"]
    items: list[Id] = Field(default_factory=list)
    families: list[Text] = Field(default_factory=list)
    from_: Period | None = Field(
        default=None, alias="from", description="First arrival period selected (default: the first)"
    )
    to: Period | None = Field(
        default=None, description="Last arrival period selected (default: the last)"
    )
    delay: int | None = Field(
        default=None,
        ge=1,
        le=104,
        description="Periods later the receipts arrive (past the horizon: left out)",
    )
    factor: Factor | None = Field(
        default=None, description="Share of the quantity that arrives, e.g. 0.6 (0: cancelled)"
    )

    @model_validator(mode="after")
    def _some(self) -> ReceiptsOverlay:
        if self.delay is None and self.factor is None:
            raise ValueError("give delay, factor or both")
        return self


class PriceOverlay(_Periods):
    """Selling price of the selected items (for the selected segments) in `from`..`to`
    (default: the whole horizon)."""

    kind: Literal["price"]
    items: list[Id] = Field(default_factory=list)
    families: list[Text] = Field(default_factory=list)
    segments: list[Id] = Field(default_factory=list)
    factor: Factor | None = Field(default=None, description="Multiply the price, e.g. 1.05")
    change: Amount | None = Field(default=None, description="Money added per unit (may be < 0)")

    @model_validator(mode="after")
    def _one(self) -> PriceOverlay:
        _one_of(self, "factor", "change")
        return self


class CostOverlay(_Periods):
    """Unit cost of items and materials and hourly cost of resources in `from`..`to` (default:
    the whole horizon)."""

    kind: Literal["cost"]
    items: list[Id] = Field(default_factory=list)
    families: list[Text] = Field(default_factory=list)
    materials: list[Id] = Field(default_factory=list)
    resources: list[Id] = Field(default_factory=list)
    factor: Factor | None = Field(default=None, description="Multiply the cost, e.g. 1.08")
    change: Amount | None = Field(default=None, description="Money added per unit or hour")

    @model_validator(mode="after")
    def _one(self) -> CostOverlay:
        if not (self.items or self.families or self.materials or self.resources):
            raise ValueError("select items, families, materials or resources")
        _one_of(self, "factor", "change")
        return self


class PromotionOverlay(_Periods):
    """A promotion added to (or removed from) the promotions input of the demand view."""

    kind: Literal["promotion"]
    action: Literal["add", "remove"]
    id: Id = Field(description="promo_id")
    items: list[Id] = Field(default_factory=list)
    families: list[Text] = Field(default_factory=list)
    segments: list[Id] = Field(default_factory=list)
    uplift_pct: float | None = Field(default=None, ge=-100, le=1000)
    uplift_units: Amount | None = None

    @model_validator(mode="after")
    def _fits(self) -> PromotionOverlay:
        extra = (
            self.items or self.families or self.segments or self.from_ or self.to,
            self.uplift_pct is not None or self.uplift_units is not None,
        )
        if self.action == "remove":
            if any(extra):
                raise ValueError("a removed promotion is named by its id only")
            return self
        if not (self.items or self.families) or not self.segments:
            raise ValueError("an added promotion needs items or families, and segments")
        if self.from_ is None or self.to is None:
            raise ValueError("an added promotion needs from and to")
        _one_of(self, "uplift_pct", "uplift_units")
        return self


Overlay = Annotated[
    DemandOverlay
    | CapacityOverlay
    | ShiftOverlay
    | WorkforcePolicy
    | SupplierOverlay
    | ReceiptsOverlay
    | PriceOverlay
    | CostOverlay
    | PromotionOverlay,
    Field(discriminator="kind"),
]


class ScenarioFile(Strict):
    description: Text
    owner: Id = Field(description="Charter role that owns the scenario")
    overlays: list[Overlay] = Field(default_factory=list)
