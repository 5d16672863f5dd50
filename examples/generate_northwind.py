#!/usr/bin/env python3
"""Generate the embedded Northwind Distribution demo (charter, cycle 2026-12 and its inputs).

Northwind Distribution is a B2B distributor of pumps, valves, fittings and control kits that
also assembles pumps, actuated valves and control panels and kits spare parts. It runs S&OP
with a two-week demand refresh and a monthly executive commit (see docs/demo.md).

The script uses the standard library only and a fixed seed: running it twice writes identical
bytes. It writes into the repository root by default:

    charters/northwind.yaml
    cycles/2026-12/cycle.yaml
    cycles/2026-12/inputs/*.csv         (scheduled_receipts.csv: orders placed before the cycle)
    cycles/2026-12/scenarios/*.yaml     (what-if scenarios: upside, lost_shift, late_supplier)

Usage:
    python examples/generate_northwind.py              # write the demo into the repo root
    python examples/generate_northwind.py --out DIR    # write it somewhere else
    python examples/generate_northwind.py --check      # also print the rough capacity check
"""

from __future__ import annotations

import argparse
import math
import random
import textwrap
from pathlib import Path

from _csvgen import write_csv

SEED = 20261201
CYCLE_ID = "2026-12"
FIRST_PERIOD = "2027-01"
HORIZON = 18
HISTORY_START = "2025-01"
HISTORY_MONTHS = 24
LAG = 1  # pipeline close_to_demand_lag
MAX_SLIPS = 2
UNHEALTHY_WEIGHT = 0.5
SEGMENTS = ("strategic", "key", "standard")


# --------------------------------------------------------------------------- periods (months)


def ordinal(p: str) -> int:
    y, m = p.split("-")
    return int(y) * 12 + int(m) - 1


def period(n: int) -> str:
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def month_of(n: int) -> int:
    return n % 12  # 0 = January


HIST = [period(ordinal(HISTORY_START) + i) for i in range(HISTORY_MONTHS)]
HOR = [period(ordinal(FIRST_PERIOD) + i) for i in range(HORIZON)]
MID = ordinal("2026-07")  # levels below are monthly averages around mid-2026


# --------------------------------------------------------------------------- people

DOMAIN = "northwind.example"


def email(name: str) -> str:
    return f"{name}@{DOMAIN}"


ROLES = [
    ("ceo", "Chief Executive Officer", ["elena.varga"]),
    ("cfo", "Chief Financial Officer", ["marcus.lind"]),
    ("coo", "Chief Operating Officer", ["priya.raman"]),
    ("sales_lead", "VP Sales", ["tomas.keller"]),
    (
        "account_manager",
        "Account managers",
        ["ines.moreau", "jonas.weber", "sara.okafor", "lukas.brandt", "mia.jensen"],
    ),
    ("demand_planner", "Demand planner", ["hana.novak"]),
    ("supply_planner", "Supply planner (purchasing and materials)", ["david.osei"]),
    ("ops_lead", "Warehouse and assembly manager", ["karin.holm"]),
    ("finance_analyst", "FP&A analyst", ["omar.haddad"]),
]
ACCOUNT_MANAGERS = {
    "strategic": ["ines.moreau", "jonas.weber"],
    "key": ["sara.okafor", "lukas.brandt"],
    "standard": ["mia.jensen"],
}

ACCOUNTS = {
    "strategic": [
        "Rhine Water Utilities",
        "Baltic Agro Irrigation",
        "Helios Building Services",
        "Nordhavn Municipal Water",
        "Orca Facility Management",
        "Meridian Industrial Parks",
        "Alpen Agrar Cooperative",
        "Vistula Wastewater Authority",
    ],
    "key": [
        "Ventus HVAC Contractors",
        "Kessler Plumbing Group",
        "Fjord Aquaculture",
        "Linde Greenhouse Systems",
        "Brabant Process Engineering",
        "Sava Irrigation",
        "Oder Mechanical",
        "Castellan Pool Technik",
        "Aurora Fire Protection",
        "Tatra Heating Installers",
        "Maas Dairy Equipment",
        "Polder Drainage Works",
    ],
    "standard": [
        "Berg Installations",
        "Koch Haustechnik",
        "Nilsson VVS",
        "Duarte Canalizacoes",
        "Petrov Service",
        "Hansen Rorteknik",
        "Lambert Chauffage",
        "Novak Instalace",
        "Rossi Idraulica",
        "Schmidt Sanitaer",
        "Van Dijk Techniek",
        "Wojcik Hydraulika",
        "Moreno Riegos",
        "Keller Pumpenservice",
        "Larsen Maskin",
        "Ivanova Trade",
        "Bauer Gartenbau",
        "Costa Bombas",
        "Eriksen Agro",
        "Fischer Brunnenbau",
    ],
}


# --------------------------------------------------------------------------- products

# Seasonal index per family by calendar month (January first); each averages 1.0.
SEASON = {
    "pumps": (0.75, 0.80, 1.00, 1.20, 1.35, 1.30, 1.10, 0.85, 1.00, 0.95, 0.90, 0.80),
    "valves": (0.85, 0.90, 1.00, 1.10, 1.15, 1.15, 1.05, 0.85, 1.00, 1.00, 1.00, 0.95),
    "fittings": (0.90, 0.95, 1.00, 1.05, 1.10, 1.10, 1.00, 0.90, 1.00, 1.05, 1.00, 0.95),
    "controls": (0.80, 0.85, 1.00, 1.10, 1.20, 1.20, 1.00, 0.80, 1.00, 1.05, 1.10, 0.90),
    "filtration": (0.85, 0.90, 1.00, 1.10, 1.15, 1.15, 1.05, 0.85, 1.00, 1.00, 1.00, 0.95),
    "metering": (0.90, 0.95, 1.00, 1.05, 1.10, 1.10, 1.00, 0.85, 1.00, 1.05, 1.05, 0.95),
}
TREND = {  # yearly growth
    "pumps": 0.07,
    "valves": 0.03,
    "fittings": 0.02,
    "controls": 0.08,
    "filtration": 0.03,
    "metering": 0.05,
}
NOISE = {
    "pumps": 0.10,
    "valves": 0.09,
    "fittings": 0.07,
    "controls": 0.14,
    "filtration": 0.12,
    "metering": 0.20,
}


class Item:
    def __init__(
        self,
        item: str,
        family: str,
        description: str,
        unit_cost: float,
        price: float,
        lead_time: int,
        volume: float,
        shares: tuple[float, float, float],
        *,
        holding: float | None = None,
        sub_cost: float | None = None,
        sub_limit: float | None = None,
        step: int = 1,
    ) -> None:
        self.item = item
        self.family = family
        self.description = description
        self.unit_cost = unit_cost
        self.price = price
        self.lead_time = lead_time
        self.volume = volume  # average units per month (all segments) around mid-2026
        self.shares = dict(zip(SEGMENTS, shares, strict=True))
        self.holding = holding
        self.sub_cost = sub_cost
        self.sub_limit = sub_limit
        self.step = step  # order multiple used for deal quantities
        # resale items are bought in finished: a supplier invoices them (paid on DPO terms)
        self.sourcing = "buy" if "(resale)" in description else "make"


