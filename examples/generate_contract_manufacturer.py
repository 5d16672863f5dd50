#!/usr/bin/env python3
"""Generate examples/contract-manufacturer: a weekly S&OP repo for a contract manufacturer.

Harbor Precision Assembly builds circuit boards, wiring harnesses, sheet-metal enclosures and
box-build units for OEM customers. It plans in ISO weeks (2027-W01 .. 2027-W20) and its main
levers are labour: three labour pools that can hire, lay off and work overtime, plus two fixed
machines (an SMT line and a CNC punch/bend cell). See examples/contract-manufacturer/README.md.

Standard library only, fixed seed: running it twice writes identical bytes.

Usage:
    python examples/generate_contract_manufacturer.py            # write the example
    python examples/generate_contract_manufacturer.py --out DIR  # write it somewhere else
    python examples/generate_contract_manufacturer.py --check    # also print the rough check
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

from _csvgen import write_csv

SEED = 20261228
CYCLE_ID = "2026-W53"
FIRST_PERIOD = "2027-W01"
HORIZON = 20
HISTORY_START = "2025-W01"
LAG = 3  # weeks from award to first shipment (first article and ramp-up)
MAX_SLIPS = 2
UNHEALTHY_WEIGHT = 0.5
SEGMENTS = ("anchor", "spot")


# --------------------------------------------------------------------------- ISO weeks


def ordinal(p: str) -> int:
    year, week = p.split("-W")
    return dt.date.fromisocalendar(int(year), int(week), 1).toordinal() // 7


def period(n: int) -> str:
    year, week, _ = dt.date.fromordinal(n * 7 + 1).isocalendar()
    return f"{year:04d}-W{week:02d}"


def monday(n: int) -> dt.date:
    return dt.date.fromordinal(n * 7 + 1)


FIRST = ordinal(FIRST_PERIOD)
HIST = [period(n) for n in range(ordinal(HISTORY_START), FIRST)]  # 2025-W01 .. 2026-W53
HOR = [period(FIRST + k) for k in range(HORIZON)]
MID = ordinal("2026-W27")


def week_factor(n: int) -> float:
    """Order intake pattern: holiday weeks are slow, OEMs pull in at quarter end."""
    mon = monday(n)
    days = [mon + dt.timedelta(days=i) for i in range(5)]
    if any((d.month == 12 and d.day >= 24) or (d.month == 1 and d.day <= 1) for d in days):
        return 0.5
    for d in days:
        for m in (3, 6, 9, 12):
            end = (
                dt.date(d.year, m % 12 + 1, 1) if m < 12 else dt.date(d.year + 1, 1, 1)
            ) - dt.timedelta(days=1)
            if end.weekday() > 4:
                end -= dt.timedelta(days=end.weekday() - 4)
            if d == end:
                return 1.15
            if 0 < (end - d).days <= 7 and d.weekday() == 4:
                return 1.06  # the week before the quarter-end week
    return 1.0


# --------------------------------------------------------------------------- products

DOMAIN = "harborpa.example"


def email(name: str) -> str:
    return f"{name}@{DOMAIN}"


ROLES = [
    ("plant_director", "Plant director", ["grace.mbeki"]),
    ("finance_manager", "Finance manager", ["owen.fraser"]),
    ("ops_manager", "Operations manager", ["nadia.rahman"]),
    ("hr_manager", "HR manager (staffing agency contract)", ["carlos.mendes"]),
    ("program_manager", "Customer program managers", ["julia.brooks", "ken.watanabe"]),
    ("planner", "Master scheduler", ["tess.obrien"]),
    ("buyer", "Component buyer", ["ravi.iyer"]),
]

# item, family, description, unit_cost, price, lead_time, volume/week, (anchor, spot) shares,
# holding_cost, subcontract_cost, subcontract_limit, growth/year
# fmt: off
ITEMS = [
    ("PCB-CTL", "boards", "Controller board assembly (SMT plus hand-soldered connectors)",
     38, 61, 1, 1100, (0.85, 0.15), None, None, None, 0.10),
    ("PCB-PWR", "boards", "Power board assembly (SMT plus through-hole)",
     27, 44, 1, 850, (0.70, 0.30), None, None, None, 0.04),
    ("HAR-100", "harnesses", "Signal wiring harness 12-way", 6.5, 16.5, 0, 1200, (0.60, 0.40),
     None, 14.6, 400, 0.03),
    ("HAR-200", "harnesses", "Power wiring harness 40-way with overmould", 21, 52, 0, 300,
     (1.0, 0.0), None, 46, 120, 0.06),
    ("ENC-S", "enclosures", "Aluminium enclosure small (punched bent and PEM-inserted)",
     14, 29, 0, 450, (0.60, 0.40), None, None, None, 0.02),
    ("ENC-L", "enclosures", "Aluminium enclosure large (punched bent and PEM-inserted)",
     36, 71, 0, 160, (0.75, 0.25), None, None, None, 0.02),
    ("BOX-100", "box-build", "Box-build controller unit: board enclosure harness PSU tested",
     162, 265, 1, 220, (1.0, 0.0), 1.2, None, None, 0.12),
    ("KIT-SVC", "kits", "Field service kit (spares picked and packed)", 18, 42, 0, 180,
     (0.50, 0.50), None, None, None, 0.0),
]
# fmt: on
INTERMITTENT = {("KIT-SVC", "spot"): 0.45, ("ENC-L", "spot"): 0.5}

# fmt: off
ROUTINGS = {
    "PCB-CTL": {"smt": 0.025, "operators": 0.03, "assemblers": 0.05},
    "PCB-PWR": {"smt": 0.035, "operators": 0.04, "assemblers": 0.12},
    "HAR-100": {"assemblers": 0.30, "packers": 0.02},
    "HAR-200": {"assemblers": 0.85, "packers": 0.05},
    "ENC-S": {"cnc": 0.07, "operators": 0.10, "assemblers": 0.12},
    "ENC-L": {"cnc": 0.18, "operators": 0.22, "assemblers": 0.25},
    "BOX-100": {"assemblers": 1.40, "operators": 0.25, "packers": 0.15},
    "KIT-SVC": {"packers": 0.30},
}
# fmt: on

# resource, kind, description, hours, regular_cost, overtime_cost, overtime_limit, workforce,
# hours_per_worker, hire_cost, layoff_cost, max_hires, max_layoffs, min_workforce, max_workforce
# fmt: off
RESOURCES = [
    ("smt", "fixed", "SMT line: printer pick-and-place reflow AOI (2 shifts x 5 days)",
     80, 55, 85, 16, None, None, None, None, None, None, None, None),
    ("cnc", "fixed", "CNC punch and press-brake cell (2 shifts less changeovers)",
     75, 40, 70, 14, None, None, None, None, None, None, None, None),
    ("assemblers", "labour", "Assemblers: harnesses hand soldering box build (agency temps "
     "can be added)", None, 24, 36, 6, 40, 38, 1500, 2200, 4, 3, 32, 50),
    ("operators", "labour", "Machine operators and test technicians (SMT CNC and final test)",
     None, 30, 45, 8, 8, 38, 3500, 5000, 1, 1, 6, 11),
    ("packers", "labour", "Pick pack and kitting staff", None, 19, 28.5, 8, 5, 38, 600, 900, 2, 2,
     3, 8),
]
# fmt: on
RESOURCE_IDS = [r[0] for r in RESOURCES]

HOLIDAYS = {
    "2027-W12": "Good Friday",
    "2027-W13": "Easter Monday",
    "2027-W18": "Ascension Day",
    "2027-W20": "Whit Monday",
}


def capacity_rows() -> list[list[object]]:
    rows: list[list[object]] = []
    for per in HOR:
        for res, kind, _d, hours, _rc, _oc, ot, _wf, hpw, *_r in RESOURCES:
            if per == "2027-W09" and res == "smt":
                rows.append([res, per, 56, 16])  # reflow oven overhaul: 1.5 shifts lost
            elif per in HOLIDAYS:
                base = hours if kind == "fixed" else hpw
                rows.append([res, per, round(base * 0.8, 1), ot])
    return rows


# material, supplier, unit_cost, lead_time (weeks), capacity per week, on_hand
# fmt: off
MATERIALS = [
    ("MCU-32", "Arrow-Kessel Components (allocation)", 4.8, 16, 1600, 2600),
    ("PCB-BARE-C", "Shenwei Circuits", 3.1, 3, 3000, 4000),
    ("PCB-BARE-P", "Shenwei Circuits", 2.6, 3, 2500, 3000),
    ("CONN-KIT", "Molden Connectors", 1.9, 6, 2400, 3500),
    ("SHEET-AL", "Nordal Aluminium (kg)", 3.4, 2, None, 2500),
    ("PSU-60", "Volta Power Modules", 21, 10, 380, 600),
]
# fmt: on
# fmt: off
BOM = {
    "PCB-CTL": {"MCU-32": 1, "PCB-BARE-C": 1},
    "PCB-PWR": {"PCB-BARE-P": 1},
    "HAR-100": {"CONN-KIT": 1},
    "HAR-200": {"CONN-KIT": 2},
    "ENC-S": {"SHEET-AL": 1.2},
    "ENC-L": {"SHEET-AL": 3.5},
    "BOX-100": {"MCU-32": 1, "PSU-60": 1, "SHEET-AL": 1.5, "CONN-KIT": 1},
}
# fmt: on


def open_orders() -> list[list[object]]:
    rows: list[list[object]] = []
    for k in range(16):  # MCU allocation already confirmed for the next 16 weeks
        rows.append([f"PO-MCU-{k + 1:02d}", "MCU-32", HOR[k], 1500 if k < 8 else 1600])
    for k in range(10):
        rows.append([f"PO-PSU-{k + 1:02d}", "PSU-60", HOR[k], 300])
    for k in range(6):
        rows.append([f"PO-CON-{k + 1:02d}", "CONN-KIT", HOR[k], 2000])
    rows.append(["PO-BRD-01", "PCB-BARE-C", HOR[0], 3000])
    rows.append(["PO-BRD-02", "PCB-BARE-C", HOR[1], 3000])
    rows.append(["PO-BRD-03", "PCB-BARE-P", HOR[0], 2000])
    return rows


ACCOUNTS = {
    "anchor": [
        "Lumen Medical Devices",
        "Corvid Industrial Controls",
        "Baywater Instruments",
        "Tessel Robotics",
    ],
    "spot": [
        "Kinetic Prototypes",
        "Northgate Rail Signals",
        "Ardent Lighting",
        "Quill Audio",
        "Sablefield Agritech",
        "Marrow Security Systems",
    ],
}
STAGES = [("rfq", 0.1), ("quoted", 0.3), ("shortlisted", 0.6), ("awarded", 0.9)]
STAGE_P = dict(STAGES)

# deal_id, account, item, segment, stage, quantity, close, ship_periods, prob, reason, slips,
# owner
# fmt: off
PIPELINE = [
    ("LM-2701", "Lumen Medical Devices", "BOX-100", "anchor", "awarded", 1200, "2027-W03", 12,
     None, None, 0, "julia.brooks"),
    ("LM-2701", "Lumen Medical Devices", "PCB-CTL", "anchor", "awarded", 1200, "2027-W03", 12,
     None, None, 0, "julia.brooks"),
    ("CI-2702", "Corvid Industrial Controls", "PCB-PWR", "anchor", "shortlisted", 3600,
     "2027-W05", 12, None, None, 1, "ken.watanabe"),
    ("CI-2702", "Corvid Industrial Controls", "HAR-200", "anchor", "shortlisted", 900,
     "2027-W05", 12, None, None, 1, "ken.watanabe"),
    ("BW-2703", "Baywater Instruments", "ENC-L", "anchor", "quoted", 640, "2027-W06", 8, None,
     None, 0, "julia.brooks"),
    ("BW-2703", "Baywater Instruments", "ENC-S", "anchor", "quoted", 1600, "2027-W06", 8, None,
     None, 0, "julia.brooks"),
    ("TR-2704", "Tessel Robotics", "HAR-100", "anchor", "awarded", 4800, "2026-W51", 10, None,
     None, 2, "ken.watanabe"),
    ("TR-2705", "Tessel Robotics", "PCB-CTL", "anchor", "quoted", 5200, "2027-W08", 10, 0.45,
     "Second source qualified at the customer; volume split likely", 0, "ken.watanabe"),
    ("LM-2706", "Lumen Medical Devices", "KIT-SVC", "anchor", "rfq", 800, "2027-W10", 8, None,
     None, 0, "julia.brooks"),
    ("CI-2707", "Corvid Industrial Controls", "BOX-100", "anchor", "rfq", 900, "2026-W49", 10,
     None, None, 4, "ken.watanabe"),
    ("KP-2711", "Kinetic Prototypes", "PCB-CTL", "spot", "quoted", 600, "2027-W02", 2, None,
     None, 0, "julia.brooks"),
    ("KP-2711", "Kinetic Prototypes", "ENC-S", "spot", "quoted", 300, "2027-W02", 2, None,
     None, 0, "julia.brooks"),
    ("NR-2712", "Northgate Rail Signals", "HAR-100", "spot", "shortlisted", 2400, "2027-W04", 6,
     None, None, 0, "ken.watanabe"),
    ("NR-2712", "Northgate Rail Signals", "ENC-L", "spot", "shortlisted", 240, "2027-W04", 6,
     None, None, 0, "ken.watanabe"),
    ("AL-2713", "Ardent Lighting", "PCB-PWR", "spot", "awarded", 2000, "2027-W01", 4, None,
     None, 0, "julia.brooks"),
    ("QA-2714", "Quill Audio", "PCB-CTL", "spot", "rfq", 1500, "2027-W07", 3, None, None, 0,
     "julia.brooks"),
    ("SA-2715", "Sablefield Agritech", "ENC-S", "spot", "quoted", 900, "2027-W05", 3, None,
     None, 3, "ken.watanabe"),
    ("SA-2715", "Sablefield Agritech", "HAR-100", "spot", "quoted", 1200, "2027-W05", 3, None,
     None, 3, "ken.watanabe"),
    ("MS-2716", "Marrow Security Systems", "KIT-SVC", "spot", "shortlisted", 300, "2027-W09", 2,
     0.8, "Framework price agreed; purchase order in customer approval", 0, "julia.brooks"),
    ("MS-2717", "Marrow Security Systems", "PCB-PWR", "spot", "rfq", 1200, "2026-W50", 4, None,
     None, 1, "julia.brooks"),
    ("NR-2718", "Northgate Rail Signals", "PCB-CTL", "spot", "quoted", 800, "2027-W11", 4, None,
     None, 0, None),
    ("AL-2719", "Ardent Lighting", "ENC-L", "spot", "rfq", 200, "2027-W12", 2, None, None, 0,
     None),
]
# fmt: on

# customer forecasts received by EDI for anchor series (they replace the statistical baseline)
CUSTOMER_FORECAST = ["PCB-CTL", "PCB-PWR", "HAR-200", "BOX-100"]
FORECAST_BIAS = 1.05  # anchor customers tend to over-forecast

# fmt: off
OVERRIDES = [
    ("OV-01", "HAR-200", "anchor", "2027-W15", "replace", 120, "tess.obrien",
     "Corvid model change-over week: customer line stopped (call of 2026-12-21)"),
    ("OV-02", "HAR-200", "anchor", "2027-W16", "replace", 180, "tess.obrien",
     "Corvid ramp back after change-over at 60 percent"),
    ("OV-03", "PCB-CTL", "spot", "2027-W06", "delta", 250, "julia.brooks",
     "Kinetic Prototypes pilot run confirmed by e-mail; not yet in the CRM"),
]
# fmt: on


# --------------------------------------------------------------------------- helpers


def series() -> list[tuple[tuple, str, float]]:
    out = []
    for it in ITEMS:
        for seg, share in zip(SEGMENTS, it[7], strict=True):
            if share > 0:
                out.append((it, seg, it[6] * share))
    return out


def expected(it: tuple, seg: str, lvl: float, n: int) -> float:
    growth = it[11] if seg == "anchor" else 0.0
    base = lvl * (1 + growth) ** ((n - MID) / 52)
    if (it[0], seg) in INTERMITTENT:
        return base
    return base * week_factor(n)


# --------------------------------------------------------------------------- main


def charter_yaml() -> str:
    roles = "\n".join(
        f"  - id: {rid}\n    title: {title}\n    members: [{', '.join(email(m) for m in ms)}]"
        for rid, title, ms in ROLES
    )
    return f"""# yaml-language-server: $schema=../schemas/charter.schema.json
