"""Scenarios: what-if overlays on a cycle's inputs, solved beside the base plan and compared.

- `load`: the scenario files (`cycles/<id>/scenarios/<name>.yaml`) and their register in
  cycle.yaml; `select`: what each overlay selects, with line-precise findings.
- `overlays`, `demand`: the overlays as pure transformations of the validated tables and of the
  demand view, before the model is built.
- `run`: the edge of `sopctl reconcile --scenario`: the base solved once, each scenario solved
  in place from the base's basis when only bounds, costs or coefficients change
  (`reconcile.update`), result files under `outputs/scenarios/<name>/`.
- `compare`: the pure side-by-side comparison (KPIs, deltas against base, the best option per
  KPI); `sources`: where its plans come from (written outputs, a fresh solve, git revisions);
  `markdown`: the PR-comment rendering.
"""

from __future__ import annotations