# fmt: off
ITEMS = [
    # pumps: assembled on line A (centrifugal, submersible, booster sets)
    Item("PMP-CEN-S", "pumps", "End-suction centrifugal pump 1.1 kW (assembled)", 310, 520, 0,
         420, (0.45, 0.35, 0.20), holding=9, sub_cost=470, sub_limit=60),
    Item("PMP-CEN-M", "pumps", "End-suction centrifugal pump 4 kW (assembled)", 560, 930, 0,
         180, (0.50, 0.35, 0.15), holding=14, sub_cost=820, sub_limit=25),
    Item("PMP-CEN-L", "pumps", "End-suction centrifugal pump 11 kW (assembled)", 1450, 2350, 0,
         45, (0.60, 0.30, 0.10), holding=30),
    Item("PMP-SUB-S", "pumps", "Submersible drainage pump 0.75 kW (assembled)", 170, 295, 0,
         300, (0.25, 0.35, 0.40), holding=6, sub_cost=255, sub_limit=80),
    Item("PMP-SUB-M", "pumps", "Submersible sewage pump 3 kW (assembled)", 420, 720, 0,
         110, (0.45, 0.40, 0.15), holding=11),
    Item("PMP-BST-2", "pumps", "Twin-pump pressure booster set with panel (assembled)", 2300,
         3900, 1, 28, (0.60, 0.40, 0.0), holding=58),
    Item("PMP-BST-3", "pumps", "Triple-pump booster set for utilities (built to order)", 3600,
         6100, 1, 6, (1.0, 0.0, 0.0), holding=92),
    Item("PMP-DOS", "pumps", "Diaphragm dosing pump (resale)", 380, 610, 1,
         60, (0.30, 0.40, 0.30)),
    Item("PMP-SPK", "pumps", "Pump service kit: seals bearings impeller nut (kitted)", 45, 89, 0,
         150, (0.30, 0.30, 0.40), step=5),
    # valves: resale plus actuated valves assembled on line B
    Item("VLV-BAL-25", "valves", "Brass ball valve DN25 (resale)", 9.5, 17.9, 1,
         2600, (0.25, 0.35, 0.40), step=50),
    Item("VLV-BAL-50", "valves", "Brass ball valve DN50 (resale)", 24, 42, 1,
         1400, (0.30, 0.35, 0.35), step=25),
    Item("VLV-GAT-80", "valves", "Cast-iron gate valve DN80 (resale)", 118, 189, 1,
         220, (0.40, 0.35, 0.25), step=5),
    Item("VLV-BFY-100", "valves", "Wafer butterfly valve DN100 (resale)", 96, 165, 1,
         260, (0.40, 0.40, 0.20), step=5),
    Item("VLV-CHK-50", "valves", "Swing check valve DN50 (resale)", 31, 54, 1,
         520, (0.30, 0.35, 0.35), step=10),
    Item("VLV-ACT-50", "valves", "Electrically actuated ball valve DN50 (assembled)", 185, 329, 0,
         160, (0.45, 0.40, 0.15)),
    Item("VLV-ACT-100", "valves", "Electrically actuated butterfly valve DN100 (assembled)", 310,
         545, 0, 90, (0.55, 0.45, 0.0)),
    Item("VLV-PRV-50", "valves", "Pressure reducing valve DN50 (resale)", 88, 149, 1,
         140, (0.25, 0.40, 0.35), step=5),
    # fittings: resale, high volume, plus a kitted gasket set
    Item("FIT-ELB-SS", "fittings", "Stainless 90 degree elbow 2 inch (resale)", 3.1, 5.9, 1,
         5200, (0.30, 0.35, 0.35), step=100),
    Item("FIT-TEE-SS", "fittings", "Stainless equal tee 2 inch (resale)", 4.2, 7.8, 1,
         3100, (0.30, 0.35, 0.35), step=100),
    Item("FIT-FLG-50", "fittings", "Weld-neck flange DN50 PN16 (resale)", 11.5, 19.5, 1,
         1800, (0.35, 0.35, 0.30), step=50),
    Item("FIT-FLG-100", "fittings", "Weld-neck flange DN100 PN16 (resale)", 24, 39, 1,
         900, (0.40, 0.35, 0.25), step=25),
    Item("FIT-CPL-PVC", "fittings", "PVC pressure coupling 63 mm (resale)", 0.85, 1.75, 1,
         6500, (0.20, 0.30, 0.50), step=250),
    Item("FIT-GSK-KIT", "fittings", "Flange gasket and bolt kit DN50-DN100 (kitted)", 6.4, 12.9, 0,
         700, (0.35, 0.35, 0.30), step=20),
    # controls: panels assembled on line B, retrofit kits kitted by the crew
    Item("CTL-PNL-S", "controls", "Single-pump control panel (assembled)", 640, 1150, 0,
         75, (0.45, 0.40, 0.15), sub_cost=1010, sub_limit=20),
    Item("CTL-PNL-D", "controls", "Duplex pump control panel with two drives (assembled)", 1180,
         2050, 0, 30, (0.60, 0.40, 0.0)),
    Item("CTL-VFD-KIT", "controls", "Variable-speed drive retrofit kit 4 kW (kitted)", 520, 860, 0,
         55, (0.35, 0.45, 0.20)),
    Item("CTL-SNS-KIT", "controls", "Pressure transmitter and cable kit (kitted)", 92, 165, 0,
         120, (0.35, 0.35, 0.30)),
    Item("CTL-LVL-KIT", "controls", "Float switch level control kit (kitted)", 74, 139, 0,
         85, (0.25, 0.35, 0.40)),
    # filtration and metering: resale
    Item("FLT-Y-50", "filtration", "Y-strainer DN50 (resale)", 38, 66, 1,
         320, (0.35, 0.35, 0.30), step=5),
    Item("MET-FLW-50", "metering", "Electromagnetic flow meter DN50 (resale)", 690, 1120, 1,
         40, (0.55, 0.30, 0.15)),
]
# fmt: on
ITEM = {i.item: i for i in ITEMS}

# Series that order in lumps: most months show zero.
INTERMITTENT = {
    ("PMP-BST-3", "strategic"): 0.35,
    ("PMP-BST-2", "key"): 0.55,
    ("PMP-CEN-L", "standard"): 0.30,
    ("MET-FLW-50", "standard"): 0.40,
    ("MET-FLW-50", "key"): 0.60,
    ("CTL-PNL-D", "key"): 0.55,
    ("PMP-DOS", "standard"): 0.50,
}