# Harbor Precision Assembly: weekly S&OP charter of a contract manufacturer.
# Generated by examples/generate_contract_manufacturer.py; edit the generator and re-run it.
version: 1
organisation:
  name: Harbor Precision Assembly
  description: >-
    Contract manufacturer of circuit-board assemblies, wiring harnesses, sheet-metal
    enclosures and box-build units for OEM customers. Plans weekly; labour (three pools
    that can hire, lay off and work overtime) is the main lever, the SMT line and the CNC
    cell are fixed.
glossary:
  - term: "S&OP"
    aliases: ["s and op", "s & op", "s &op", "S and Op"]
    definition: Sales and Operations Planning.
  - term: anchor
    aliases: ["anchor customers", "LTA customers"]
    definition: OEMs with a long-term supply agreement and a rolling EDI forecast.
  - term: spot
    aliases: ["spot orders", "build-to-print"]
    definition: One-off and short-run orders quoted job by job.
  - term: box-build
    aliases: ["box build", "system integration"]
    definition: Final assembly of board, harness and enclosure into a tested unit.
cadence:
  bucket: week
  horizon_periods: {HORIZON}
  frozen_periods: 3
  demand_refresh:
    every: 1
    unit: week
  executive_commit:
    every: 1
    unit: month
calendar:
  signal: 2
  reconcile: 4
  commit: 6
