"""The examples at the end of some commands' `--help` (Click's epilog; a paragraph that starts
with \\b keeps its line breaks)."""

from __future__ import annotations

EXPLAIN_EXAMPLES = (
    "\b\nExamples:\n"
    "  sopctl explain P-100                 every period where item P-100 is short or late\n"
    "  sopctl explain ASSY -p 2027-03       the load of resource ASSY in March 2027\n"
    "  sopctl explain P-100 --scenario upside --cycle 2026-12"
)
COMPARE_EXAMPLES = (
    "\b\nExamples:\n"
    "  sopctl compare                       the base and every declared scenario\n"
    "  sopctl compare 2026-12 upside        the base and upside, in cycle 2026-12\n"
    "  sopctl compare main scenario/upside  two git revisions (the first is the base)\n"
    "  sopctl compare scenario/upside       one revision against the working tree"
)
APPROVE_EXAMPLES = (
    "\b\nExamples:\n"
    "  sopctl approve 2026-12 --role cfo --note 'margin is fine'\n"
    "  sopctl approve -r ops_lead --dry-run     check and show it; write nothing"
)
ACTIONS_EXAMPLE = (
    "\b\nactions.yaml, kept by hand (sopctl tag needs an action, not dropped, answering\n"
    "each escalated exception):\n"
    "  version: 1\n"
    "  actions:\n"
    "    - id: ACT-1\n"
    "      description: Confirm the second shift on ASSY\n"
    "      owner: ops_lead           # a charter role, or a member's e-mail\n"
    "      due: 2026-12-20           # YYYY-MM-DD\n"
    "      status: open              # open | in_progress | done | dropped\n"
    "      answers: overload:ASSY:*  # kind:subject:period (* = any part), or an assumption id\n"
    "\n"
    "\b\nExample: sopctl actions 2026-12 --today 2026-12-09"
)