# Hours per unit: warehouse handling (every item), line A, line B and the assembly crew.
# fmt: off
ROUTINGS = {
    "PMP-CEN-S": {"whse": 0.20, "line-a": 0.80, "crew": 1.00},
    "PMP-CEN-M": {"whse": 0.30, "line-a": 1.40, "crew": 1.70},
    "PMP-CEN-L": {"whse": 0.50, "line-a": 2.60, "crew": 3.00},
    "PMP-SUB-S": {"whse": 0.15, "line-a": 0.60, "crew": 0.80},
    "PMP-SUB-M": {"whse": 0.25, "line-a": 1.10, "crew": 1.30},
    "PMP-BST-2": {"whse": 0.80, "line-a": 4.50, "crew": 6.00},
    "PMP-BST-3": {"whse": 1.00, "line-a": 6.50, "crew": 8.50},
    "PMP-DOS": {"whse": 0.15},
    "PMP-SPK": {"whse": 0.10, "crew": 0.25},
    "VLV-BAL-25": {"whse": 0.015},
    "VLV-BAL-50": {"whse": 0.025},
    "VLV-GAT-80": {"whse": 0.12},
    "VLV-BFY-100": {"whse": 0.15},
    "VLV-CHK-50": {"whse": 0.04},
    "VLV-ACT-50": {"whse": 0.10, "line-b": 0.50, "crew": 0.60},
    "VLV-ACT-100": {"whse": 0.15, "line-b": 0.90, "crew": 1.00},
    "VLV-PRV-50": {"whse": 0.06},
    "FIT-ELB-SS": {"whse": 0.008},
    "FIT-TEE-SS": {"whse": 0.008},
    "FIT-FLG-50": {"whse": 0.02},
    "FIT-FLG-100": {"whse": 0.04},
    "FIT-CPL-PVC": {"whse": 0.005},
    "FIT-GSK-KIT": {"whse": 0.03, "crew": 0.08},
    "CTL-PNL-S": {"whse": 0.30, "line-b": 1.60, "crew": 2.00},
    "CTL-PNL-D": {"whse": 0.40, "line-b": 2.80, "crew": 3.40},
    "CTL-VFD-KIT": {"whse": 0.12, "crew": 0.90},
    "CTL-SNS-KIT": {"whse": 0.06, "crew": 0.40},
    "CTL-LVL-KIT": {"whse": 0.08, "crew": 0.50},
    "FLT-Y-50": {"whse": 0.05},
    "MET-FLW-50": {"whse": 0.20},
}
# fmt: on

# resource, kind, description, hours, regular_cost, overtime_cost, overtime_limit, workforce,
# hours_per_worker, hire_cost, layoff_cost, max_hires, max_layoffs, min_workforce, max_workforce
# fmt: off
RESOURCES = [
    ("whse", "fixed", "Warehouse handling: receiving picking packing and dispatch (2 shifts)",
     1100, 29, None, 0, None, None, None, None, None, None, None, None),
    ("line-a", "fixed", "Assembly line A: pumps and booster sets (2 shifts)",
     1680, 14, 31, 240, None, None, None, None, None, None, None, None),
    ("line-b", "fixed", "Assembly line B: valve actuation and control panels (1 shift)",
     500, 11, 26, 80, None, None, None, None, None, None, None, None),
    ("crew", "labour", "Assembly and kitting crew (assemblers on lines A and B plus kitting)",
     None, 34, 47, 20, 20, 152, 4200, 9000, 3, 1, 17, 26),
]
# fmt: on
RESOURCE_IDS = [r[0] for r in RESOURCES]

# Per-period capacity changes: (resource, period, hours, overtime_limit)
# fmt: off
CAPACITY = [
    ("whse", "2027-01", 1000, None),  # two-day stocktake in the first week of January
    ("line-a", "2027-08", 1050, 150),  # planned overhaul: line A at reduced hours
    ("whse", "2027-12", 880, None),  # holiday closure 24 Dec - 1 Jan
    ("line-a", "2027-12", 1340, 190),
    ("line-b", "2027-12", 400, 60),
    ("crew", "2027-12", 122, 12),  # hours per worker that month
    ("line-b", "2028-03", 580, 80),  # third assembly bench on line B commissioned
    ("line-b", "2028-04", 580, 80),
    ("line-b", "2028-05", 580, 80),
    ("line-b", "2028-06", 580, 80),
]
# fmt: on

# material, supplier, unit_cost, lead_time, capacity per month, on_hand
# fmt: off
MATERIALS = [
    ("MOT-S", "Elmotor Brno", 95, 3, 950, 650),
    ("MOT-L", "Vesta Drives", 260, 4, 700, 600),
    ("HSG-S", "Ferrocast Silesia", 38, 2, 2000, 1500),
    ("HSG-L", "Ferrocast Silesia", 92, 2, 600, 450),
    ("IMP-SS", "Rotan Impellers", 21, 1, 3000, 2200),
    ("ACT-E", "Actum Controls", 110, 2, 380, 240),
    ("PLC-S", "Orbit Automation", 145, 3, 240, 150),
    ("ENC-65", "Boxline Enclosures", 48, 1, None, 180),
    ("VFD-4", "Danvik Drives", 310, 4, 200, 90),
]
# fmt: on
# fmt: off
BOM = {
    "PMP-CEN-S": {"MOT-S": 1, "HSG-S": 1, "IMP-SS": 1},
    "PMP-CEN-M": {"MOT-L": 1, "HSG-L": 1, "IMP-SS": 1},
    "PMP-CEN-L": {"MOT-L": 1, "HSG-L": 1, "IMP-SS": 1},
    "PMP-SUB-S": {"MOT-S": 1, "IMP-SS": 1},
    "PMP-SUB-M": {"MOT-L": 1, "IMP-SS": 1},
    "PMP-BST-2": {"MOT-S": 2, "HSG-S": 2, "IMP-SS": 2, "PLC-S": 1, "ENC-65": 1},
    "PMP-BST-3": {"MOT-S": 3, "HSG-S": 3, "IMP-SS": 3, "PLC-S": 1, "ENC-65": 1},
    "VLV-ACT-50": {"ACT-E": 1},
    "VLV-ACT-100": {"ACT-E": 1},
    "CTL-PNL-S": {"PLC-S": 1, "ENC-65": 1},
    "CTL-PNL-D": {"PLC-S": 1, "ENC-65": 1, "VFD-4": 2},
    "CTL-VFD-KIT": {"VFD-4": 1},
}
# fmt: on
# po_id, material, arrival period, quantity
# fmt: off
OPEN_ORDERS = [
    ("PO-26-4411", "MOT-S", "2027-01", 750),
    ("PO-26-4412", "MOT-S", "2027-02", 750),
    ("PO-26-4413", "MOT-S", "2027-03", 800),
    ("PO-26-4420", "MOT-L", "2027-01", 380),
    ("PO-26-4421", "MOT-L", "2027-02", 400),
    ("PO-26-4422", "MOT-L", "2027-03", 450),
    ("PO-26-4423", "MOT-L", "2027-04", 480),
    ("PO-26-4430", "HSG-S", "2027-01", 1200),
    ("PO-26-4431", "HSG-L", "2027-01", 300),
    ("PO-26-4432", "HSG-L", "2027-02", 300),
    ("PO-26-4440", "ACT-E", "2027-01", 240),
    ("PO-26-4441", "ACT-E", "2027-02", 260),
    ("PO-26-4450", "PLC-S", "2027-01", 150),
    ("PO-26-4451", "PLC-S", "2027-02", 160),
    ("PO-26-4452", "PLC-S", "2027-03", 170),
    ("PO-26-4460", "VFD-4", "2027-02", 120),
    ("PO-26-4461", "VFD-4", "2027-03", 120),
    ("PO-26-4462", "VFD-4", "2027-04", 130),
]
# fmt: on