roles:
{roles}
decision_rights:
  override_demand: [program_manager, planner]
  approve_capacity_change: [ops_manager, hr_manager]
  approve_frozen_change: [plant_director, ops_manager]
  sign_off_plan: [plant_director, finance_manager, ops_manager]
approvals:
  required_roles: [plant_director, finance_manager, ops_manager]
  quorum: 2
inputs:
  - {{file: demand_history.csv, table: demand_history, owner: planner, due: signal}}
  - {{file: customer_forecast.csv, table: baseline, owner: program_manager, due: signal}}
  - {{file: pipeline.csv, table: pipeline, owner: program_manager, due: signal}}
  - {{file: overrides.csv, table: overrides, owner: planner, due: signal, required: false}}
  - {{file: items.csv, table: items, owner: finance_manager, due: signal}}
  - {{file: prices.csv, table: prices, owner: finance_manager, due: signal}}
  - {{file: resources.csv, table: resources, owner: ops_manager, due: reconcile}}
  - {{file: capacity.csv, table: capacity, owner: ops_manager, due: reconcile}}
  - {{file: routings.csv, table: routings, owner: ops_manager, due: reconcile}}
  - {{file: inventory.csv, table: inventory, owner: planner, due: reconcile}}
  - {{file: bom.csv, table: bom, owner: buyer, due: reconcile}}
  - {{file: materials.csv, table: materials, owner: buyer, due: reconcile}}
  - {{file: open_orders.csv, table: open_orders, owner: buyer, due: reconcile}}
