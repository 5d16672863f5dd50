"""Learn: outcomes against the committed plan and its assumptions (`sopctl learn`).

committed (the plan of a tag, from git, proven against its commit record) · actuals (what
happened, checked against contracts) · metrics (pure formulas) · one module per scorecard
section (forecast, lag, service, inventory, adherence, pipeline, assumptions) · rules (owners,
escalation, thresholds from the committed charter) · scorecard (rows and their status) ·
engine (the order of it all, and the files) · render (JSON, Markdown).
"""