# --------------------------------------------------------------------------- helpers


def level(item: Item, seg: str) -> float:
    return item.volume * item.shares[seg]


def expected(item: Item, seg: str, n: int) -> float:
    """Underlying mean demand of a series in month ordinal n (trend x season)."""
    years = (n - MID + 0.5) / 12
    base = level(item, seg) * (1 + TREND[item.family]) ** years
    if (item.item, seg) in INTERMITTENT:
        return base
    return base * SEASON[item.family][month_of(n)]


def series() -> list[tuple[Item, str]]:
    return [(i, s) for i in ITEMS for s in SEGMENTS if i.shares[s] > 0]


# --------------------------------------------------------------------------- tables


def demand_history(rng: random.Random) -> list[list[object]]:
    rows: list[list[object]] = []
    for item, seg in series():
        p = INTERMITTENT.get((item.item, seg))
        for per in HIST:
            n = ordinal(per)
            mean = expected(item, seg, n)
            if p is not None:
                if rng.random() < p:
                    q = max(1, round(mean / p * max(0.2, rng.gauss(1.0, 0.35))))
                else:
                    q = 0
            else:
                q = max(0, round(mean * max(0.0, rng.gauss(1.0, NOISE[item.family]))))
            if (item.item, seg, per) == ("VLV-GAT-80", "standard", "2026-09"):
                q = q * 4  # one-off municipal tender (see overrides.csv OVR-002)
            rows.append([item.item, seg, per, q])
    return rows


STAGES = [("qualified", 0.1), ("proposal", 0.3), ("negotiation", 0.6), ("committed", 0.9)]
STAGE_P = dict(STAGES)
DEAL_ITEM_WEIGHT = {
    "pumps": 3,
    "controls": 3,
    "valves": 2,
    "fittings": 1,
    "filtration": 1,
    "metering": 2,
}

PROBABILITY_NOTES = [
    (0.95, "Purchase order received; waiting for signed framework addendum"),
    (0.35, "Competitor undercut our quote by about 12 percent"),
    (0.20, "Customer budget frozen until their Q3 board meeting"),
    (0.75, "Verbal award from procurement; specification confirmed on site"),
    (0.05, "Project put on hold by the end customer"),
    (0.50, "Dual-sourced tender: award expected to be split"),
    (0.45, "Specification changed to a competitor brand; re-quoting"),
]


def pipeline(rng: random.Random) -> list[list[object]]:
    rows: list[list[object]] = []
    near = [period(ordinal(FIRST_PERIOD) + k) for k in range(10)]  # 2027-01 .. 2027-10
    near_w = [10, 12, 12, 11, 10, 8, 6, 5, 4, 3]
    seg_items = {
        s: [i for i in ITEMS if i.shares[s] > 0 and (i.item, s) not in INTERMITTENT]
        for s in SEGMENTS
    }
    n_deals = 175
    past_deals = {7, 31, 58, 96, 133, 160}  # close date already behind us
    slipped = {12, 44, 77, 101, 139, 152, 171}  # slipped three times or more
    notes = {19: 0, 40: 1, 66: 2, 88: 3, 115: 4, 141: 5, 168: 6}
    for d in range(1, n_deals + 1):
        seg = rng.choices(SEGMENTS, weights=[0.30, 0.40, 0.30])[0]
        account = rng.choice(ACCOUNTS[seg])
        n_lines = rng.choices([1, 2, 3], weights=[0.6, 0.3, 0.1])[0]
        pool = seg_items[seg]
        weights = [DEAL_ITEM_WEIGHT[i.family] for i in pool]
        lines: list[Item] = []
        while len(lines) < n_lines:
            pick = rng.choices(pool, weights=weights)[0]
            if pick not in lines:
                lines.append(pick)
        if d in past_deals:
            close = rng.choice(["2026-10", "2026-11"])
        else:
            close = rng.choices(near, weights=near_w)[0]
        dist = ordinal(close) - ordinal(FIRST_PERIOD)
        if dist <= 1:
            stage_w = [0.15, 0.25, 0.30, 0.30]
        elif dist <= 4:
            stage_w = [0.30, 0.35, 0.22, 0.13]
        else:
            stage_w = [0.55, 0.30, 0.12, 0.03]
        stage = rng.choices([s for s, _ in STAGES], weights=stage_w)[0]
        if d in slipped:
            slip: int | None = rng.choice([3, 3, 4, 5])
        elif d in past_deals:
            slip = rng.choice([1, 2, 3])
        else:
            slip = rng.choices([0, 1, 2, None], weights=[0.55, 0.22, 0.10, 0.13])[0]
        ship = rng.choices([1, 2, 3, 4, 6], weights=[0.55, 0.15, 0.15, 0.08, 0.07])[0]
        ship_cell: int | None = ship
        if ship == 1 and rng.random() < 0.5:
            ship_cell = None  # empty = default 1
        owner: str | None = email(rng.choice(ACCOUNT_MANAGERS[seg]))
        if rng.random() < 0.06:
            owner = None
        prob: float | None = None
        reason: str | None = None
        if d in notes:
            prob, reason = PROBABILITY_NOTES[notes[d]]
        for item in lines:
            monthly = expected(item, seg, ordinal(close))
            q = monthly * rng.uniform(0.2, 0.8) * (1 + 0.5 * (ship - 1))
            q = max(item.step, round(q / item.step) * item.step)
            rows.append(
                [
                    f"D-{27000 + d}",
                    account,
                    item.item,
                    seg,
                    stage,
                    q,
                    close,
                    ship_cell,
                    prob,
                    reason,
                    slip,
                    owner,
                ]
            )
    return rows


