"""How to fix each finding code: one sentence saying what to change, for docs/codes.md.

Kept apart from `findings.CODES` (the code, its severity and its meaning) so that adding a code
and writing its fix are separate edits; a test lists every code of CODES that has no fix here.
The finding's own message names the file, line and value; this is the general remedy.
"""

from __future__ import annotations

FIXES: dict[str, str] = {
    # files
    "SOP001": "Create the file at the path named, or correct the path that names it (the "
    "charter's `inputs[].file`, the cycle folder, `--actuals`).",
    "SOP002": "Put a file at that path: move the folder away, or point the reference at a "
    "file inside it.",
    "SOP003": "Replace the symlink with the file itself, or link to a file inside the repository.",
    "SOP004": "Save the file as UTF-8 (in a spreadsheet: *CSV UTF-8*); a file from an old "
    "system is often Latin-1 or Windows-1252.",
    "SOP005": "Write the content (for a CSV at least its header row), or remove the file and "
    "its declaration if the input is optional.",
    "SOP006": "Split or trim the file, or raise `limits.max_input_mb` in the charter if the "
    "size is intended.",
    "SOP007": "Make the file readable by the user running sopctl (permissions, a file still "
    "being written, a broken mount).",
    "SOP008": "Save the file again as plain text from its source; a NUL byte means a binary "
    "or UTF-16 file was saved under a text name.",
    "SOP010": "Save the workbook as an Excel .xlsx workbook (not .xls, .ods or a renamed CSV) "
    "and import that file.",
    "SOP011": "Rename the sheet to the input table it holds (e.g. `pipeline`), or delete the "
    "sheet if it is a scratch sheet.",
    "SOP012": "Keep one sheet per input table: merge the rows into one sheet and delete the other.",
    "SOP013": "Replace the formula by its value (copy, then paste values only).",
    "SOP014": "Type the value itself in the cell: fix the error, or format the column as text "
    "and write the period or date as text (`2027-03`, `2027-W09`).",
    "SOP015": "Format the cell as a plain number and type the points (20 for 20 %), not a "
    "percentage format that stores 0.2.",
    "SOP016": "Name at least one sheet after an input table of the cycle (e.g. `pipeline`), "
    "as `sopctl export xlsx --inputs` does.",
    "SOP017": "Give the column a header that is a column of the table, or clear the values in it.",
    "SOP018": "Import the workbook into the cycle it was exported from, or name the target "
    "cycle on the command line to import it into another.",
    "SOP019": "Replace the FIFO, socket or device with a regular file holding the data.",
    "SOP020": "Export the workbook again from the current files and redo the edit there, or "
    "undo the change to the file in the repository.",
    "SOP021": "Export a fresh workbook with `sopctl export xlsx --inputs` and edit that one, "
    "so unchanged sheets can be told from edited ones.",
    # YAML
    "SOP022": "Unmerge the range (Excel: Merge & Center > Unmerge Cells) and type the value in "
    "each of its cells.",
    "SOP101": "Fix the syntax at the line and column shown: usually the indentation, or a "
    "value holding `: ` or `#` that needs quotes.",
    "SOP102": "Keep one of the two keys: delete the duplicate or merge their values.",
    "SOP103": "Write the values out in full instead of `&anchor`, `*alias` or `<<` merge keys.",
    "SOP104": "Replace the tab with spaces (YAML allows no tab in indentation or after '-').",
    "SOP105": "Make the top level a mapping of `key: value` lines, as in the documented format.",
    "SOP106": "Correct the key's spelling (the message names the closest allowed key) or "
    "remove it.",
    "SOP107": "Add the key with a value; if it is there, check its spelling and indentation.",
    "SOP108": "Write the value as the message says: the right type (quotes for text, no "
    "quotes for numbers), inside the allowed range, in the documented form.",
    "SOP109": "Keep one document: remove the `---` separator and the second document, or "
    "move it to its own file.",
    # CSV structure
    "SOP201": "Put the header row first, with the column names of the table (docs/tables.md).",
    "SOP202": "Save the file with commas between fields (not semicolons or tabs).",
    "SOP203": "Add the column to the header (and a value in each row where it is required).",
    "SOP204": "Correct the column name to one of the table's columns, or remove the column.",
    "SOP205": "Rename or remove one of the two columns with that name.",
    "SOP206": "Give the row as many fields as the header: quote a value that holds a comma, "
    "or remove the extra separators.",
    "SOP207": 'Close the quoted value with `"`, and double any quote inside it (`""`).',
    "SOP208": "Remove the blank line between the rows.",
    "SOP209": "Give the column a header name of the table, or remove its values.",
    "SOP210": "Delete the totals row: sopctl sums what it needs, and a row named `Total` would "
    "be read as one more item, deal or series (do not add it to any other table).",
    "SOP211": "Delete the empty columns after the table's last column (in a spreadsheet: select "
    "them and delete the columns), so that the header and the rows end alike.",
    "SOP240": "Write the id without invisible characters, tabs or a leading `=`, `+`, `-` or "
    "`@`, in at most 64 characters.",
    "SOP241": "Where a YAML file (charter, scenario) must name it, add the glossary alias the "
    "message gives and write the alias there; nothing to change otherwise.",
    # CSV values
    "SOP301": "Fill in the value.",
    "SOP302": "Write a plain number with a dot for decimals (`1250.5`), without units or "
    "currency signs.",
    "SOP303": "Remove the thousands separator (`1250000`, not `1,250,000`); where the comma "
    "is a decimal comma (`1,500` for one and a half), write a dot instead (`1.5`).",
    "SOP304": "Write a whole number (`3`, not `2.5`).",
    "SOP305": "Raise the value to the minimum the column allows (docs/tables.md), or fix its "
    "sign or unit; learn's demand.csv counts orders and shipments before returns, so leave "
    "returns out of it.",
    "SOP306": "Lower the value to the maximum the column allows (docs/tables.md): a fraction "
    "is 0-1, not percent; check the unit.",
    "SOP307": "Write one of the allowed values the message lists.",
    "SOP308": "Write the period as the charter's bucket: a month `YYYY-MM` or an ISO week "
    "`YYYY-Www`.",
    "SOP309": "Write a full e-mail address (`name@example.com`).",
    "SOP310": "Change the row's values so they agree, as the rule in the message says (e.g. "
    "end not before start).",
    "SOP311": "Write the date as `YYYY-MM-DD`.",
    "SOP312": "Write the value as 0, or in a larger unit if it is not meant to be 0.",
    "SOP313": "Leave the cell empty (export no value as an empty cell); if a value was meant, "
    "write it (a `#N/A` from a spreadsheet lookup: fix the lookup).",
    "SOP314": "Write the count without the dot (`1712`, not `1.712`), or leave it if it is "
    "meant as a fraction; a spreadsheet set to German or Dutch writes a dot between thousands.",
    "SOP320": "Leave `hours` empty on a labour resource: its hours are workforce × "
    "hours_per_worker (change those, or per period in capacity.csv); for a fixed number of "
    "hours, make the resource `fixed`.",
    # keys and references
    "SOP401": "Merge or remove the rows that share the key, or correct the key of one of them.",
    "SOP402": "Add the missing row to the table named, or correct the id to an existing one.",
    "SOP403": "Correct the value to a segment, stage or role the charter lists, or add it to "
    "the charter (or as a glossary alias).",
    "SOP404": "Move the row's period inside the cycle's horizon, or remove the row.",
    "SOP405": "Keep history before the cycle's first period: remove the rows from it on, or "
    "correct `first_period`.",
    "SOP406": "Write the canonical name the glossary maps the alias to (optional: the "
    "alias works).",
    "SOP407": "Add the item's routing rows, or write `sourcing` `buy` in items.csv if it is "
    "bought in.",
    "SOP408": "Move the promotion's dates or the renewal's period into the horizon, or remove "
    "the row (a row of a month already gone belongs to the last cycle).",
    # charter rules
    "SOP501": "Add the e-mail of at least one person to the role's `members`.",
    "SOP502": "Correct the role id to one of `roles[].id`, or add that role.",
    "SOP503": "Lower `approvals.quorum` to at most the number of `required_roles` that "
    "distinct members can sign for, or add roles or members.",
    "SOP504": "Give each entry a distinct id.",
    "SOP505": "Map the alias to one term only: remove it from all but one glossary entry.",
    "SOP506": "Make `frozen_periods` smaller than `horizon_periods`.",
    "SOP507": "Order the calendar's due days: `signal` ≤ `reconcile` ≤ `commit`.",
    "SOP508": "Order the pipeline stages so probabilities do not fall from one stage to the "
    "next, or correct a probability.",
    "SOP509": "Give the right to at least one role in `decision_rights`.",
    "SOP510": "Write `direction: at_most` on the metric (or `at_least` on purpose, to make "
    "the target a floor).",
    "SOP511": "Correct the metric's name to the one suggested, or keep it if sopctl is not "
    "meant to judge it.",
    # workspace and cycle
    "SOP601": "Declare the file in the charter's `inputs`, or move it out of the cycle's "
    "inputs/ folder.",
    "SOP602": "Add the file to the cycle's inputs/, or mark its declaration `required: false`.",
    "SOP603": "Set `charter:` in cycle.yaml to the name of a file in charters/ (without .yaml).",
    "SOP604": "Make `id:` in cycle.yaml equal the cycle's folder name, or rename the folder.",
    "SOP606": "Declare each file and each table type once in the charter's `inputs`.",
    "SOP607": "Give each assumption and scenario of the cycle a distinct id.",
    "SOP608": "Set the assumption's `owner` to a role id of the charter.",
    "SOP609": "Write `inputs[].file` as a path inside the cycle's inputs/ folder (no `..`, "
    "no absolute path).",
    "SOP610": "Set the action's `owner` to a charter role id or the e-mail of a member.",
    "SOP611": "Give each action a distinct id.",
    "SOP612": "Approve as a role that holds `sign_off_plan` and lists you as a member, or add "
    "the person to that role in the charter.",
    "SOP613": "Write `answers` as `kind:subject:period` with a known exception kind (`*` for "
    "a whole part, never inside one: `shortage:*:*`, not `shortage:HSG-*:*`), or as an "
    "assumption id of the cycle.",
    "SOP614": "Correct the escalation rule's `resource` to a resource of the cycle, or "
    "remove the rule.",
    "SOP615": "Correct the item id in `forecast.per_item`, or remove the entry.",
    "SOP620": "Write cycles/<id>/scenarios/<name>.yaml, or remove the scenario from "
    "cycle.yaml's `scenarios`.",
    "SOP621": "Declare the scenario under `scenarios` in cycle.yaml, or move the file out of "
    "scenarios/.",
    "SOP622": "Correct the family or supplier to one the cycle's tables hold.",
    "SOP623": "Correct the id to an item, segment, resource, material or promotion of the cycle.",
    "SOP624": "Move `from`/`to` so the range overlaps the cycle's horizon.",
    "SOP625": "Write `from` and `to` as periods of the charter's bucket, `from` not after `to`.",
    "SOP626": "Select what the overlay applies to (e.g. a workforce policy on labour "
    "resources only), or change its kind.",
    "SOP627": "Set the scenario's `owner` to a role id of the charter.",
    "SOP628": "Rename the file to a valid id that is not `base` (letters, digits, `_ . -`).",
    "SOP629": "Change the overlay's values or selectors so it changes something, or remove it.",
    "SOP630": "Reduce the cut so the value stays at 0 or above (a floor at 0 was applied).",
    "SOP631": "Give the added promotion a promo_id that promotions.csv does not use, or "
    "change the existing promotion instead.",
    "SOP632": "Shorten the delay, or accept that those arrivals fall outside the plan.",
    "SOP633": "Declare the table the overlay writes (e.g. `supplier_capacity`) in the "
    "charter's `inputs`, then adopt again.",
    "SOP634": "Edit cycle.yaml by hand as the message says (its layout could not be edited "
    "safely), then adopt again.",
    # demand (signal) and learn
    "SOP701": "Set the override's `owner` to a member of a role with `override_demand`, or "
    "give that right to the owner's role.",
    "SOP702": "Move the override out of the frozen window, or have its owner hold a role "
    "with `approve_frozen_change`.",
    "SOP703": "Check the negative override or promotion that takes demand below 0.",
    "SOP704": "Update the deal's close period in pipeline.csv, or close it as won or lost.",
    "SOP705": "Update or close the deal; it has slipped more often than `max_slips` allows.",
    "SOP706": "Add history, or set `forecast.per_item` to a method that needs less (e.g. "
    "`moving_average`).",
    "SOP707": "Move the deal's close earlier or shorten `close_to_demand_lag`, or accept that "
    "those units fall past the horizon.",
    "SOP708": "Remove the earlier override, which the later replace override of that period hides.",
    "SOP709": "Add those series to the pipeline, or narrow `pipeline.replaces_baseline_for` "
    "to segments the pipeline covers.",
    "SOP710": "Write the promotion as `uplift_units`, since a percent of 0 adds nothing.",
    "SOP711": "Count the demand once: delete the renewal or the deal, or give the deal "
    "probability 0 with the reason `renewal <id>`.",
    "SOP712": "Move the deal to the charter's won stage if the customer has signed; else give "
    "it a probability below 1, or clear it to use its stage's.",
    "SOP713": "Check the deal with its owner; move its stage as it earns it, or lower the "
    "deal-level probability (a `probability_reason` does not clear this warning).",
    "SOP740": "Add 1 to the deal's `slip_count` for the move, or put the close period back if "
    "the customer did not move it.",
    "SOP741": "Restore the deal's `slip_count` from the previous cycle: it counts every slip "
    "since the deal was opened.",
    "SOP742": "Lower the quantity unless the deal's owner and customer confirm it; confirmed, "
    "it stays a warning this cycle (`probability_reason` does not clear it): note who "
    "confirmed it in the assumptions.",
    "SOP743": "Move the deal one stage at a time as it earns it, or write in "
    "`probability_reason` what moved it.",
    "SOP744": "Confirm the deal's size with its owner, or lower it or its stage until the "
    "customer commits.",
    "SOP745": "Review what the segment's new and grown deals add before the plan relies on them.",
    "SOP746": "Close the deal as won or lost, or give it a new close period and count the slip.",
    "SOP747": "Add the missing months to demand_history.csv (zeros where nothing shipped).",
    "SOP748": "Clean the one-off from the history, or override the periods where the baseline "
    "repeats it.",
    "SOP749": "Put the previous cycle's files back as committed (`git checkout TAG -- FILE`); "
    "a real correction belongs in this cycle's inputs, or in an approved new tag of that cycle.",
    "SOP720": "Run `sopctl verify TAG`: the tagged files differ from the commit record; learn "
    "from a tag that verifies.",
    "SOP721": "Run learn with the sopctl and HiGHS versions that made the tag, or commit the "
    "outputs with the cycle when tagging so they are not rebuilt.",
    "SOP722": "Nothing to change (the view is rebuilt); to avoid it, commit the demand view "
    "with its demand_manifest.json before tagging.",
    "SOP723": "Run `sopctl verify TAG` for the reason, or learn from another tag.",
    "SOP724": "Verify or re-tag the cycle if its lag is wanted in the analysis.",
    "SOP725": "Run `sopctl verify TAG` on the skipped tag and fix or re-tag that cycle.",
    "SOP730": "Rename the file after an actuals table (docs/learn.md) or move it out of the "
    "actuals folder.",
    "SOP731": "Correct the id to one of the committed plan, or remove the rows.",
    "SOP732": "Give the CSV the header of one actuals table (docs/learn.md).",
    "SOP733": "Correct the receipt or the order period so the receipt is not before the order.",
    "SOP734": "Correct the assumption id to one in cycle.yaml, or document the assumption there.",
    "SOP735": "Check the periods of the file: they lie outside the committed plan's horizon.",
    "SOP736": "Load every series of the period into demand.csv, or leave the period out until "
    "it is complete: a planned series without a row counts as 0 orders.",
    # plan checks in CI
    "SOP801": "Have a member of the owner role or of a role with the table's right make the "
    "change in their own commit and drop this one (`git rebase -i`), or grant the role first.",
    "SOP802": "Have a member of a role with `approve_frozen_change` make the change, or move "
    "it after the frozen window.",
    "SOP803": "Run `sopctl reconcile` and commit its outputs, or stop committing outputs.",
    "SOP804": "Raise the plan to the target (change its inputs), or, if the leaders accept "
    "it, set the metric's `severity: warning` in the charter (a sign-off).",
    "SOP805": "Nothing to change; the metric needs actuals (`sopctl learn` judges it).",
    "SOP806": "Approve the changed plan again (`sopctl approve`) and tag a new version.",
    "SOP807": "Fix what the diagnosis names (capacity, supply, demand) until "
    "`sopctl reconcile` finds a plan.",
    "SOP808": "Have a member of a role with `sign_off_plan` make the charter change in a "
    "commit of their own and drop this one (`git rebase -i`).",
    "SOP809": "Have a member of the scenario's owner role make the change, or hand the "
    "scenario over first.",
    "SOP810": "Have a member of the assumption's owner role make the change.",
    "SOP811": "Nothing in this change; fix the counted warnings in their own change.",
    "SOP812": "Have a member of a role with `sign_off_plan` change the cycle's frame or "
    "delete the cycle in a commit of their own and drop this one (`git rebase -i`).",
    "SOP813": "Let each approver record their own approval with `sopctl approve`; restore "
    "the entries edited by someone else.",
    "SOP814": "Rebase the branch onto the other instead of merging, so each change is in a "
    "commit of its own.",
    "SOP815": "Add the charter in a commit by a member of a `sign_off_plan` role of a charter "
    "at the base.",
    "SOP816": "Merge the new charter first, then the cycle that runs under it.",
    "SOP817": "Have the owner the row names change it, or a member of a role with `sign_off_plan`.",
    "SOP818": "Have the input's owner or an approver acknowledge the late change in the review "
    "(the next tag records it), or move the change to the next cycle's inputs.",
    # repository conventions, report and export
    "SOP901": "Run `sopctl codeowners --write` and commit the CODEOWNERS file.",
    "SOP960": "Run `sopctl verify TAG` and fix what it reports, or make the report from the "
    "working tree.",
    "SOP962": "Run `sopctl learn` again for the tag, or remove the damaged scorecard.",
    "SOP965": "Use the CSV file for that table; an Excel sheet holds 1,048,575 rows below "
    "the header.",
}
