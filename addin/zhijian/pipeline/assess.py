"""`zhijian assess`: the month's 综合考核表 — 质检得分 (each agent's 月度评分, from sheets or the
history store) with the KPI sheet's columns, by an assessment configuration (engine.composite)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from zhijian.engine.analysis import analyse
from zhijian.engine.appeals import AppealPolicy
from zhijian.engine.ledger import agent_scores, ledger_for
from zhijian.engine.composite import Assessment, KpiRows, assess, merged_kpi, read_kpi_sheet
from zhijian.engine.loaded import Loaded
from zhijian.engine.periods import parse_period
from zhijian.engine.rubric import Rubric
from zhijian.errors import InputFileError
from zhijian.files.assessment_config import load_assessment_config
from zhijian.files.guard import guard_outputs
from zhijian.files.provenance import Provenance, file_sha256
from zhijian.files.workbooks import read_grids

from .jobs import check_readable
from .load import load_calls


@dataclass
class AssessResult:
    assessment: Assessment
    provenance: Provenance
    notes: list[str] = field(default_factory=list)
    output: Path | None = None
    store: Path | None = None  # the history store read and written: never an output


def month_scores(rubric: Rubric, loaded: Loaded, month: str) -> dict[str, tuple[str, str, float]]:
    """agent id -> (name, team, 月度评分) of the month: the engine's per-agent mean, as the 质检月报;
    on a ledger rubric the agent's ledger for the month (a call has no score to average)."""
    period = parse_period(month)
    sel = loaded.select(period)
    a = analyse(rubric, sel.calls, account=sel.account, inspectors=False)
    a.ledger = ledger_for(rubric, loaded, period)
    scores = agent_scores(a)
    teams = dict(zip(a.counted["agent_id"].astype(str), a.counted["team"].astype(str))) if len(a.counted) else {}
    return {str(aid): (name, teams.get(str(aid), ""), scores.get(str(aid))) for (aid, name), _ in a.by_agent}


def read_kpi(path: Path, config, month: str) -> KpiRows:
    """The month's rows of every sheet of the KPI workbook with a KPI header (engine.composite.merged_kpi)."""
    reads = [read_kpi_sheet(grid, config, month) for grid in read_grids(Path(path))]
    if not reads:
        raise InputFileError(f"KPI 表 {path} 中没有工作表")
    return merged_kpi(reads)


def assess_month(rubric: Rubric, config_path: str | Path, kpi_path: str | Path, month: str,
                 inputs: list[str] | None = None, *, store: Path | None = None, appeals=None,
                 policy: AppealPolicy = AppealPolicy(), rubric_source: str | None = None, other_rubrics=(),
                 progress=None, on_files=None, output: Path | None = None) -> AssessResult:
    """The 综合考核表 of `month` ("2026-10"). `output`, when already known, is refused before any
    reading if it is a file read (or the store)."""
    config = load_assessment_config(config_path)
    if not Path(kpi_path).is_file():
        raise InputFileError(f"找不到 KPI 表: {kpi_path}")
    reads = {"评分标准": [rubric.path], "考核配置文件": [config_path], "KPI 表": [kpi_path]}
    guard_outputs([output], reads, store=store)
    if inputs:
        loaded = load_calls(rubric, inputs, other_rubrics=other_rubrics, progress=progress, on_files=on_files,
                            appeals=appeals, policy=policy, store=store, command="assess", outputs=[output],
                            reads=reads)
        check_readable(loaded)
        prov = Provenance.of("assess", rubric, rubric_source or rubric.id, loaded.files, appeals=appeals)
    else:
        if store is None:
            raise InputFileError("没有指定评分表,也没有配置历史库: 请给出评分表,或用 --store 指定历史库")
        from zhijian.files.store import Store
        from zhijian.files.store_query import load_period

        with Store(store, read_only=True) as s:
            stored = load_period(s, rubric, parse_period(month), lean=True)
        loaded = stored.loaded
        prov = Provenance.of("assess", rubric, rubric_source or rubric.id, [])
        prov.inputs = stored.inputs
        from .history import stored_appeals
        stored_appeals(prov, stored.appeals)
    kpi = read_kpi(Path(kpi_path), config, month)
    result = assess(config, month, month_scores(rubric, loaded, month), kpi)
    prov.options = {**prov.options, "month": month, "config": os.path.abspath(config_path), "config_hash": config.content_hash,
                    "kpi": os.path.abspath(kpi_path), "kpi_sha256": file_sha256(kpi_path),
                    **({"source": "history_store", "store": str(store)} if not inputs else {})}
    return AssessResult(result, prov, [*loaded.notes, *kpi.notes], store=store)


def write_assessment(result: AssessResult, output: Path) -> Path:
    from zhijian.reports.assessment_workbook import write_assessment_workbook

    from .jobs import guard_report

    guard_report(result, Path(output))
    result.output = write_assessment_workbook(result.assessment, Path(output), provenance=result.provenance)
    return result.output