# fmt: off
PROMOTIONS = [
    # promo_id, item, segment, start, end, uplift_pct, uplift_units, owner
    ("PR-27-FITSPRING", "FIT-ELB-SS", "standard", "2027-03", "2027-04", 15, None, "mia.jensen"),
    ("PR-27-FITSPRING", "FIT-TEE-SS", "standard", "2027-03", "2027-04", 15, None, "mia.jensen"),
    ("PR-27-FITSPRING", "FIT-CPL-PVC", "standard", "2027-03", "2027-04", 20, None, "mia.jensen"),
    ("PR-27-EARLYPUMP", "PMP-CEN-S", "key", "2027-03", "2027-03", 20, None, "sara.okafor"),
    ("PR-27-EARLYPUMP", "PMP-SUB-S", "key", "2027-03", "2027-03", 20, None, "sara.okafor"),
    ("PR-27-VALVEPACK", "VLV-BAL-25", "standard", "2027-05", "2027-06", None, 300, "mia.jensen"),
    ("PR-27-VFDLAUNCH", "CTL-VFD-KIT", "key", "2027-09", "2027-11", None, 15, "lukas.brandt"),
    ("PR-27-AUTUMNSUB", "PMP-SUB-S", "standard", "2027-10", "2027-10", 25, None, "mia.jensen"),
]
# fmt: on

# fmt: off
RENEWALS = [
    # renewal_id, account, item, segment, period, quantity, probability
    ("RN-27-001", "Rhine Water Utilities", "PMP-CEN-M", "strategic", "2027-04", 60, 0.85),
    ("RN-27-001", "Rhine Water Utilities", "PMP-SPK", "strategic", "2027-04", 120, 0.85),
    ("RN-27-002", "Nordhavn Municipal Water", "VLV-BFY-100", "strategic", "2027-05", 80, 0.9),
    ("RN-27-002", "Nordhavn Municipal Water", "VLV-ACT-100", "strategic", "2027-05", 24, 0.9),
    ("RN-27-003", "Helios Building Services", "PMP-BST-2", "strategic", "2027-06", 8, 0.7),
    ("RN-27-004", "Ventus HVAC Contractors", "CTL-PNL-S", "key", "2027-03", 18, 0.8),
    ("RN-27-005", "Fjord Aquaculture", "PMP-SUB-M", "key", "2027-09", 30, 0.6),
    ("RN-27-006", "Baltic Agro Irrigation", "PMP-CEN-S", "strategic", "2028-02", 90, 0.75),
    ("RN-27-006", "Baltic Agro Irrigation", "FLT-Y-50", "strategic", "2028-02", 60, 0.75),
]
# fmt: on

# fmt: off
OVERRIDES = [
    # override_id, item, segment, period, kind, quantity, owner, reason
    ("OVR-001", "PMP-CEN-M", "strategic", "2027-05", "delta", 40, "tomas.keller",
     "Rhine Water Utilities pumping-station upgrade confirmed in the QBR of 2026-11-26; "
     "PO expected in April"),
    ("OVR-002", "VLV-GAT-80", "standard", "2027-09", "replace", 55, "hana.novak",
     "History holds a one-off municipal tender in 2026-09 (4x normal) that the seasonal "
     "baseline repeats in 2027-09; September set to run-rate"),
    ("OVR-003", "CTL-PNL-D", "key", "2027-06", "delta", 12, "hana.novak",
     "Castellan Pool Technik retrofit programme: 12 duplex panels announced for June"),
]
# fmt: on

TARGET_UPLIFT = {"strategic": 1.06, "key": 1.08, "standard": 1.03}


# --------------------------------------------------------------------------- scheduled receipts


def scheduled_receipts(
    history: list[list[object]],
    pipe_rows: list[list[object]],
    on_hand: dict[str, int],
    safety: dict[str, int],
) -> list[list[object]]:
    """Orders placed before the cycle that arrive inside an item's lead time.

    An item with a lead time of L months gets nothing the plan orders before month L+1, so the
    supply planner placed those months' orders in December: a purchase order (PO-2612-nnn) for
    a bought-in item, a released work order (WO-2612-nnn) for a made one. Each month is topped
    up to its demand plus safety stock, less the stock expected to be there, rounded up to the
    item's order multiple (whole units where it has none). The demand is what the planner sees
    in December: the average monthly orders of the last three months of history (all
    segments) plus what the pipeline, promotions, renewals and overrides add to that month.
    No randomness.
    """
    first = ordinal(FIRST_PERIOD)
    recent = {period(first - k) for k in (1, 2, 3)}
    run_rate = {i.item: 0.0 for i in ITEMS}
    for item, _seg, per, q in history:
        if per in recent:
            run_rate[str(item)] += float(q) / 3  # type: ignore[arg-type]
    demand = expected_demand(pipe_rows)
    rows: list[list[object]] = []
    count = {"buy": 0, "make": 0}
    for i in ITEMS:
        stock = float(on_hand[i.item])
        for k in range(i.lead_time):
            baseline = sum(expected(i, s, first + k) for s in SEGMENTS if i.shares[s] > 0)
            month = run_rate[i.item] + demand[i.item][k] - baseline
            qty = max(0, math.ceil((month + safety[i.item] - stock) / i.step)) * i.step
            if qty > 0:
                count[i.sourcing] += 1
                prefix = "PO" if i.sourcing == "buy" else "WO"
                order_id = f"{prefix}-{CYCLE_ID[2:4]}{CYCLE_ID[5:7]}-{count[i.sourcing]:03d}"
                rows.append([order_id, i.item, HOR[k], qty])
            stock += qty - month
    # purchase orders first, then work orders, each in id order
    return sorted(rows, key=lambda r: (str(r[0])[:2] != "PO", str(r[0])))


# --------------------------------------------------------------------------- rough check


def expected_demand(pipe_rows: list[list[object]]) -> dict[str, list[float]]:
    """Expected units per item and horizon month: baseline + pipeline + promotions + renewals
    + overrides, with the charter's pipeline rules (lag, slip and stale weighting)."""
    first = ordinal(FIRST_PERIOD)
    per_series: dict[tuple[str, str], list[float]] = {}
    for item, seg in series():
        per_series[(item.item, seg)] = [expected(item, seg, first + k) for k in range(HORIZON)]
    base = {k: list(v) for k, v in per_series.items()}
    for _d, _a, item, seg, stage, q, close, ship, prob, _r, slip, _o in pipe_rows:
        p = prob if prob is not None else STAGE_P[str(stage)]
        w = float(p)  # type: ignore[arg-type]
        if (slip is not None and int(slip) > MAX_SLIPS) or ordinal(str(close)) < first:  # type: ignore[call-overload]
            w *= UNHEALTHY_WEIGHT
        sp = int(ship) if ship is not None else 1  # type: ignore[call-overload]
        start = max(ordinal(str(close)) + LAG, first)
        for k in range(sp):
            idx = start + k - first
            if 0 <= idx < HORIZON:
                per_series[(str(item), str(seg))][idx] += w * float(q) / sp  # type: ignore[arg-type]
    for _p, item, seg, s, e, pct, units, _o in PROMOTIONS:
        for n in range(ordinal(s), ordinal(e) + 1):
            idx = n - first
            if pct is not None:
                per_series[(item, seg)][idx] += base[(item, seg)][idx] * pct / 100
            else:
                per_series[(item, seg)][idx] += units  # type: ignore[operator]
    for _r, _a, item, seg, per, q, p in RENEWALS:
        per_series[(item, seg)][ordinal(per) - first] += q * p
    for _o, item, seg, per, kind, q, _w, _why in OVERRIDES:
        idx = ordinal(per) - first
        if kind == "delta":
            per_series[(item, seg)][idx] += q
        else:
            per_series[(item, seg)][idx] = q
    out: dict[str, list[float]] = {i.item: [0.0] * HORIZON for i in ITEMS}
    for (item, _seg), vals in per_series.items():
        for k, v in enumerate(vals):
            out[item][k] += v
    return out