metrics:
  - name: service_level
    target: 0.97
    tolerance: 0.01
    direction: at_least
    owner: ops_manager
  - name: forecast_bias
    target: 0.0
    tolerance: 0.08
    direction: at_most
    owner: program_manager
  - name: capacity_utilisation
    target: 0.92
    direction: at_most
    severity: warning
    owner: ops_manager
  - name: overtime_share
    target: 0.1
    direction: at_most
    severity: warning
    owner: hr_manager
segments:
  - id: anchor
    name: Anchor OEMs with long-term agreements
    priority: 1
    service_level_target: 0.97
    shortage_policy: backlog
    shortage_penalty: 4
    clear_backlog_by_end: true
  - id: spot
    name: Spot and build-to-print orders
    priority: 2
    service_level_target: 0.85
    shortage_policy: lost_sales
    shortage_penalty: 2
pipeline:
  stages:
    - {{id: rfq, probability: 0.1}}
    - {{id: quoted, probability: 0.3}}
    - {{id: shortlisted, probability: 0.6}}
    - {{id: awarded, probability: 0.9}}
  close_to_demand_lag: {LAG}
  mode: incremental
  max_slips: {MAX_SLIPS}
  unhealthy_weight: {UNHEALTHY_WEIGHT}
forecast:
  default_method: auto
  per_item:
    KIT-SVC: tsb
  season_length: 13
  holdout_periods: 8
  moving_average_window: 4
