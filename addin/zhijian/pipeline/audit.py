"""`zhijian audit`: recompute an output workbook from its recorded inputs and say whether every
figure is identical, naming the first difference.

The output's provenance (provenance.py) says which command made it, with which rubric and
options; the inputs given now are hashed and matched with the recorded ones by their path relative
to the inputs' common folder (`match_inputs`: two `day.xlsx` in different folders stay apart); the
appeals register, the previous month's sheets and the roster recorded are hashed again too; the
command is run again into a temporary file and the two workbooks are compared cell by cell
(on the 数据来源 sheet, which lists paths that may differ between machines, only the row account).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from zhijian.errors import InputFileError
from zhijian.files.provenance import (HIDDEN_SHEET, Provenance, entry_relative, file_sha256, read_provenance,
                                      relative_paths)

SKIP_SHEETS = {HIDDEN_SHEET}
# A sheet that lists the inputs' paths (which differ between machines, and between a report read
# from the history store and the same report from the sheets): only its row account is compared,
# term by term, so that a figure changed there by hand is found.
ACCOUNT_ONLY = {"数据来源"}


@dataclass
class AuditResult:
    provenance: Provenance
    identical: bool
    changed_inputs: list[str] = field(default_factory=list)
    missing_inputs: list[str] = field(default_factory=list)
    extra_inputs: list[str] = field(default_factory=list)
    rubric_changed: bool = False
    changed_others: list[str] = field(default_factory=list)  # register, previous month, roster
    missing_others: list[str] = field(default_factory=list)
    differences: int = 0
    first_difference: str = ""

    def lines(self) -> list[str]:
        out = []
        if self.rubric_changed:
            out.append("评分标准文件的内容与生成报表时不同(哈希不一致)")
        out += [f"输入文件在报表生成后被修改: {p}" for p in self.changed_inputs]
        out += [f"{p} 在报表生成后被修改(哈希不一致)" for p in self.changed_others]
        out += [f"找不到报表记录的{p}" for p in self.missing_others]
        out += [f"缺少报表记录的输入文件: {p}" for p in self.missing_inputs]
        out += [f"报表未使用过的输入文件: {p}" for p in self.extra_inputs]
        if self.identical:
            out.append("复核通过: 按记录的输入重新计算,所有数字完全一致")
        else:
            out.append(f"复核不一致: 共 {self.differences} 处不同;第一处: {self.first_difference}")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"identical": self.identical, "differences": self.differences,
                "first_difference": self.first_difference or None, "changed_inputs": self.changed_inputs,
                "missing_inputs": self.missing_inputs, "extra_inputs": self.extra_inputs,
                "rubric_changed": self.rubric_changed, "changed_others": self.changed_others,
                "missing_others": self.missing_others, "command": self.provenance.command}


Recompute = Callable[[Provenance, list[str], Path], Path]
RECOMPUTERS: dict[str, Recompute] = {}


def recomputer(command: str):
    def register(fn: Recompute) -> Recompute:
        RECOMPUTERS[command] = fn
        return fn
    return register


@recomputer("consolidate")
def _recompute_consolidate(prov: Provenance, inputs: list[str], out: Path) -> Path:
    from .jobs import consolidate, write_consolidation
    from zhijian.files.rubrics import load_rubric

    o = prov.options
    result = consolidate(load_rubric(prov.rubric_source), inputs, period_kind=o["period"],
                         date=dt.date.fromisoformat(o["date"]), lead=o.get("lead"),
                         appeals=_appeals_path(prov), policy=policy_from(o),
                         rubric_source=prov.rubric_source, roster=_roster_path(prov))
    return write_consolidation(result, out)


@recomputer("weekly")
def _recompute_weekly(prov: Provenance, inputs: list[str], out: Path) -> Path:
    from .jobs import weekly_report, write_periodic
    from zhijian.files.rubrics import load_rubric

    o = prov.options
    result = weekly_report(load_rubric(prov.rubric_source), inputs, week=o["week"], lead=o.get("lead"),
                           quota_per_day=int(o.get("quota_per_day", 60)), appeals=_appeals_path(prov),
                           policy=policy_from(o), rubric_source=prov.rubric_source, roster=_roster_path(prov),
                           project_start=dt.date.fromisoformat(o["project_start"]) if o.get("project_start")
                           else None, topics=_topics(o))
    return write_periodic(result, out)


@recomputer("monthly")
def _recompute_monthly(prov: Provenance, inputs: list[str], out: Path) -> Path:
    from .jobs import monthly_report, write_periodic
    from zhijian.files.rubrics import load_rubric

    o = prov.options
    previous = [e[0] for e in prov.previous if Path(e[0]).is_file()] or None  # (path, sha256, relative)
    result = monthly_report(load_rubric(prov.rubric_source), inputs, month=o["month"], previous=previous,
                            lead=o.get("lead"), sampling_target=int(o.get("sampling_target", 5)),
                            appeals=_appeals_path(prov), policy=policy_from(o), rubric_source=prov.rubric_source,
                            plans=o.get("plans"), complaints=o.get("complaints"), roster=_roster_path(prov),
                            topics=_topics(o))
    return write_periodic(result, out)


@recomputer("daily")
def _recompute_daily(prov: Provenance, inputs: list[str], out: Path) -> Path:
    """The day's package again; the workbook of the same kind as the audited one (质检日志 or 扣分凭单)."""
    from .daily import daily_package, write_daily_package
    from zhijian.engine.daily import parse_repeat_window
    from zhijian.files import names
    from zhijian.files.rubrics import load_rubric

    o = prov.options
    split = (lambda v: [x for x in str(v).split(",") if x] if v else None)
    pkg = daily_package(load_rubric(prov.rubric_source), inputs, date=dt.date.fromisoformat(o["date"]),
                        roster=_roster_path(prov) or o.get("roster"), inspectors=split(o.get("inspectors")),
                        on_duty=o.get("on_duty"),
                        rotation=split(o.get("rotation")), repeat_times=int(o.get("repeat_times", 3)),
                        repeat_window=parse_repeat_window(o.get("repeat_window")),
                        quota_per_day=int(o.get("quota_per_day", 60)), points=int(o.get("points", 3)),
                        lead=o.get("lead"), appeals=_appeals_path(prov), policy=policy_from(o),
                        rubric_source=prov.rubric_source)
    written = write_daily_package(pkg, out.parent)
    return written["vouchers"] if out.name.startswith(names.VOUCHERS) else written["log"]