def capacity_table() -> dict[str, list[tuple[float, float]]]:
    """(regular hours, overtime hours) per resource and horizon month."""
    changes = {(r, p): (h, o) for r, p, h, o in CAPACITY}
    out: dict[str, list[tuple[float, float]]] = {}
    for res, kind, _d, hours, _rc, _oc, ot, wf, hpw, *_rest in RESOURCES:
        row = []
        for per in HOR:
            if kind == "fixed":
                h, o = changes.get((res, per), (hours, ot))
                o = ot if o is None else o
                row.append((float(h), float(o or 0)))
            else:
                h, o = changes.get((res, per), (hpw, ot))
                o = ot if o is None else o
                row.append((float(h) * wf, float(o or 0) * wf))
        out[res] = row
    return out


def rough_check(pipe_rows: list[list[object]]) -> str:
    demand = expected_demand(pipe_rows)
    cap = capacity_table()
    lines = ["Rough check: routed hours of expected demand / regular hours (max incl. overtime)"]
    head = "".join(f"{r:>20}" for r in RESOURCE_IDS)
    lines.append(f"period   {head}{'MOT-S need/cap':>18}")
    mat_cap = {m[0]: m[4] for m in MATERIALS}
    for k, per in enumerate(HOR):
        cells = []
        for res in RESOURCE_IDS:
            load = sum(demand[i][k] * ROUTINGS[i].get(res, 0.0) for i in demand)
            reg, _ot = cap[res][k]
            cells.append(f"{load:7.0f}/{reg:5.0f} {load / reg:4.0%}")
        need = sum(demand[i][k] * BOM.get(i, {}).get("MOT-S", 0) for i in demand)
        lines.append(
            f"{per}  "
            + "".join(f"{c:>20}" for c in cells)
            + f"{need:9.0f}/{mat_cap['MOT-S']:4d} {need / mat_cap['MOT-S']:4.0%}"
        )
    for mat in ("MOT-L", "ACT-E", "PLC-S", "VFD-4"):
        needs = [
            sum(demand[i][k] * BOM.get(i, {}).get(mat, 0) for i in demand) for k in range(HORIZON)
        ]
        c = mat_cap[mat]
        lines.append(
            f"{mat}: peak need {max(needs):.0f}/month vs capacity {c} "
            f"({max(needs) / c:.0%}); total {sum(needs):.0f}"
        )
    total_base = sum(sum(expected(i, s, ordinal(p)) for p in HOR) for i, s in series())
    total = sum(sum(v) for v in demand.values())
    lines.append(
        f"Expected demand over the horizon: {total:.0f} units, of which baseline "
        f"{total_base:.0f} ({total / total_base - 1:+.1%} from pipeline, promotions, "
        f"renewals, overrides)"
    )
    return "\n".join(lines)


# --------------------------------------------------------------------------- YAML


def charter_yaml() -> str:
    roles = "\n".join(
        f"  - id: {rid}\n    title: {title}\n    members:\n"
        + "\n".join(f"      - {email(m)}" for m in members)
        for rid, title, members in ROLES
    )
    per_item = "\n".join(f"    {item}: croston" for item in ("PMP-BST-3", "MET-FLW-50"))
    return f"""# yaml-language-server: $schema=../schemas/charter.schema.json
# Northwind Distribution: the one-page S&OP operating charter.
# Generated by examples/generate_northwind.py; edit the generator and re-run it.
version: 1
organisation:
  name: Northwind Distribution
  description: >-
    B2B distributor of pumps, valves, fittings and control kits for utilities, building
    services and agriculture. Assembles pumps, booster sets, actuated valves and control panels
    on two light assembly lines and kits spare parts and retrofit kits. Runs S&OP with a
    two-week demand refresh and a monthly executive commit.
glossary:
  - term: "S&OP"
    aliases: ["s and op", "s & op", "s &op", "S and Op", "Sales and Operations Planning"]
    definition: >-
      Sales and Operations Planning: the monthly decision cycle (signal, reconcile, commit)
      that aligns demand, supply and finance around one committed plan.
  - term: strategic
    aliases: ["Strategic accounts", "tier-1", "framework customers"]
    definition: Utilities and large contractors with framework agreements; served first.
  - term: key
    aliases: ["Key accounts", "tier-2"]
    definition: Regular project customers with negotiated prices.
  - term: standard
    aliases: ["tier-3", "long tail", "walk-in trade"]
    definition: Installers and trade buyers ordering from the catalogue at list price.
  - term: pre-build
    aliases: ["prebuild", "build ahead"]
    definition: Assembling ahead of demand in slack months and holding the stock.
cadence:
  bucket: month
  horizon_periods: {HORIZON}
  frozen_periods: 2
  demand_refresh:
    every: 2
    unit: week
  executive_commit:
    every: 1
    unit: month
calendar:
  signal: 5
  reconcile: 9
  commit: 12
roles:
{roles}
decision_rights:
  override_demand: [sales_lead, demand_planner]
  approve_capacity_change: [coo, ops_lead]
  approve_frozen_change: [coo]
  sign_off_plan: [ceo, cfo, coo, sales_lead]
approvals:
  required_roles: [ceo, cfo, coo, sales_lead]
  quorum: 3
inputs:
  - {{file: demand_history.csv, table: demand_history, owner: demand_planner, due: signal}}
  - {{file: pipeline.csv, table: pipeline, owner: sales_lead, due: signal}}
  - {{file: promotions.csv, table: promotions, owner: sales_lead, due: signal}}
  - {{file: renewals.csv, table: renewals, owner: sales_lead, due: signal}}
  - {{file: overrides.csv, table: overrides, owner: demand_planner, due: signal}}
  - {{file: targets.csv, table: targets, owner: sales_lead, due: signal}}
  - {{file: items.csv, table: items, owner: supply_planner, due: signal}}
  - {{file: prices.csv, table: prices, owner: finance_analyst, due: signal}}
  - {{file: resources.csv, table: resources, owner: ops_lead, due: reconcile}}
  - {{file: capacity.csv, table: capacity, owner: ops_lead, due: reconcile}}
  - {{file: routings.csv, table: routings, owner: ops_lead, due: reconcile}}
  - {{file: inventory.csv, table: inventory, owner: supply_planner, due: reconcile}}
  - {{file: bom.csv, table: bom, owner: supply_planner, due: reconcile}}
  - {{file: materials.csv, table: materials, owner: supply_planner, due: reconcile}}
  - {{file: open_orders.csv, table: open_orders, owner: supply_planner, due: reconcile}}
  - {{file: scheduled_receipts.csv, table: scheduled_receipts, owner: supply_planner,
     due: reconcile}}
metrics:
  - name: service_level
    target: 0.95
    tolerance: 0.01
    direction: at_least
    owner: coo
  - name: forecast_bias
    target: 0.0
    tolerance: 0.05
    direction: at_most
    owner: demand_planner
  - name: forecast_wape
    target: 0.25
    tolerance: 0.05
    direction: at_most
    severity: warning
    owner: demand_planner
  - name: inventory_turns
    target: 6.0
    tolerance: 0.5
    direction: at_least
    owner: supply_planner
  - name: capacity_utilisation
    target: 0.95
    direction: at_most
    severity: warning
    owner: ops_lead
  - name: pipeline_coverage
    target: 1.2
    direction: at_least
    severity: warning
    owner: sales_lead
  - name: gross_margin
    target: 0.36
    tolerance: 0.01
    direction: at_least
    owner: cfo
segments:
  - id: strategic
    name: Strategic accounts (framework agreements)
    priority: 1
    service_level_target: 0.98
    shortage_policy: backlog
    shortage_penalty: 60
  - id: key
    name: Key accounts
    priority: 2
    service_level_target: 0.95
    shortage_policy: backlog
    shortage_penalty: 30
  - id: standard
    name: Standard trade customers
    priority: 3
    service_level_target: 0.90
    shortage_policy: lost_sales
    shortage_penalty: 15
pipeline:
  stages:
    - {{id: qualified, probability: 0.1}}
    - {{id: proposal, probability: 0.3}}
    - {{id: negotiation, probability: 0.6}}
    - {{id: committed, probability: 0.9}}
  close_to_demand_lag: {LAG}
  mode: incremental
  max_slips: {MAX_SLIPS}
  unhealthy_weight: {UNHEALTHY_WEIGHT}
forecast:
  default_method: auto
  per_item:
{per_item}
  season_length: 12
  holdout_periods: 3
  moving_average_window: 3
escalation:
  - {{exception: shortage, segment: strategic, min_value: 0, to: coo}}
  - {{exception: shortage, segment: key, min_value: 25000, to: sales_lead}}
  - {{exception: overload, resource: line-a, min_value: 1000, to: coo}}
  - {{exception: overload, resource: crew, min_value: 400, to: coo}}
  - {{exception: safety_stock, min_value: 5000, to: supply_planner}}
  - {{exception: late_delivery, segment: strategic, min_value: 0, to: sales_lead}}
  - {{exception: any, min_value: 250000, to: ceo}}
finance:
  currency: EUR
  dso_days: 52
  dpo_days: 45
  inventory_carrying_rate: 0.22
"""


