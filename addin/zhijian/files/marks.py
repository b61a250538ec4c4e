"""A cell's mark: the fill and comment zhijian puts on a cell with a finding (校验 and 计算总分 in
the open workbook, `validate --write` and `score --write` in their copies), and how the cell's own
colour and note are kept in that comment, to be given back once the cell is fine. One format for
every door, so that each recognises the others' marks."""

from __future__ import annotations

import re

from zhijian.engine.findings import SEVERITY_ZH

FILL_ERROR = "FFC7CE"
FILL_WARNING = "FFEB9C"
MARK_FILLS = (FILL_ERROR, FILL_WARNING)
MARK_PREFIXES = tuple(f"[{w}]" for w in SEVERITY_ZH.values())  # how our comments start
OWN_FILL, OWN_FILL_END = "(原底色 #", ",修正后恢复)"  # a marked cell's own colour, in our comment
OWN_NOTE = "——原批注——"  # a marked cell's own note follows this line of our comment
_OWN_FILL_RE = re.compile(re.escape(OWN_FILL) + r"([0-9A-F]{6})" + re.escape(OWN_FILL_END))


def is_mark(text: str | None) -> bool:
    return bool(text) and text.startswith(MARK_PREFIXES)


def mark_text(text: str, fill: str | None, note: str | None) -> str:
    """A marked cell's comment: our text, then the cell's own colour and note (the user's)."""
    if fill:
        text += f"\n{OWN_FILL}{fill}{OWN_FILL_END}"
    if note:
        text += f"\n{OWN_NOTE}\n{note}"
    return text


def unmark(text: str) -> tuple[str | None, str | None]:
    """(the user's colour, the user's note) kept in one of our comments."""
    head, _, note = text.partition(f"\n{OWN_NOTE}\n")
    m = _OWN_FILL_RE.search(head)
    return (m.group(1) if m else None), (note or None)


def own(fill: str | None, text: str | None) -> tuple[str | None, str | None]:
    """The user's own (colour, note) of a cell whose fill and comment are `fill` and `text` now,
    whether or not it carries one of our marks (never an earlier mark of ours as the user's)."""
    if is_mark(text):
        kept, note = unmark(text)
        return (kept if fill in MARK_FILLS else fill), note
    return fill, text


def unscorable_text(reasons: list[str] | None) -> str:
    """The comment on the total cell of a row that cannot be scored."""
    return "[错误] 无法计分: " + ";".join(reasons or ["此行有无法识别的分数"])
