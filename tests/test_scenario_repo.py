"""A hand-checkable planning repository for the scenario tests, and its base plan worked out.

Two items over three months. A (pumps, key accounts, backlog) sells 50 a month at 20 EUR,
costs 10 (2 of them the material M it takes one of), needs 1 hour of LINE and 0.5 hour of the
CREW. B (valves, spot, lost sales) sells 60 a month at 8 EUR, 90 in March through promotion P1
(+50 %), costs 5 and needs 0.5 hour of LINE. LINE has 100 hours a month; the CREW starts with
2 workers of 100 hours (1 EUR an hour, 50 EUR a layoff). M comes from Acme Metals: lead time 1,
at most 100 a month, and the open order PO-1 brings 50 in January.

Base plan by hand: everything is made in its month (LINE load 80, 80, 95 hours); the crew is
cut to the 0.25 workers that 25 hours need (1.75 layoffs = 87.50 EUR; regular time 0.25 x 100
x 3 = 75); production costs (10 - 2) x 150 + 5 x 210 = 2,250 and materials 2 x (50 + 50) =
200 (January's M is the open order): total 2,612.50. Revenue 150 x 20 + 210 x 8 = 4,680, cost
of goods 150 x 10 + 210 x 5 = 2,550.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import run, write_files

CYCLE = "cycles/2027-01"
CHARTER = """\
version: 1
organisation: {name: Tiny Works}
cadence:
  bucket: month
  horizon_periods: 3
  frozen_periods: 0
  demand_refresh: {every: 1, unit: month}
  executive_commit: {every: 1, unit: month}
calendar: {signal: 5, reconcile: 10, commit: 15}
roles:
  - {id: ops_lead, title: Operations, members: [olga@tiny.example]}
  - {id: sales_lead, title: Sales, members: [sam@tiny.example]}
decision_rights:
  override_demand: [sales_lead]
  approve_capacity_change: [ops_lead]
  approve_frozen_change: [ops_lead]
  sign_off_plan: [ops_lead, sales_lead]
approvals: {required_roles: [ops_lead, sales_lead], quorum: 1}
inputs:
  - {file: baseline.csv, table: baseline, owner: sales_lead, due: signal}
  - {file: promotions.csv, table: promotions, owner: sales_lead, due: signal}
  - {file: items.csv, table: items, owner: ops_lead, due: reconcile}
  - {file: resources.csv, table: resources, owner: ops_lead, due: reconcile}
  - {file: routings.csv, table: routings, owner: ops_lead, due: reconcile}
  - {file: inventory.csv, table: inventory, owner: ops_lead, due: reconcile}
  - {file: materials.csv, table: materials, owner: ops_lead, due: reconcile}
  - {file: bom.csv, table: bom, owner: ops_lead, due: reconcile}
  - {file: open_orders.csv, table: open_orders, owner: ops_lead, due: reconcile}
segments:
  - {id: key, priority: 1, service_level_target: 0.95, shortage_policy: backlog,
     shortage_penalty: 10}
  - {id: spot, priority: 2, service_level_target: 0.9, shortage_policy: lost_sales,
     shortage_penalty: 5}
finance: {currency: EUR, dso_days: 30, dpo_days: 30, inventory_carrying_rate: 0.12}
"""
INPUTS = {
    "baseline.csv": "item,segment,period,quantity\nA,key,2027-01,50\nA,key,2027-02,50\n"
    "A,key,2027-03,50\nB,spot,2027-01,60\nB,spot,2027-02,60\nB,spot,2027-03,60\n",
    "promotions.csv": "promo_id,item,segment,start_period,end_period,uplift_pct,uplift_units,"
    "owner\nP1,B,spot,2027-03,2027-03,50,,\n",
    "items.csv": "item,family,unit_cost,price,lead_time,holding_cost\nA,pumps,10,20,0,1\n"
    "B,valves,5,8,0,0.5\n",
    "resources.csv": "resource,kind,hours,regular_cost,overtime_cost,overtime_limit,workforce,"
    "hours_per_worker,hire_cost,layoff_cost\nLINE,fixed,100,,,,,,,\nCREW,labour,,1,,,2,100,50,50\n",
    "routings.csv": "item,resource,hours_per_unit\nA,LINE,1\nB,LINE,0.5\nA,CREW,0.5\n",
    "inventory.csv": "item,on_hand,safety_stock,ending_target\nA,0,0,0\nB,0,0,0\n",
    "materials.csv": "material,supplier,unit_cost,lead_time,capacity,on_hand\n"
    "M,Acme Metals,2,1,100,0\n",
    "bom.csv": "item,material,quantity_per\nA,M,1\n",
    "open_orders.csv": "po_id,material,period,quantity\nPO-1,M,2027-01,50\n",
}


def cycle_yaml(ids: list[str]) -> str:
    extra = "".join(f"  - id: {s}\n    description: Scenario {s}\n" for s in ids)
    return (
        "id: 2027-01\ncharter: tiny\nfirst_period: 2027-01\nscenarios:\n"
        f"  - id: base\n    description: As planned\n{extra}"
    )


def scenario_yaml(overlays: str, owner: str = "ops_lead", what: str = "What if") -> str:
    body = f"overlays:\n{overlays}" if overlays.strip() else "overlays: []\n"
    return f"description: {what}\nowner: {owner}\n{body}"


def tiny_repo(root: Path, scenarios: dict[str, str] | None = None) -> Path:
    """The tiny repository with `scenarios` (id -> file text) declared and written."""
    scenarios = scenarios or {}
    files = {"charters/tiny.yaml": CHARTER, f"{CYCLE}/cycle.yaml": cycle_yaml(list(scenarios))}
    files |= {f"{CYCLE}/inputs/{name}": text for name, text in INPUTS.items()}
    files |= {f"{CYCLE}/scenarios/{sid}.yaml": text for sid, text in scenarios.items()}
    write_files(root, files)
    return root


def test_the_tiny_base_plan_is_the_one_worked_out_by_hand(tmp_path: Path) -> None:
    root = tiny_repo(tmp_path / "tiny")
    r = run(["reconcile", "--dry-run", "--format", "json"], cwd=root)
    assert r.code == 0, r.out + r.err
    plan = json.loads(r.out)["plan"]
    costs = {k: v for k, v in plan["costs"].items() if v}
    assert costs == {
        "production": 2250.0,
        "regular_time": 75.0,
        "layoffs": 87.5,
        "materials": 200.0,
        "total": 2612.5,
    }
    assert (plan["finance"]["revenue"], plan["finance"]["cogs"]) == (4680.0, 2550.0)
    assert [s["demand"] for s in plan["service"]] == [150.0, 210.0]