_MAT = {m[0]: m for m in MATERIALS}
_RES = {r[0]: r for r in RESOURCES}
_CAP = {(c[0], c[1]): c for c in CAPACITY}

# fmt: off
ASSUMPTIONS = [
    ("A1", "demand_planner",
     "Baseline from 24 months of order history (2025-01 to 2026-12); pump and control demand "
     "keeps growing about 7% a year, valves and fittings 2-3%."),
    ("A2", "sales_lead",
     "Pipeline counts at stage probability, shipping one month after close; deals slipped "
     "three times or more, or with a close date already past, count at half weight."),
    ("A3", "supply_planner",
     f"Elmotor Brno allocates at most {_MAT['MOT-S'][4]} small motors (MOT-S) a month "
     f"(allocation letter of 2026-11-20); orders placed now arrive in April 2027 at the "
     f"earliest; Q1 is covered by the open orders only."),
    ("A4", "ops_lead",
     f"Line A runs reduced hours in August 2027 for its planned overhaul "
     f"({_CAP[('line-a', '2027-08')][2]} of {_RES['line-a'][3]} hours); line B gets a third "
     f"bench from March 2028 ({_CAP[('line-b', '2028-03')][2]} hours)."),
    ("A5", "coo",
     f"Assembly crew overtime is capped at {_RES['crew'][6]} hours per worker a month by the "
     f"works-council agreement; at most {_RES['crew'][11]} hires a month and "
     f"{_RES['crew'][14]} workers in total."),
    ("A6", "cfo",
     "List prices held flat in EUR for 2027; strategic framework discounts as in prices.csv."),
]
# fmt: on
# A6 names the strategic segment for its prices, not its service: sopctl learn must not judge
# it by the segment's fill rate; its owner says whether it held
JUDGED_BY_OWNER = {"A6"}
OWNER_ONLY = (
    "\n    # it names the strategic segment for its prices, not its service: the CFO judges it"
    "\n    derive: false"
)


# The owners' answers to what the base plan escalates (the charter's overload rules for line A
# and the crew): `sopctl tag` requires one per escalated exception.
ACTIONS_YAML = """\
version: 1
actions:
  - id: ACT-1
    description: >-
      Line A's August 2027 overhaul leaves it at its regular hours and PMP-CEN-M and PMP-SUB-M
      below safety stock; agree with maintenance whether the overhaul can move to July or
      August overtime (150 hours) can be staffed
    owner: coo
    due: 2026-12-18
    answers: overload:line-a:2027-08
  - id: ACT-2
    description: >-
      The crew works exactly its regular hours in May and June 2027 and overtime is left;
      decide between two temporary hires for the spring peak and planned overtime
    owner: ops_lead
    due: 2027-01-15
    answers: overload:crew:*
"""


def cycle_yaml() -> str:
    scenarios = "".join(
        f'  - id: {sid}\n    description: "{line}"\n' for sid, _, line, _, _ in SCENARIOS
    )
    assumptions = "\n".join(
        f"  - id: {aid}\n    owner: {owner}\n    text: >-\n"
        + textwrap.fill(text, width=92, initial_indent="      ", subsequent_indent="      ")
        + (OWNER_ONLY if aid in JUDGED_BY_OWNER else "")
        for aid, owner, text in ASSUMPTIONS
    )
    return f"""# yaml-language-server: $schema=../../schemas/cycle.schema.json
# Generated by examples/generate_northwind.py; edit the generator and re-run it.
id: "{CYCLE_ID}"
charter: northwind
first_period: "{FIRST_PERIOD}"
horizon: {HORIZON}
status: draft
assumptions:
{assumptions}
scenarios:
  - id: base
    description: Demand as signalled, capacity and supplier terms as stated in the assumptions.
{scenarios}"""


# --------------------------------------------------------------------------- scenarios

