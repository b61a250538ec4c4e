"""A Russian pass/violation checklist graded by three graders (tests/forms/ru_checklist/rubric.yaml).

The form's rule: each criterion marked √ earns its points, × (a violation) none; the six criteria
total 10 + 20 + 30 + 15 + 10 + 15 = 100. Grades: Отлично ≥ 90, Хорошо ≥ 80, Удовлетворительно ≥ 60.

The team's workbook: one sheet per grader (Иванова, Петров, Сидорова), header in row 1: Дата,
ID звонка, Табельный номер, Оператор, Оценщик, the six criteria, Итого. K-01 and K-02 are the
calibration calls all three grade; K-03, K-04, K-05 are each grader's own.

Calibration (质检校正), by consensus: each criterion's median over the three graders, i.e. the
majority mark.
  K-01: Иванова 100; Петров × Вежливость: 85; Сидорова 100. Benchmark: Вежливость √ (2 of 3): 100.
        Deviations 0, −15, 0.
  K-02: Иванова × Выявление: 80; Петров × Выявление, × Завершение: 65; Сидорова × Корректность: 70.
        Benchmark: Выявление × (2 of 3), Завершение √, Корректность √: 80. Deviations 0, −15, −10.
  Per grader (一致 = within ±5 of the benchmark; alignment = 1 − Σ|criterion − benchmark| / 100):
    Иванова: mean deviation 0, 一致率 2/2, alignment (1 + 1) / 2 = 1
    Петров: (−15 − 15) / 2 = −15, 0/2, (0.85 + 0.85) / 2 = 0.85
    Сидорова: (0 − 10) / 2 = −5, 1/2, (1 + 0.50) / 2 = 0.75 (on K-02 her Выявление √ is 20 above
              the benchmark's × and her Корректность × 30 below: 1 − 50/100)
Counted once each, calibration calls at their benchmark: 100, 80, 100, 90, 75 (n 5; the 4 other
scorings of K-01 and K-02 are calibration copies).
"""

from __future__ import annotations

import datetime as dt

import pytest

from formkit import form_rubric, run_form
from sheetkit import SheetSpec, write_xlsx

ITEMS = ["Приветствие по стандарту", "Выявление потребности", "Корректность информации", "Вежливость",
         "Без перебиваний", "Завершение разговора"]
HEADER = ["Дата", "ID звонка", "Табельный номер", "Оператор", "Оценщик", *ITEMS, "Итого"]
D9, D10 = dt.date(2026, 11, 9), dt.date(2026, 11, 10)
OPERATORS = {"O1": "Смирнов", "O2": "Кузнецова"}


def row(day, call_id, operator, grader, violations=(), total=None):
    """√ for every criterion except the `violations` (×)."""
    marks = ["×" if i in violations else "√" for i in ITEMS]
    return [day, call_id, operator, OPERATORS[operator], grader, *marks, total]


SHEETS = {
    "Иванова": [
        row(D9, "K-01", "O1", "Иванова", total=100),
        row(D9, "K-02", "O2", "Иванова", ["Выявление потребности"], total=80),          # 100 − 20
        row(D10, "K-03", "O1", "Иванова", total=100),
    ],
    "Петров": [
        row(D9, "K-01", "O1", "Петров", ["Вежливость"], total=85),                       # 100 − 15
        row(D9, "K-02", "O2", "Петров", ["Выявление потребности", "Завершение разговора"], total=65),  # − 20 − 15
        row(D10, "K-04", "O2", "Петров", ["Без перебиваний"], total=90),                 # 100 − 10
    ],
    "Сидорова": [
        row(D9, "K-01", "O1", "Сидорова", total=100),
        row(D9, "K-02", "O2", "Сидорова", ["Корректность информации"], total=70),       # 100 − 30
        row(D10, "K-05", "O1", "Сидорова", ["Вежливость", "Приветствие по стандарту"], total=75),  # − 15 − 10
    ],
}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    d = tmp_path_factory.mktemp("ru_checklist")
    sheet = write_xlsx(d / "Калибровка ноябрь.xlsx", [SheetSpec(n, [HEADER, *rows]) for n, rows in SHEETS.items()])
    return run_form(form_rubric("ru_checklist"), sheet, D9, d, rows_read=9)


def test_every_scoring_gives_the_graders_total(run):
    assert run.findings == []
    got = {(c.inspector, c.recording_id): c.final_score for c in run.calls.itertuples()}
    assert got == {("Иванова", "K-01"): 100, ("Иванова", "K-02"): 80, ("Иванова", "K-03"): 100,
                   ("Петров", "K-01"): 85, ("Петров", "K-02"): 65, ("Петров", "K-04"): 90,
                   ("Сидорова", "K-01"): 100, ("Сидорова", "K-02"): 70, ("Сидорова", "K-05"): 75}
    assert (run.calls["final_score"] == run.calls["recorded_total"]).all()


def test_the_benchmarks_are_the_majority_marks(run):
    b = run.result.analysis.calibration.benchmark_calls.set_index("recording_id")
    assert b["final_score"].to_dict() == {"K-01": 100, "K-02": 80}
    assert b.loc["K-01", "points:Вежливость"] == 15
    assert (b.loc["K-02", "points:Выявление потребности"], b.loc["K-02", "points:Завершение разговора"],
            b.loc["K-02", "points:Корректность информации"]) == (0, 15, 30)


def test_each_graders_calibration(run):
    per = run.result.analysis.calibration.per_inspector.set_index("质检员")
    assert per["校正通数"].to_dict() == {"Иванова": 2, "Петров": 2, "Сидорова": 2}
    assert per["平均偏差"].to_dict() == {"Иванова": 0, "Петров": -15, "Сидорова": -5}
    assert per["一致率"].to_dict() == {"Иванова": 1, "Петров": 0, "Сидорова": 0.5}
    assert per["对齐分"].to_dict() == pytest.approx({"Иванова": 1, "Петров": 0.85, "Сидорова": 0.75})


def test_the_consolidated_figures_count_each_call_once(run):
    f = run.figures
    acc = run.result.analysis.account
    assert (acc.rows_read, acc.counted, acc.calibration_copies) == (9, 5, 4)
    assert f["n"] == 5
    assert f["mean_score"] == (100 + 80 + 100 + 90 + 75) / 5   # 89
    assert f["excellent_rate"] == 0.6                            # 100, 100, 90
    assert f["slight_defect_rate"] == 0                          # nothing in 85 ≤ s < 90
    assert f["general_defect_rate"] == 0.2                       # 80
    assert f["below_80_rate"] == 0.2                             # 75
    # 不良 on the counted calls (K-02 at its benchmark): Выявление (K-02), Без перебиваний (K-04),
    # Вежливость and Приветствие (K-05): 4 of 5 × 6 = 30 marks
    defects = {i["item"]: i["defect_count"] for i in f["items"]}
    assert defects == {"Приветствие по стандарту": 1, "Выявление потребности": 1, "Корректность информации": 0,
                       "Вежливость": 1, "Без перебиваний": 1, "Завершение разговора": 0}
    assert f["mean_defect_rate"] == round(4 / 30, 6)


def test_graders_are_judged_on_their_own_scorings(run):
    # calibration copies included: Иванова 100, 80, 100; Петров 85, 65, 90; Сидорова 100, 70, 75
    means = {i: fig.mean_score for i, fig in run.result.analysis.by_inspector}
    assert means == pytest.approx({"Иванова": 280 / 3, "Петров": 80, "Сидорова": 245 / 3})