@recomputer("penalties")
def _recompute_penalties(prov: Provenance, inputs: list[str], out: Path) -> Path:
    from .daily import penalties_register, write_penalties
    from zhijian.files.rubrics import load_rubric

    o = prov.options
    result = penalties_register(load_rubric(prov.rubric_source), inputs, month=o["month"], lead=o.get("lead"),
                                appeals=_appeals_path(prov), policy=policy_from(o), rubric_source=prov.rubric_source,
                                roster=_roster_path(prov) or o.get("roster"))
    return write_penalties(result, out)


@recomputer("sample")
def _recompute_sample(prov: Provenance, inputs: list[str], out: Path) -> Path:
    """The 抽检计划 workbook again (the 评分表 beside it are written to the same temporary folder)."""
    from .sampling import plan_from_files, write_plan
    from zhijian.engine.sampling import SamplingRule
    from zhijian.files.rubrics import load_rubric

    o = prov.options
    roster = Path(o["roster"])
    if not roster.is_file():
        raise InputFileError(f"找不到抽检计划记录的人员名单 {roster}")
    hours = None
    if o.get("hours"):
        start, end = o["hours"].split("-")
        hours = (dt.time.fromisoformat(start), dt.time.fromisoformat(end))
    rule = SamplingRule(per_agent=int(o["per_agent"]), rounds=int(o["rounds"]),
                        min_duration=float(o["min_duration"]), hours=hours)
    rubric = load_rubric(prov.rubric_source)
    inspectors = o["inspectors"].split(",") if o.get("inspectors") else None
    exclude = [p for p, _ in (o.get("exclude_scored") or []) if Path(p).is_file()]
    result = plan_from_files(rubric, inputs, roster, day=dt.date.fromisoformat(o["date"]), inspectors=inspectors,
                             rule=rule, seed=int(o["seed"]), exclude_scored=exclude,
                             rubric_source=prov.rubric_source)
    return write_plan(result, rubric, out.parent)[0]


