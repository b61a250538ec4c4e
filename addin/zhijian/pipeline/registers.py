"""Reading 投诉表扬登记表 and 总部拨测登记表 workbooks (`--complaints`), and the section a monthly or
quarterly report gets from them."""

from __future__ import annotations

from pathlib import Path

from zhijian.engine.complaints import (ComplaintsSection, RegisterRows, complaints_section, read_complaints,
                                       read_hq_calls, register_kind)
from zhijian.engine.findings import Finding, Rule
from zhijian.engine.periods import Period, period_of
from zhijian.errors import InputFileError
from zhijian.files.workbooks import read_grids


# A sheet named so is meant to be a register: when its headers are not a register's, it is a
# finding (a renamed 得分 column would otherwise drop every row of it without a word).
_NAMED = (("拨测", "hq_register"), ("投诉", "complaints_register"), ("表扬", "complaints_register"))


def load_registers(paths: list[str | Path]):
    """(work orders or None, test calls or None, findings, tallies) of every sheet of the registers:
    a sheet is read as what its headers say; a sheet named as a register (投诉, 表扬, 拨测) whose
    headers are not one, and a workbook holding neither register, are findings. `tallies`: the rows
    read, repeated and refused, by 'complaints' and 'hq_calls', for the account."""
    orders, calls, findings = None, None, []
    tickets: set[str] = set()  # 工单编号 and 拨测编号 read so far: a repeat in another register is one order
    hq_ids: set[str] = set()
    tallies = {"complaints": RegisterRows(), "hq_calls": RegisterRows()}
    read: set[Path] = set()
    for p in paths:
        if not Path(p).is_file():
            raise InputFileError(f"找不到登记表文件: {p}")
        if Path(p).resolve() in read:  # the same register named twice is read once
            continue
        read.add(Path(p).resolve())
        found, unnamed = False, []
        for grid in read_grids(Path(p)):
            kind = register_kind(grid)
            if kind == "complaints":
                got, problems = read_complaints(grid, tickets, tallies["complaints"])
                orders = (orders or []) + got
            elif kind == "hq_calls":
                got, problems = read_hq_calls(grid, hq_ids, tallies["hq_calls"])
                calls = (calls or []) + got
            else:
                variant = next((v for word, v in _NAMED if word in grid.sheet), None)
                if variant:
                    unnamed.append(Finding.of(Rule.SHEET_UNMAPPED, grid.file, grid.sheet, "", variant=variant))
                continue
            found = True
            findings += problems
        if not found:
            findings.append(Finding.of(Rule.SHEET_UNMAPPED, str(p), "", "", variant="no_register"))
        else:
            findings += unnamed
    return orders, calls, findings, tallies


def section_for(paths: list[str | Path], label: str, period: Period, months: list[Period],
                notes: list[str] | None = None) -> ComplaintsSection:
    """The registers' section of a report about `period`, with the key figures of each of `months`.
    Their findings are said in `notes` too (the console's warnings), not only on the report's sheet:
    each file or sheet not read, and how many problems; the registers' account (行数核对) is the
    report's summary, printed with it (`section.accounts`)."""
    orders, calls, findings, tallies = load_registers(paths)
    section = complaints_section(label, period, orders, calls, [(period_of("month", m.start)[1], m) for m in months],
                                 findings, tallies)
    if notes is not None:
        notes += section.account_lines()[len(section.accounts):]  # what could not be read
        if any(f.cell for f in findings):
            notes.append(f"投诉表扬/拨测登记表中有 {sum(1 for f in findings if f.cell)} 个问题(有错误的行未计入),"
                         "可用 zhijian complaints check 查看")
    return section
