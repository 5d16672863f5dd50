"""The smallest planning repository that exercises the loop: 2 items, 2 segments, 6 months.

Written for cycle 2026-12 (first period 2027-01); `files(cycle)` moves every period by the same
number of months, so `sopctl init` can start the cycle that comes next on the calendar. The
demand history is the 12 months before the cycle month (2025-12 to 2026-11 for 2026-12),
computed from the cycle: a cycle is prepared during its month, which has not happened yet.
"""

from __future__ import annotations

import re

from ..periods import shift, to_ordinal

CHARTER = """\
# yaml-language-server: $schema=../schemas/charter.schema.json
version: 1
organisation:
  name: Acme Parts
  description: What the organisation makes or sells, and where (one line)
glossary:
  - term: S&OP
    aliases: [s and op, s & op, s &op]
    definition: Sales and Operations Planning
  - term: strategic
    aliases: [Strategic accounts]
cadence:
  bucket: month
  horizon_periods: 6
  frozen_periods: 1
  demand_refresh: {every: 2, unit: week}
  executive_commit: {every: 1, unit: month}
calendar:
  signal: 5
  reconcile: 10
  commit: 15
roles:
  - id: sales_lead
    title: Head of Sales
    members: [sam@acme.example]
  - id: ops_lead
    title: Head of Operations
    members: [olga@acme.example]
  - id: demand_planner
    title: Demand Planner
    members: [dana@acme.example]
  - id: cfo
    title: Chief Financial Officer
    members: [carl@acme.example]
decision_rights:
  override_demand: [sales_lead, demand_planner]
  approve_capacity_change: [ops_lead]
  approve_frozen_change: [ops_lead]
  sign_off_plan: [sales_lead, ops_lead, cfo]
approvals:
  required_roles: [sales_lead, ops_lead, cfo]
  quorum: 2
inputs:
  - {file: history.csv, table: demand_history, owner: demand_planner, due: signal}
  - {file: pipeline.csv, table: pipeline, owner: sales_lead, due: signal}
  - {file: overrides.csv, table: overrides, owner: demand_planner, due: signal, required: false}
  - {file: items.csv, table: items, owner: ops_lead, due: reconcile}
  - {file: resources.csv, table: resources, owner: ops_lead, due: reconcile}
  - {file: routings.csv, table: routings, owner: ops_lead, due: reconcile}
  - {file: inventory.csv, table: inventory, owner: ops_lead, due: reconcile}
metrics:
  - {name: service_level, target: 0.95, tolerance: 0.02, owner: ops_lead}
  - {name: forecast_bias, target: 0.05, direction: at_most, owner: demand_planner}
segments:
  - id: strategic
    priority: 1
    service_level_target: 0.98
    shortage_policy: backlog
    shortage_penalty: 20
  - id: standard
    priority: 2
    service_level_target: 0.9
    shortage_policy: lost_sales
    shortage_penalty: 10
pipeline:
  stages:
    - {id: qualified, probability: 0.2}
    - {id: proposal, probability: 0.5}
    - {id: committed, probability: 0.9}
  close_to_demand_lag: 1
forecast:
  default_method: auto
escalation:
  - {exception: shortage, segment: strategic, to: sales_lead}
  - {exception: overload, min_value: 1000, to: ops_lead}
finance:
  currency: EUR
  dso_days: 45
  dpo_days: 30
  inventory_carrying_rate: 0.2
"""

CYCLE = """\
# yaml-language-server: $schema=../../schemas/cycle.schema.json
id: 2026-12
charter: acme
first_period: 2027-01
status: draft
assumptions:
  - id: A1
    text: The assembly line keeps two shifts through the horizon.
    owner: ops_lead
scenarios:
  - id: base
    description: Plan as submitted
"""


# the people of the starter charter; init asks to put the team's git e-mails in their place
PLACEHOLDER_DOMAIN = "acme.example"
HISTORY_MONTHS = 12


def _history(cycle: str) -> str:
    """Orders of the HISTORY_MONTHS months that end the month before the cycle month."""
    rows = ["item,segment,period,quantity"]
    base = {
        ("P-100", "strategic"): 120,
        ("P-100", "standard"): 80,
        ("P-200", "strategic"): 60,
        ("P-200", "standard"): 140,
    }
    months = [shift(cycle, k - HISTORY_MONTHS, "month") for k in range(HISTORY_MONTHS)]
    for (item, seg), level in base.items():
        for k, month in enumerate(months):
            season = (0, 5, 10, 10, 5, 0, -5, -10, -10, -5, 0, 5)[k]
            rows.append(f"{item},{seg},{month},{level + season}")
    return "\n".join(rows) + "\n"


FILES = {
    "charters/acme.yaml": CHARTER,
    "cycles/2026-12/cycle.yaml": CYCLE,
    "cycles/2026-12/inputs/pipeline.csv": (
        "deal_id,account,item,segment,stage,quantity,close_period,ship_periods\n"
        "D-001,Borealis,P-100,strategic,proposal,200,2027-01,2\n"
        "D-002,Cobalt,P-200,standard,qualified,300,2027-02,3\n"
        "D-003,Delta Works,P-200,strategic,committed,90,2027-03,1\n"
    ),
    "cycles/2026-12/inputs/overrides.csv": (
        "override_id,item,segment,period,kind,quantity,owner,reason\n"
        "O-1,P-100,standard,2027-04,delta,30,sam@acme.example,Trade fair orders expected\n"
    ),
    "cycles/2026-12/inputs/items.csv": (
        "item,family,description,unit_cost,price,lead_time,holding_cost\n"
        "P-100,pumps,Compact pump,40,65,0,0.8\n"
        "P-200,valves,Ball valve,12,21,0,0.25\n"
    ),
    "cycles/2026-12/inputs/resources.csv": (
        "resource,kind,description,hours,regular_cost,overtime_cost,overtime_limit,"
        "workforce,hours_per_worker,hire_cost,layoff_cost\n"
        "ASSY,fixed,Assembly line,320,,45,40,,,,\n"
        "CREW,labour,Warehouse crew,,18,27,12,4,160,900,1500\n"
    ),
    "cycles/2026-12/inputs/routings.csv": (
        "item,resource,hours_per_unit\nP-100,ASSY,1.2\nP-100,CREW,0.5\nP-200,ASSY,0.4\n"
        "P-200,CREW,0.3\n"
    ),
    "cycles/2026-12/inputs/inventory.csv": (
        "item,on_hand,safety_stock,ending_target\nP-100,150,60,60\nP-200,220,80,80\n"
    ),
}


WRITTEN_FOR = "2026-12"
_MONTH = re.compile(r"\b20\d\d-(?:0[1-9]|1[0-2])\b")


def files(cycle: str = WRITTEN_FOR) -> dict[str, str]:
    """The example's files for `cycle` (YYYY-MM): every period, in paths and in text, moved by
    the months from 2026-12 to `cycle`; the history is that of `cycle`."""
    start, to = to_ordinal(WRITTEN_FOR, "month"), to_ordinal(cycle, "month")
    if to is None or start is None:
        raise ValueError(f"cycle '{cycle}' is not a month (YYYY-MM)")

    def move(text: str) -> str:
        return _MONTH.sub(lambda m: shift(m.group(0), to - start, "month"), text)

    out = {move(path): move(text) for path, text in FILES.items()}
    out[f"cycles/{cycle}/inputs/history.csv"] = _history(cycle)
    return out
