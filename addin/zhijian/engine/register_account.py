"""The account of the complaint, praise and test-call registers a report reads (DOMAIN.md, Data
rules: every row read is counted or listed with its reason):

    rows read = counted + excluded by a finding + outside the period + duplicates

The readers (`complaints.read_complaints`, `read_hq_calls`) fill in a `RegisterRows` for each kind
of register over every sheet and file of a report; the period's section completes it. Each excluded
row and each duplicate is a finding at its cell; rows of other months are only counted, as in
`accounting.RowAccount`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class RegisterRows:
    """What reading one kind of register found, over every sheet and register of a report: the
    rows read (a row with anything in a known column), the repeats and the rows an error refused.
    The readers fill it in; the period's section completes the account (`RegisterAccount`)."""

    rows_read: int = 0
    duplicates: int = 0
    excluded: int = 0


@dataclass(frozen=True)
class RegisterAccount:
    """Every row of a register read for a report (DOMAIN.md, Data rules):
        rows read = counted + excluded by a finding + outside the period + duplicates.
    The excluded rows and the duplicates are each a finding at their cell; rows of other months are
    only counted (as in `accounting.RowAccount`)."""

    register: str  # 投诉表扬登记表 | 总部拨测登记表
    rows_read: int
    counted: int
    excluded: int
    outside_period: int
    duplicates: int

    def holds(self) -> bool:
        return self.rows_read == self.counted + self.excluded + self.outside_period + self.duplicates

    def identity_text(self) -> str:
        """投诉表扬登记表 行数核对: 读取 6 行 = 计入 2 + 校验错误 2 + 统计期外 1 + 重复 1."""
        return (f"{self.register} 行数核对: 读取 {self.rows_read} 行 = 计入 {self.counted} + 校验错误 {self.excluded}"
                f" + 统计期外 {self.outside_period} + 重复 {self.duplicates}")

    def to_dict(self) -> dict[str, Any]:
        return {"rows_read": self.rows_read, "counted": self.counted, "excluded": self.excluded,
                "outside_period": self.outside_period, "duplicates": self.duplicates, "holds": self.holds()}


def register_account(register: str, tally: RegisterRows, accepted: int, counted: int) -> RegisterAccount:
    """The account of a period: of the `accepted` rows (read, neither refused nor repeated),
    `counted` are in the period and the others outside it."""
    return RegisterAccount(register, tally.rows_read, counted, tally.excluded, accepted - counted, tally.duplicates)