@recomputer("quarterly")
@recomputer("yearly")
def _recompute_review(prov: Provenance, inputs: list[str], out: Path) -> Path:
    """A 季度/年度质检考核表, recomputed from the sheets given (also one first read from the store)."""
    from .history import period_review, write_review
    from zhijian.files.rubrics import load_rubric

    o = prov.options
    kind = "quarter" if prov.command == "quarterly" else "year"
    result = period_review(load_rubric(prov.rubric_source), kind, o[kind], inputs, lead=o.get("lead"),
                           min_calls=int(o.get("min_calls", 5)), stars=int(o.get("stars", 3)),
                           appeals=_appeals_path(prov), policy=policy_from(o), rubric_source=prov.rubric_source,
                           complaints=o.get("complaints"))
    return write_review(result, out)


@recomputer("assess")
def _recompute_assess(prov: Provenance, inputs: list[str], out: Path) -> Path:
    from .assess import assess_month, write_assessment
    from zhijian.files.rubrics import load_rubric

    o = prov.options
    result = assess_month(load_rubric(prov.rubric_source), o["config"], o["kpi"], o["month"], inputs,
                          appeals=_appeals_path(prov), policy=policy_from(o), rubric_source=prov.rubric_source)
    return write_assessment(result, out)


def policy_from(options: dict):
    from zhijian.engine.appeals import AppealPolicy

    return AppealPolicy.from_options(options)


def _topics(options: dict) -> list[str] | None:
    return str(options["topics"]).split("、") if options.get("topics") else None


def _roster_path(prov: Provenance) -> str | None:
    """The roster the report was made with (it must still be where it was)."""
    if not prov.roster:
        return None
    path = Path(prov.roster[0])
    if not path.is_file():
        raise InputFileError(f"找不到报表记录的人员名单 {path}")
    return str(path)


def _appeals_path(prov: Provenance) -> str | None:
    if not prov.appeals:
        return None
    path = Path(prov.appeals[0])
    if not path.is_file():
        raise InputFileError(f"找不到报表记录的申诉登记表 {path}")
    return str(path)


def audit(output: Path, inputs: list[str]) -> AuditResult:
    """Recompute `output` from `inputs` and compare."""
    from zhijian.files.rubrics import load_rubric
    from zhijian.files.inputs import expand_inputs, no_workbooks_error

    output = Path(output)
    if not output.is_file():
        raise InputFileError(f"{output}: 文件不存在")
    prov = read_provenance(output)
    if prov is None:
        raise InputFileError(f"{output}: 此工作簿没有记录数据来源(不是 zhijian 生成的报表,或版本过旧),无法复核")
    if prov.command not in RECOMPUTERS:
        raise InputFileError(f"{output}: 无法复核“{prov.command}”生成的报表")
    files, notes = expand_inputs(inputs)
    if not files:  # named here: the recomputing job would be given no input to name
        raise no_workbooks_error(inputs, notes)
    result = AuditResult(prov, identical=False)
    matched, result.missing_inputs, extra = match_inputs(prov.inputs, files)
    result.changed_inputs = sorted(str(p) for p, entry in matched if file_sha256(p) != entry[1])
    result.extra_inputs = sorted(str(p) for p in extra)
    result.changed_others, result.missing_others = _changed_others(prov)
    result.rubric_changed = (load_rubric(prov.rubric_source).content_hash or "") != prov.rubric_hash
    with tempfile.TemporaryDirectory() as d:
        again = RECOMPUTERS[prov.command](prov, [str(p) for p in files], Path(d) / output.name)
        result.differences, result.first_difference = compare_workbooks(output, again)
    result.identical = result.differences == 0 and not result.rubric_changed
    return result


def match_inputs(recorded, files: list[Path]) -> tuple[list[tuple[Path, tuple]], list[str], list[Path]]:
    """Pair the files given with the inputs recorded, by their path relative to the inputs' common
    folder, else by the one recorded path that ends the given one (or that the given one ends):
    (matched (file, entry), recorded relative paths not given, files given but not recorded)."""
    left = {entry_relative(e): e for e in recorded}
    matched: list[tuple[Path, tuple]] = []
    extra: list[Path] = []
    for f, rel in zip(files, relative_paths(files)):
        key = rel if rel in left else _by_path_end(f, rel, left)
        if key is None:
            extra.append(f)
        else:
            matched.append((f, left.pop(key)))
    return matched, sorted(left), extra


def _by_path_end(f: Path, rel: str, left: dict) -> str | None:
    full = Path(os.path.abspath(f)).as_posix()
    for found in ([r for r in left if full.endswith("/" + r)], [r for r in left if r.endswith("/" + rel)]):
        if len(found) == 1:
            return found[0]
    return None