escalation:
  - {{exception: shortage, segment: anchor, min_value: 0, to: ops_manager}}
  - {{exception: overload, resource: smt, min_value: 2000, to: ops_manager}}
  - {{exception: overload, resource: assemblers, min_value: 2000, to: hr_manager}}
  - {{exception: late_delivery, segment: anchor, min_value: 0, to: program_manager}}
  - {{exception: any, min_value: 50000, to: plant_director}}
finance:
  currency: USD
  dso_days: 60
  dpo_days: 45
  inventory_carrying_rate: 0.2
"""


CYCLE_YAML = f"""# yaml-language-server: $schema=../../schemas/cycle.schema.json
# Generated by examples/generate_contract_manufacturer.py; edit the generator and re-run it.
id: "{CYCLE_ID}"
charter: harbor
first_period: "{FIRST_PERIOD}"
horizon: {HORIZON}
status: draft
assumptions:
  - id: A1
    owner: program_manager
    text: >-
      Anchor customers' EDI forecasts (customer_forecast.csv) replace the statistical baseline
      for PCB-CTL, PCB-PWR, HAR-200 and BOX-100; they have run about 5% high.
  - id: A2
    owner: hr_manager
    text: >-
      The staffing agency supplies up to 4 trained assemblers a week at 1500 USD onboarding;
      releasing one costs 2200 USD (notice and agency fee).
  - id: A3
    owner: ops_manager
    text: >-
      Holiday weeks 2027-W12, W13, W18 and W20 have four working days; the SMT reflow oven
      is overhauled in 2027-W09 (56 of 80 hours).
  - id: A4
    owner: buyer
    text: >-
      MCU-32 is on allocation: 1500 a week confirmed to 2027-W08, 1600 a week after; new
      orders take 16 weeks. PSU-60 is capped at 380 a week by the supplier
      (300 a week confirmed to 2027-W10).
