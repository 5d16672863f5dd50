"""The id rule for CSV id columns, and ids of one id-defining table that are one id.

The rule is the one YAML ids follow (`schemas.common.Id`): 1-64 characters, letters A-Z,
digits and `_ . -`, starting with a letter or a digit. An id in a CSV column that defines or
keys ids and breaks it is SOP240 at its first row (a reference may be a glossary alias, which
may hold spaces; one naming no id is SOP402 or SOP403). Within a table that defines ids other
tables refer to (items, resources, materials), two ids that differ only by case, or that the
glossary makes one term, are one id: a reference could name either, so the later one is a
duplicate key (SOP401).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable

import polars as pl

from .emit import Emitter, distinct_problems
from .lines import LINE

ID_MAX = 64
# the same rule as schemas.common.Id (a test keeps the two in step); `$` ends the text in
# polars' (Rust) regex, and values are trimmed before they get here
ID_PATTERN = rf"^[A-Za-z0-9][A-Za-z0-9_.\-]{{0,{ID_MAX - 1}}}$"
_OK = re.compile(rf"[A-Za-z0-9][A-Za-z0-9_.\-]{{0,{ID_MAX - 1}}}")
_ALLOWED = re.compile(r"[A-Za-z0-9_.\-]")
RULE = "ids are 1-64 characters: letters A-Z, digits and _ . -, starting with a letter or digit"


def is_id(value: str) -> bool:
    return _OK.fullmatch(value) is not None


def shown(value: str, limit: int = 40) -> str:
    """A cell's value as a message can show it (ids, numbers): invisible and control
    characters as U+XXXX, a value longer than `limit` cut short with its length."""
    cut = len(value) > limit
    text = value[: limit - 4] + "…" if cut else value
    text = "".join(ch if ch.isprintable() else f"<U+{ord(ch):04X}>" for ch in text)
    return f"{text} ({len(value)} characters)" if cut else text


def _why(value: str) -> str:
    for ch in value:
        if _ALLOWED.match(ch):
            continue
        if ch.isspace():
            return "it holds a space or tab"
        if not ch.isprintable():
            name = unicodedata.name(ch, "a control character")
            return f"it holds the invisible character U+{ord(ch):04X} ({name.lower()})"
        return f"it holds '{ch}'"
    if len(value) > ID_MAX:
        return f"it has {len(value)} characters"
    return f"it starts with '{value[0]}'"


# letters NFKD leaves whole, with the A-Z spelling their languages use when they cannot
# write them (German ß as ss, Danish Æ Ø, French Œ, Polish Ł, ...)
_SPELT = str.maketrans(
    {
        "ß": "ss", "ẞ": "SS", "Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Œ": "OE", "œ": "oe",
        "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Þ": "TH", "þ": "th", "ı": "i",
    }
)  # fmt: skip


def suggestion(value: str, taken: Iterable[str] = ()) -> str | None:
    """The id a person most likely meant: letters spelt in A-Z (é as e, ß as ss, Ø as O),
    invisible characters dropped, other characters that ids cannot hold as '-'. None when
    that loses something or names another id: a letter or digit remains that has no A-Z
    spelling (泵, П; dropping it could make the id another one's), the result is no valid id,
    or it is one of `taken` (the table's other ids, lower case)."""
    plain = unicodedata.normalize("NFKD", value)
    plain = "".join(
        ch for ch in plain if not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf"
    )
    if "ß" in plain and not any(ch.islower() for ch in plain.replace("ß", "")):
        plain = plain.replace("ß", "SS")  # PUMPE-GROß: the id is written in capitals
    plain = plain.translate(_SPELT)
    if any(ch.isalnum() and not ch.isascii() for ch in plain):
        return None
    plain = re.sub(r"[^A-Za-z0-9_.\-]+", "-", plain).strip("-_.")
    if not is_id(plain) or plain == value or plain.lower() in set(taken):
        return None
    return plain


def _stem(column: str) -> str:
    return column.split("_")[0].upper()


def _fixes(uniq: pl.Series, off: list[str], column: str) -> dict[str, tuple[str, bool]]:
    """For each value of `off` (sorted): the id to write and whether it is only a placeholder
    (`ITEM-1`, for a value whose suggestion would lose letters or name another id of the
    table). No two values get the same one, whatever the order of the rows."""
    first = {v: suggestion(v) for v in off}
    stem = _stem(column).lower() + "-"
    low = uniq.str.to_lowercase()
    wanted = [f.lower() for f in first.values() if f]
    taken = set(low.filter(low.is_in(wanted) | low.str.starts_with(stem)).to_list())
    out: dict[str, tuple[str, bool]] = {}
    for v in off:
        fix = first[v]
        if fix and fix.lower() not in taken:
            taken.add(fix.lower())
            out[v] = (fix, False)
    n = 0
    for v in off:
        if v in out:
            continue
        n += 1
        while f"{stem}{n}" in taken:
            n += 1
        out[v] = (f"{_stem(column)}-{n}", True)
    return out


def check_id_rule(out: Emitter, df: pl.DataFrame, column: str) -> None:
    """The id rule of a column that defines or keys ids YAML files may name (items, resources,
    materials, promotions, assumptions): SOP240 (error) at the first row of each distinct value
    that no id may be (an invisible character, a formula start, more than 64 characters: the
    document rule); SOP241 (warning) for one that only breaks the YAML rule (a real SKU such as
    `1/2-VALVE` or `M8x20 DIN933` plans fine, but a scenario or `forecast.per_item` cannot name
    it as it is: `yaml_route` says how they can). A reference to an id may be written as a
    glossary alias, which may hold spaces; one that names no id is SOP402 or SOP403."""
    uniq = df[column].drop_nulls().unique()
    off = uniq.filter(~uniq.str.contains(ID_PATTERN))
    if not off.len():
        return
    worse = off.str.contains(DOC_SUSPECT) | (off.str.len_chars() > ID_MAX)
    bad, yaml_only = sorted(off.filter(worse).to_list()), sorted(off.filter(~worse).to_list())

    fixes = _fixes(uniq, sorted(off.to_list()), column)

    def fix_of(v: str) -> str:
        fix, placeholder = fixes[v]
        if not placeholder:
            return f"write '{fix}'"
        if len(v) > ID_MAX:
            return f"shorten it to {ID_MAX} characters at most"
        return f"write it with those characters only, e.g. '{fix}' ({PLACEHOLDER})"

    def message(v: str, n: int) -> str:
        rows = "1 row" if n == 1 else f"{n} rows"
        return f"'{shown(v)}' ({rows}) is not a valid id: {_why(v)}; {RULE}; {fix_of(v)}"

    def warning(v: str, n: int) -> str:
        rows = "1 row" if n == 1 else f"{n} rows"
        where = YAML_PLACES.get(column, "the YAML files")
        return (
            f"'{shown(v)}' ({rows}) cannot be written as it is in {where}: {_why(v)}; {RULE}; "
            + yaml_route(v, column, *fixes[v])
        )

    distinct_problems(out, df, column, bad, "SOP240", message)
    distinct_problems(out, df, column, yaml_only, "SOP241", warning)


# the YAML places that name the ids of a column; those of ALIASED read a name through the
# charter glossary (tables.refs.canonical), so an id that breaks the YAML rule is named there
# by an alias that follows it; the others can only be renamed
YAML_PLACES = {
    "item": "forecast.per_item and scenario overlays",
    "resource": "scenario overlays",
    "material": "scenario overlays",
    "promo_id": "scenario overlays",
}
ALIASED = frozenset({"item", "resource", "material"})


def glossary_entry(value: str, alias: str) -> str:
    """A charter glossary entry that names `value` by `alias` (the term as a JSON string,
    which YAML reads as it is whatever characters it holds)."""
    return f"{{term: {json.dumps(value, ensure_ascii=False)}, aliases: [{alias}]}}"


PLACEHOLDER = "a placeholder: any name that follows the rule and is no other id will do"


def yaml_route(value: str, column: str, fix: str, placeholder: bool) -> str:
    """How a YAML file names an id of `column` that breaks the YAML rule: through a glossary
    alias for items, resources and materials (the id stays as the other systems know it),
    else by renaming it. `fix` is the name to advise, or a `placeholder` when no spelling of
    the id in A-Z keeps all its letters and names no other id."""
    if column in ALIASED:
        if placeholder:
            return (
                f"to name it there, keep the id and choose an alias such as '{fix}' "
                f"({PLACEHOLDER}), add the glossary entry {glossary_entry(value, fix)} to the "
                "charter, then write the alias there"
            )
        return (
            f"to name it there, keep the id and add the glossary entry "
            f"{glossary_entry(value, fix)} to the charter, then write '{fix}' there"
        )
    if placeholder:
        return (
            f"to name it there, rename it with those characters only, e.g. '{fix}' ({PLACEHOLDER})"
        )
    return f"rename it '{fix}' to name it there"


def alias_hint(name: str, ids: Iterable[str]) -> str | None:
    """When `name` names no id but is how an id that breaks the YAML rule would be written
    by it (`1-2-VALVE` for `1/2-VALVE`): the glossary entry that makes it name that id."""
    for i in sorted(ids):
        fix = suggestion(i)
        if not is_id(i) and fix is not None and fix.lower() == name.lower():
            return (
                f"'{i}' cannot be written here as it is ({_why(i)}); to name it by "
                f"'{name}', add the glossary entry {glossary_entry(i, name)} to the charter"
            )
    return None


FORMULA = "=+-@"  # a spreadsheet reads a cell starting with one of these as a formula
DOC_RULE = (
    "document ids (deals, orders, receipts) may hold any printable characters, up to "
    f"{ID_MAX}, and may not start with {' '.join(FORMULA)} (a spreadsheet would read a formula)"
)


DOC_SUSPECT = r"^[=+\-@]|[\p{C}\p{Zl}\p{Zp}]|[\p{Zs}&&[^ ]]"


def _doc_why(value: str) -> str | None:
    """Why `value` is no document id (None: it is one): the looser rule of ids that come from
    other systems (a CRM's 'SO/2026/001'), which no other table refers to."""
    for ch in value:
        if not ch.isprintable() or ch in "\t\r\n":
            name = unicodedata.name(ch, "a control character")
            return f"it holds the invisible character U+{ord(ch):04X} ({name.lower()})"
    if len(value) > ID_MAX:
        return f"it has {len(value)} characters"
    if value[:1] in FORMULA:
        return f"it starts with '{value[0]}'"
    return None


def check_document_id(out: Emitter, df: pl.DataFrame, column: str) -> None:
    """SOP240 at the first row of each distinct value of a document id column (a deal, order,
    purchase order or receipt id: keys no other table refers to) that breaks DOC_RULE."""
    uniq = df[column].drop_nulls().unique()
    # the candidates in one vectorised pass (a pipeline holds a million deals); _doc_why then
    # judges and words each: a character Python does not print (controls, format characters,
    # separators other than the space), a formula start, or too long
    suspect = uniq.str.contains(DOC_SUSPECT) | (uniq.str.len_chars() > ID_MAX)
    why = {v: w for v in uniq.filter(suspect).to_list() if (w := _doc_why(v)) is not None}

    def message(v: str, n: int) -> str:
        rows = "1 row" if n == 1 else f"{n} rows"
        return f"'{shown(v)}' ({rows}) is not a valid id: {why[v]}; {DOC_RULE}"

    distinct_problems(out, df, column, sorted(why), "SOP240", message)


def check_twins(
    out: Emitter, df: pl.DataFrame, column: str, aliases: dict[str, str], what: str
) -> None:
    """SOP401 at the first row of each spelling of an id that a row above already defines in
    another case or through the glossary (a repeat of one spelling is the plain SOP401)."""
    # the form two ids share when they are one id (through the glossary, then lower case),
    # for every value in one vectorised pass: Python sees only the twins
    uniq = df.select(pl.col(column).drop_nulls().unique())
    folded = pl.col(column).str.to_lowercase()
    if aliases:
        folded = folded.replace(aliases).str.to_lowercase()
    grouped = uniq.with_columns(folded.alias("__fold")).filter(
        pl.col(column).n_unique().over("__fold") > 1
    )
    folds = dict(grouped.select(column, "__fold").iter_rows())
    twins = list(folds)
    if not twins:
        return
    firsts = (
        df.filter(pl.col(column).is_in(twins))
        .group_by(column)
        .agg(pl.col(LINE).min().alias("first"))
        .sort("first", column)
        .rows()
    )
    owner: dict[str, tuple[str, int]] = {}
    later: list[tuple[str, int, str, int]] = []
    for v, line in firsts:
        key = folds[v]
        if key in owner:
            later.append((v, line, *owner[key]))
        else:
            owner[key] = (v, line)

    def message(i: int) -> str:
        v, _, first, line = later[i]
        if v.lower() == first.lower():
            how = "written in another case (ids are the same id whatever their case)"
        else:
            how = f"through the glossary (both stand for '{aliases.get(v.lower(), v)}')"
        return (
            f"duplicate key ({column}) = ({shown(v)}): {what} '{shown(v)}' is {what} "
            f"'{shown(first)}' of line "
            f"{line} {how}, so a reference could name either; give it an id of its own or "
            "merge the rows"
        )

    out.rows("SOP401", column, [line for _, line, _, _ in later], message)