def _changed_others(prov: Provenance) -> tuple[list[str], list[str]]:
    """The register, previous month's sheets and roster recorded: those changed since, those gone."""
    others = []
    if prov.appeals:
        others.append(("申诉登记表", prov.appeals))
    if prov.roster:
        others.append(("人员名单", prov.roster))
    elif prov.options.get("roster") and prov.options.get("roster_sha256"):  # a 抽检计划 of before
        others.append(("人员名单", (prov.options["roster"], prov.options["roster_sha256"])))
    others += [("上月评分表", e) for e in prov.previous]
    changed, missing = [], []
    for what, (path, digest, *_) in others:
        if not Path(path).is_file():
            missing.append(f"{what} {path}")
        elif file_sha256(path) != digest:
            changed.append(f"{what} {path}")
    return changed, missing


def compare_workbooks(original: Path, recomputed: Path) -> tuple[int, str]:
    """(number of differing cells, the first one described in Chinese)."""
    from openpyxl import load_workbook

    a = load_workbook(original, read_only=True, data_only=True)
    b = load_workbook(recomputed, read_only=True, data_only=True)
    try:
        count, first = 0, ""
        names = [n for n in a.sheetnames if n not in SKIP_SHEETS]
        for name in names:
            if name not in b.sheetnames:
                count += 1
                first = first or f"重新计算的结果没有工作表“{name}”"
                continue
            ra = [list(r) for r in a[name].iter_rows(values_only=True)]
            rb = [list(r) for r in b[name].iter_rows(values_only=True)]
            if name in ACCOUNT_ONLY:
                terms_a, terms_b = _account_terms(ra), _account_terms(rb)
                for label in [*terms_a, *(t for t in terms_b if t not in terms_a)]:
                    (i, va), (_, vb) = terms_a.get(label, (None, None)), terms_b.get(label, (None, None))
                    if not _same(va, vb):
                        count += 1
                        if not first:
                            where = f"工作表“{name}” " + (f"B{i + 1}" if i is not None else "") + f"({label})"
                            first = f"{where}: 报表中为 {_show(va)},重新计算为 {_show(vb)}"
                continue
            for i in range(max(len(ra), len(rb))):
                row_a = ra[i] if i < len(ra) else []
                row_b = rb[i] if i < len(rb) else []
                for j in range(max(len(row_a), len(row_b))):
                    va = row_a[j] if j < len(row_a) else None
                    vb = row_b[j] if j < len(row_b) else None
                    if _same(va, vb):
                        continue
                    count += 1
                    if not first:
                        first = _describe(name, ra if i < len(ra) else rb, i, j, va, vb)
        return count, first
    finally:
        a.close()
        b.close()


def _account_terms(rows: list[list]) -> dict[str, tuple[int, Any]]:
    """The row account's terms on a sheet: label (读取行数 …) -> (its row, its value)."""
    from zhijian.engine.accounting import RowAccount

    labels = {label for label, _, _ in RowAccount().rows()}
    return {r[0]: (i, r[1] if len(r) > 1 else None) for i, r in enumerate(rows) if r and r[0] in labels}


def _same(a: Any, b: Any) -> bool:
    # An empty text cell and no cell look the same; a spreadsheet program saving the report (Excel,
    # LibreOffice, openpyxl) may drop the one for the other.
    a, b = (None if v == "" else v for v in (a, b))
    if isinstance(a, float) and isinstance(b, (int, float)) or isinstance(b, float) and isinstance(a, (int, float)):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
    return a == b


def _describe(sheet: str, rows: list[list], i: int, j: int, old: Any, new: Any) -> str:
    from openpyxl.utils import get_column_letter

    label = rows[i][0] if rows[i] and j > 0 and isinstance(rows[i][0], (str, dt.date)) else None
    header = None
    for k in range(i - 1, -1, -1):  # the nearest text above in the same column: its header
        v = rows[k][j] if j < len(rows[k]) else None
        if isinstance(v, str) and v:
            header = v
            break
    what = "、".join(str(x) for x in (label, header) if x)
    where = f"工作表“{sheet}” {get_column_letter(j + 1)}{i + 1}" + (f"({what})" if what else "")
    return f"{where}: 报表中为 {_show(old)},重新计算为 {_show(new)}"


def _show(v: Any) -> str:
    if v is None:
        return "空"
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)