scenarios:
  - id: base
    description: Customer forecasts as received, pipeline at stage probabilities.
"""


def generate(out: Path) -> dict[str, list[list[object]]]:
    rng = random.Random(SEED)
    root = out / "examples" / "contract-manufacturer"
    inputs = root / "cycles" / CYCLE_ID / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    (root / "charters").mkdir(parents=True, exist_ok=True)
    (root / "charters" / "harbor.yaml").write_text(charter_yaml(), encoding="utf-8", newline="\n")
    (root / "cycles" / CYCLE_ID / "cycle.yaml").write_text(
        CYCLE_YAML, encoding="utf-8", newline="\n"
    )
    hist: list[list[object]] = []
    for it, seg, lvl in series():
        p = INTERMITTENT.get((it[0], seg))
        for per in HIST:
            mean = expected(it, seg, lvl, ordinal(per))
            if p is not None:
                q = round(mean / p * max(0.2, rng.gauss(1, 0.3))) if rng.random() < p else 0
            else:
                q = max(0, round(mean * max(0.0, rng.gauss(1, 0.12))))
            hist.append([it[0], seg, per, q])
    write_csv(inputs / "demand_history.csv", ["item", "segment", "period", "quantity"], hist)

    fc: list[list[object]] = []
    for it, seg, lvl in series():
        if seg == "anchor" and it[0] in CUSTOMER_FORECAST:
            for per in HOR:
                mean = expected(it, seg, lvl, ordinal(per)) * FORECAST_BIAS
                fc.append([it[0], seg, per, round(mean * rng.uniform(0.96, 1.04) / 10) * 10])
    write_csv(inputs / "customer_forecast.csv", ["item", "segment", "period", "quantity"], fc)

    pipe = [
        [d, a, i, s, st, q, c, sp, p, r, sl, email(o) if o else None]
        for d, a, i, s, st, q, c, sp, p, r, sl, o in PIPELINE
    ]
    write_csv(
        inputs / "pipeline.csv",
        [
            "deal_id",
            "account",
            "item",
            "segment",
            "stage",
            "quantity",
            "close_period",
            "ship_periods",
            "probability",
            "probability_reason",
            "slip_count",
            "owner",
        ],
        pipe,
    )
    write_csv(
        inputs / "overrides.csv",
        ["override_id", "item", "segment", "period", "kind", "quantity", "owner", "reason"],
        [[o, i, s, p, k, q, email(w), why] for o, i, s, p, k, q, w, why in OVERRIDES],
    )
    write_csv(
        inputs / "items.csv",
        [
            "item",
            "family",
            "description",
            "unit_cost",
            "price",
            "lead_time",
            "holding_cost",
            "subcontract_cost",
            "subcontract_limit",
        ],
        [[it[0], it[1], it[2], it[3], it[4], it[5], it[8], it[9], it[10]] for it in ITEMS],
    )
    write_csv(
        inputs / "prices.csv",
        ["item", "segment", "price"],
        [[it[0], "spot", round(it[4] * 1.15, 2)] for it in ITEMS if it[7][1] > 0]
        + [["BOX-100", "anchor", 249], ["PCB-CTL", "anchor", 58.5]],
    )
    write_csv(
        inputs / "resources.csv",
        [
            "resource",
            "kind",
            "description",
            "hours",
            "regular_cost",
            "overtime_cost",
            "overtime_limit",
            "workforce",
            "hours_per_worker",
            "hire_cost",
            "layoff_cost",
            "max_hires",
            "max_layoffs",
            "min_workforce",
            "max_workforce",
        ],
        [list(r) for r in RESOURCES],
    )
    write_csv(
        inputs / "capacity.csv", ["resource", "period", "hours", "overtime_limit"], capacity_rows()
    )
    write_csv(
        inputs / "routings.csv",
        ["item", "resource", "hours_per_unit"],
        [[i, r, h] for i, rs in ROUTINGS.items() for r, h in rs.items()],
    )
    inv = []
    for it in ITEMS:
        vol = it[6]
        inv.append(
            [
                it[0],
                round(vol * rng.uniform(0.8, 1.2) / 10) * 10,
                round(vol * 0.5 / 10) * 10,
                round(vol * 0.5 / 10) * 10,
            ]
        )
    write_csv(inputs / "inventory.csv", ["item", "on_hand", "safety_stock", "ending_target"], inv)
    write_csv(
        inputs / "bom.csv",
        ["item", "material", "quantity_per"],
        [[i, m, q] for i, ms in BOM.items() for m, q in ms.items()],
    )
    write_csv(
        inputs / "materials.csv",
        ["material", "supplier", "unit_cost", "lead_time", "capacity", "on_hand"],
        [list(m) for m in MATERIALS],
    )
    write_csv(
        inputs / "open_orders.csv", ["po_id", "material", "period", "quantity"], open_orders()
    )
    return {"pipeline": pipe, "forecast": fc}


def rough_check(tables: dict[str, list[list[object]]]) -> str:
    demand = {it[0]: [0.0] * HORIZON for it in ITEMS}
    fc = {(r[0], r[1], r[2]): float(r[3]) for r in tables["forecast"]}  # type: ignore[arg-type]
    for it, seg, lvl in series():
        for k, per in enumerate(HOR):
            demand[it[0]][k] += fc.get((it[0], seg, per), expected(it, seg, lvl, FIRST + k))
    for _d, _a, item, _s, stage, q, close, sp, p, _r, slip, _o in tables["pipeline"]:
        w = float(p) if p is not None else STAGE_P[str(stage)]  # type: ignore[arg-type]
        c = ordinal(str(close))
        if (slip or 0) > MAX_SLIPS or c < FIRST:  # type: ignore[operator]
            w *= UNHEALTHY_WEIGHT
        start = max(c + LAG, FIRST)
        for j in range(int(sp)):  # type: ignore[call-overload]
            k = start + j - FIRST
            if 0 <= k < HORIZON:
                demand[str(item)][k] += w * float(q) / int(sp)  # type: ignore[arg-type,call-overload]
    caps = {(r[0], r[1]): float(r[2]) for r in capacity_rows()}  # type: ignore[arg-type]
    out = ["Rough check: routed hours of expected demand / regular hours"]
    out.append("week      " + "".join(f"{r:>18}" for r in RESOURCE_IDS) + "   MCU  PSU")
    for k, per in enumerate(HOR):
        cells = []
        for res, kind, _d, hours, _rc, _oc, _ot, wf, hpw, *_r in RESOURCES:
            load = sum(demand[i][k] * ROUTINGS[i].get(res, 0) for i in demand)
            base = caps.get((res, per), hours if kind == "fixed" else hpw)
            reg = base if kind == "fixed" else base * wf
            cells.append(f"{load:6.0f}/{reg:5.0f} {load / reg:4.0%}")
        mcu = sum(demand[i][k] * BOM.get(i, {}).get("MCU-32", 0) for i in demand)
        psu = sum(demand[i][k] * BOM.get(i, {}).get("PSU-60", 0) for i in demand)
        out.append(f"{per}  " + "".join(f"{c:>18}" for c in cells) + f"  {mcu:5.0f} {psu:4.0f}")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent.parent,
        help="repository root to write into (default: this repo)",
    )
    ap.add_argument("--check", action="store_true", help="print the rough capacity check")
    args = ap.parse_args()
    tables = generate(args.out)
    if args.check:
        print(rough_check(tables))


if __name__ == "__main__":
    main()
