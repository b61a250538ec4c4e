"""The 人员名单 (roster): the agent ids a team has, with each agent's name and team.

A `Roster` is a frozenset of ids (so `agent_id in roster` reads as it should) that also knows the
names and teams, for the agents who had no call in a period (轮回抽检: 未抽检). Nothing here reads a
file: `zhijian.files.workbooks.read_roster` makes one from a workbook or CSV.
"""

from __future__ import annotations

from typing import Iterable, Mapping


class Roster(frozenset):
    """Agent ids; `names` and `teams` by id (empty text where the roster does not say)."""

    names: dict[str, str]
    teams: dict[str, str]
    source: str

    def __new__(cls, agents: Mapping[str, tuple[str, str]] | Iterable[str], *, source: str = "") -> "Roster":
        details = dict(agents) if isinstance(agents, Mapping) else {a: ("", "") for a in agents}
        self = super().__new__(cls, details)
        self.names = {a: name for a, (name, _) in details.items()}
        self.teams = {a: team for a, (_, team) in details.items()}
        self.source = source
        return self

    def __reduce__(self):  # frozenset's own would drop the names and teams
        return (_rebuild, ({a: (self.names[a], self.teams[a]) for a in self}, self.source))


def _rebuild(details: dict[str, tuple[str, str]], source: str) -> Roster:
    return Roster(details, source=source)
