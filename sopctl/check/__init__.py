"""`sopctl check`: the policy gate of a plan pull request.

For every cycle touched between a base revision and HEAD: validation, reconcile (dry run),
decision rights per changed row (and per approvals.yaml entry, `approvals.py`; override owners,
`row_owners.py`), judged like the frozen window by the charter at the base (`authority.py`: a
pull request cannot grant itself rights), the frozen window, committed outputs, metric
thresholds, the approval round of a tagged cycle and the inputs changed after their phase
was due (`late.py`, a warning); then, for the repository as a whole,
CODEOWNERS drift. Policies (`policies.py`, `metrics.py`, `approvals.py`) are pure functions over
the charter, the changed rows and their authors; git is read at the edge (`history.py`, through
`sopctl.vcs`); `engine.run_check` ties them together. Renderers: JUnit XML (`junit.py`) and
Markdown (`summary.py`); text and GitHub annotations reuse `sopctl.cli.render`.
"""

from __future__ import annotations