_LINE_A = _RES["line-a"][3]
# fmt: off
# (id, owner, one-line description for cycle.yaml, what the scenario file explains, overlays)
SCENARIOS = [
    ("upside", "sales_lead",
     "Rhine Water framework won: strategic pump demand +30% from April 2027.",
     "Rhine Water Utilities awards the 2027 pumping-station framework: strategic demand for "
     "every pump family item runs 30% above the signal from April to December 2027.",
     "  - kind: demand\n    families: [pumps]\n    segments: [strategic]\n"
     "    from: \"2027-04\"\n    to: \"2027-12\"\n    factor: 1.3\n"),
    ("lost_shift", "ops_lead",
     "Line A on one shift from May to July 2027; no layoffs in the crew meanwhile.",
     "The second-shift supervisor of line A leaves; the replacement starts with the August "
     f"overhaul, so line A runs {_LINE_A // 2} of its {_LINE_A} hours from May to July 2027. "
     "The works council asks for no layoffs in the assembly crew while it lasts.",
     f"  - kind: capacity\n    resources: [line-a]\n    from: \"2027-05\"\n"
     f"    to: \"2027-07\"\n    hours: -{_LINE_A // 2}\n"
     "  - kind: workforce\n    resources: [crew]\n    policy: no_layoffs\n"),
    ("late_supplier", "supply_planner",
     "Elmotor Brno two months late and 20% short on small motors.",
     "Elmotor Brno (small motors, MOT-S) moves its plant: orders and the open purchase orders "
     "arrive two months later, and the monthly allocation drops by 20%.",
     "  - kind: supplier\n    suppliers: [Elmotor Brno]\n    delay: 2\n"
     "    capacity_factor: 0.8\n"),
]
# fmt: on


def scenario_yaml(owner: str, text: str, overlays: str) -> str:
    description = textwrap.fill(text, width=92, initial_indent="  ", subsequent_indent="  ")
    return f"""# yaml-language-server: $schema=../../../schemas/scenario.schema.json
# Generated by examples/generate_northwind.py; edit the generator and re-run it.
description: >-
{description}
owner: {owner}
overlays:
{overlays}"""


# --------------------------------------------------------------------------- main


def generate(out: Path) -> list[list[object]]:
    rng = random.Random(SEED)
    inputs = out / "cycles" / CYCLE_ID / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    (out / "charters").mkdir(parents=True, exist_ok=True)
    (out / "charters" / "northwind.yaml").write_text(charter_yaml(), encoding="utf-8", newline="\n")
    (out / "cycles" / CYCLE_ID / "cycle.yaml").write_text(
        cycle_yaml(), encoding="utf-8", newline="\n"
    )
    (out / "cycles" / CYCLE_ID / "actions.yaml").write_text(
        ACTIONS_YAML, encoding="utf-8", newline="\n"
    )
    (out / "cycles" / CYCLE_ID / "scenarios").mkdir(exist_ok=True)
    for sid, owner, _, text, overlays in SCENARIOS:
        (out / "cycles" / CYCLE_ID / "scenarios" / f"{sid}.yaml").write_text(
            scenario_yaml(owner, text, overlays), encoding="utf-8", newline="\n"
        )

    history = demand_history(rng)
    write_csv(inputs / "demand_history.csv", ["item", "segment", "period", "quantity"], history)

    pipe = pipeline(rng)
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
        inputs / "promotions.csv",
        [
            "promo_id",
            "item",
            "segment",
            "start_period",
            "end_period",
            "uplift_pct",
            "uplift_units",
            "owner",
        ],
        [[p, i, s, a, b, pct, u, email(o)] for p, i, s, a, b, pct, u, o in PROMOTIONS],
    )

    write_csv(
        inputs / "renewals.csv",
        ["renewal_id", "account", "item", "segment", "period", "quantity", "probability"],
        [list(r) for r in RENEWALS],
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
            "sourcing",
        ],
        [
            [
                i.item,
                i.family,
                i.description,
                i.unit_cost,
                i.price,
                i.lead_time,
                i.holding,
                i.sub_cost,
                i.sub_limit,
                i.sourcing,
            ]
            for i in ITEMS
        ],
    )

    price_rows: list[list[object]] = []
    for i in ITEMS:
        if i.family in ("pumps", "controls") and i.item != "PMP-SPK":
            for seg, disc in (("strategic", 0.90), ("key", 0.95)):
                if i.shares[seg] > 0:
                    price_rows.append([i.item, seg, round(i.price * disc, 2)])
        elif i.item in ("VLV-BFY-100", "VLV-GAT-80", "FIT-FLG-100"):
            price_rows.append([i.item, "strategic", round(i.price * 0.92, 2)])
    write_csv(inputs / "prices.csv", ["item", "segment", "price"], price_rows)

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
        inputs / "capacity.csv",
        ["resource", "period", "hours", "overtime_limit"],
        [list(c) for c in CAPACITY],
    )

    write_csv(
        inputs / "routings.csv",
        ["item", "resource", "hours_per_unit"],
        [[i, r, h] for i, rs in ROUTINGS.items() for r, h in rs.items()],
    )

    inv_rows: list[list[object]] = []
    for i in ITEMS:
        assembled = "line-a" in ROUTINGS[i.item] or "line-b" in ROUTINGS[i.item]
        cover = 0.7 if assembled else 1.2
        ss = 0.35 if assembled else 0.6
        step = i.step if i.volume > 100 else 1
        on_hand = round(i.volume * cover * rng.uniform(0.85, 1.15) / step) * step
        safety = round(i.volume * ss / step) * step
        penalty = 25 if i.item in ("PMP-CEN-S", "PMP-CEN-M", "VLV-ACT-100") else None
        inv_rows.append([i.item, on_hand, safety, safety, penalty])
    write_csv(
        inputs / "inventory.csv",
        ["item", "on_hand", "safety_stock", "ending_target", "safety_stock_penalty"],
        inv_rows,
    )

    write_csv(
        inputs / "scheduled_receipts.csv",
        ["order_id", "item", "period", "quantity"],
        scheduled_receipts(
            history,
            pipe,
            {str(r[0]): int(r[1]) for r in inv_rows},  # type: ignore[call-overload]
            {str(r[0]): int(r[2]) for r in inv_rows},  # type: ignore[call-overload]
        ),
    )

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
        inputs / "open_orders.csv",
        ["po_id", "material", "period", "quantity"],
        [list(o) for o in OPEN_ORDERS],
    )

    target_rows: list[list[object]] = []
    for seg in SEGMENTS:
        for per in HOR:
            base = sum(expected(i, seg, ordinal(per)) for i in ITEMS if i.shares[seg] > 0)
            # new-business target: the growth above the run rate that the pipeline must bring
            target_rows.append([seg, per, round(base * (TARGET_UPLIFT[seg] - 1) / 10) * 10])
    write_csv(inputs / "targets.csv", ["segment", "period", "target"], target_rows)
    return pipe


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
    pipe = generate(args.out)
    if args.check:
        print(rough_check(pipe))


if __name__ == "__main__":
    main()
