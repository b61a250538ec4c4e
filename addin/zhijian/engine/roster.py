"""The 人员名单 (roster): the agent ids a team has, with each agent's name and team.

A `Roster` is a frozenset of ids (so `agent_id in roster` reads as it should) that also knows the
names and teams, for the agents who had no call in a period (轮回抽检: 未抽检), and the findings of
the sheet it was read from. Nothing here reads a file: `zhijian.files.workbooks.read_roster` makes
one from a workbook or CSV, through `roster_entries` (the sampling's roster, `calllist`, too).

Nothing of a roster sheet is dropped without a finding: a 工号 listed twice for the same person
(same 姓名 and 班组) is one agent and a warning; listed twice for different people it is an error
of the `conflict` variant, and the roster cannot be used (the caller refuses it: which person a
工号 is would be a guess); a row with a 姓名 or 班组 but no 工号 is an error (that person is not on
the roster, so their calls count as unknown agents).
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, Sequence

from .findings import Finding
from .rules import Rule


class Roster(frozenset):
    """Agent ids; `names` and `teams` by id (empty text where the roster does not say)."""

    names: dict[str, str]
    teams: dict[str, str]
    source: str

    findings: tuple[Finding, ...]

    def __new__(cls, agents: Mapping[str, tuple[str, str]] | Iterable[str], *, source: str = "",
                findings: Iterable[Finding] = ()) -> "Roster":
        details = dict(agents) if isinstance(agents, Mapping) else {a: ("", "") for a in agents}
        self = super().__new__(cls, details)
        self.names = {a: name for a, (name, _) in details.items()}
        self.teams = {a: team for a, (_, team) in details.items()}
        self.source = source
        self.findings = tuple(findings)
        return self

    def __reduce__(self):  # frozenset's own would drop the names and teams
        return (_rebuild, ({a: (self.names[a], self.teams[a]) for a in self}, self.source, self.findings))


def _rebuild(details: dict[str, tuple[str, str]], source: str, findings=()) -> Roster:
    return Roster(details, source=source, findings=findings)


def roster_entries(grid, header_row: int, cols: Mapping[str, int | None],
                   text: Callable[[Any], str], id_of: Callable[[Any], str]
                   ) -> tuple[dict[str, tuple[str, str]], list[Finding]]:
    """The agents (工号 -> (姓名, 班组)) of the rows of `grid` below `header_row` (0-based), read
    through the columns `cols` (agent_id, agent_name, team: 0-based, None when absent), with the
    findings of the rows (see the module's docstring). `text` and `id_of` turn a cell into text
    and into an id."""
    def at(row: Sequence[Any], key: str) -> Any:
        c = cols.get(key)
        return row[c] if c is not None and c < len(row) else None

    agents: dict[str, tuple[str, str]] = {}
    first: dict[str, str] = {}  # id -> the cell of its first row
    findings: list[Finding] = []
    c_id = cols["agent_id"]
    for r in range(header_row + 1, len(grid.rows)):
        row = grid.rows[r]
        aid = id_of(at(row, "agent_id"))
        who = (text(at(row, "agent_name")), text(at(row, "team")))
        cell = grid.cell(r, c_id)
        if not aid:
            if any(who):
                findings.append(Finding.of(Rule.ROSTER_ID_MISSING, grid.file, grid.sheet, cell,
                                           who=_who(*who, labelled=True)))
            continue
        if aid not in agents:
            agents[aid], first[aid] = who, cell
        elif agents[aid] == who:
            findings.append(Finding.of(Rule.ROSTER_DUPLICATE_ID, grid.file, grid.sheet, cell, value=aid,
                                       agent_id=aid, first=first[aid]))
        else:
            findings.append(Finding.of(Rule.ROSTER_DUPLICATE_ID, grid.file, grid.sheet, cell, value=aid,
                                       variant="conflict", agent_id=aid, first=first[aid],
                                       first_who=_who(*agents[aid]), who=_who(*who)))
    return agents, findings


def _who(name: str, team: str, labelled: bool = False) -> str:
    """“张三”(一组), or 姓名“孙七”、班组“二组” when `labelled`."""
    if labelled:
        return "、".join(f"{k}“{v}”" for k, v in (("姓名", name), ("班组", team)) if v)
    return f"“{name or '(无姓名)'}”({team or '无班组'})"


def conflicts(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that make a roster unusable: one 工号 for two different people."""
    return [f for f in findings if f.rule == Rule.ROSTER_DUPLICATE_ID and f.severity == "error"]
