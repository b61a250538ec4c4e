"""An Indonesian pass/fail scorecard with zero-tolerance items (tests/forms/id_scorecard/rubric.yaml).

The form's rule: each item typed Ya earns its points, Tidak none, N/A counts as done; the nine
items total 10 + 5 + 10 + 15 + 20 + 10 + 10 + 10 + 10 = 100. A zero-tolerance question answered
Ya (it happened) makes the call 0, whatever its items. Grades: Sangat Baik ≥ 90, Baik ≥ 80,
Cukup ≥ 70, Kurang below.

The team's sheet (one row per call, header in row 1): Tanggal, ID Panggilan, ID Agen, Nama Agen,
Penilai, the nine items, the three zero-tolerance questions, Skor Akhir (the team's own total).
"""

from __future__ import annotations

import datetime as dt

import pytest

from formkit import by_recording, form_rubric, run_form
from sheetkit import SheetSpec, write_xlsx

ITEMS = ["Salam pembuka", "Menyebutkan nama", "Verifikasi data pelanggan", "Mendengarkan aktif",
         "Solusi tepat", "Empati", "Bahasa sopan", "Menawarkan bantuan lain", "Salam penutup"]
ZERO_TOLERANCE = ["Berkata kasar kepada pelanggan", "Membocorkan data pelanggan", "Menutup telepon sepihak"]
HEADER = ["Tanggal", "ID Panggilan", "ID Agen", "Nama Agen", "Penilai", *ITEMS,
          *ZERO_TOLERANCE, "Skor Akhir"]
D2, D3, D4 = dt.date(2026, 11, 2), dt.date(2026, 11, 3), dt.date(2026, 11, 4)
AGENTS = {"A01": "Sari", "A02": "Budi"}


def row(day, call_id, agent, tidak=(), na=(), happened=(), total=None):
    """Every item Ya except those in `tidak` (Tidak) and `na` (N/A); the zero-tolerance
    questions Tidak except `happened` (Ya)."""
    items = ["N/A" if i in na else "Tidak" if i in tidak else "Ya" for i in ITEMS]
    zt = ["Ya" if q in happened else "Tidak" for q in ZERO_TOLERANCE]
    return [day, call_id, agent, AGENTS[agent], "Dewi", *items, *zt, total]


CALLS = [
    # all Ya: 100
    row(D2, "ID-001", "A01", total=100),
    # Verifikasi data pelanggan Tidak (−10), Empati Tidak (−10): 80
    row(D2, "ID-002", "A02", tidak=["Verifikasi data pelanggan", "Empati"], total=80),
    # all Ya, but the agent spoke rudely (zero tolerance Ya): 0
    row(D3, "ID-003", "A01", happened=["Berkata kasar kepada pelanggan"], total=0),
    # Solusi tepat Tidak (−20), Salam penutup Tidak (−10): 70
    row(D3, "ID-004", "A02", tidak=["Solusi tepat", "Salam penutup"], total=70),
    # Menyebutkan nama N/A (counts 5), Mendengarkan aktif Tidak (−15): 85
    row(D4, "ID-005", "A01", na=["Menyebutkan nama"], tidak=["Mendengarkan aktif"], total=85),
    # Empati Tidak (−10) would give 90, but customer data leaked (zero tolerance Ya): 0
    row(D4, "ID-006", "A02", tidak=["Empati"], happened=["Membocorkan data pelanggan"], total=0),
]
FINALS = {"ID-001": 100, "ID-002": 80, "ID-003": 0, "ID-004": 70, "ID-005": 85, "ID-006": 0}
GRADES = {"ID-001": "Sangat Baik", "ID-002": "Baik", "ID-003": "Kurang", "ID-004": "Cukup",
          "ID-005": "Baik", "ID-006": "Kurang"}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    d = tmp_path_factory.mktemp("id_scorecard")
    sheet = write_xlsx(d / "Penilaian November.xlsx", [SheetSpec("Penilaian", [HEADER, *CALLS])])
    return run_form(form_rubric("id_scorecard"), sheet, D2, d, rows_read=6)


def test_every_call_gives_the_teams_total(run):
    assert run.findings == []  # Ya/Tidak/N/A all read; every team total agrees
    assert by_recording(run.calls) == FINALS
    assert by_recording(run.calls, "recorded_total") == FINALS
    assert by_recording(run.calls, "grade") == GRADES


def test_ya_and_tidak_are_the_items_points(run):
    calls = run.calls.set_index("recording_id")
    assert calls.loc["ID-002", "points:Verifikasi data pelanggan"] == 0
    assert calls.loc["ID-002", "points:Salam pembuka"] == 10
    assert calls.loc["ID-005", "points:Menyebutkan nama"] == 5  # N/A: counted as done
    # a zeroed call keeps its items: ID-006 has 90 points of items and a final score of 0
    assert sum(calls.loc["ID-006", f"points:{i}"] for i in ITEMS) == 90


def test_the_consolidated_figures_follow_from_the_totals(run):
    f = run.figures
    assert f["n"] == 6
    assert f["mean_score"] == round((100 + 80 + 0 + 70 + 85 + 0) / 6, 6)  # 335 / 6 = 55.833333
    assert f["excellent_rate"] == round(1 / 6, 6)       # 100
    assert f["slight_defect_rate"] == round(1 / 6, 6)   # 85 ≤ s < 90: 85
    assert f["general_defect_rate"] == round(1 / 6, 6)  # 80 ≤ s < 85: 80
    assert f["below_80_rate"] == 0.5                    # 0, 70, 0
    # 不良 = an item below its points (N/A never): Empati twice, four items once, over 6 calls;
    # the zero-tolerance calls' items count as typed.
    defects = {i["item"]: i["defect_count"] for i in f["items"]}
    assert defects == {"Salam pembuka": 0, "Menyebutkan nama": 0, "Verifikasi data pelanggan": 1,
                       "Mendengarkan aktif": 1, "Solusi tepat": 1, "Empati": 2, "Bahasa sopan": 0,
                       "Menawarkan bantuan lain": 0, "Salam penutup": 1}
    assert f["mean_defect_rate"] == round(6 / (6 * 9), 6)  # mean of the nine rates: 0.111111


def test_per_agent(run):
    agents = {aid: fig.mean_score for (aid, _), fig in run.result.analysis.by_agent}
    assert agents == {"A01": pytest.approx((100 + 0 + 85) / 3), "A02": pytest.approx((80 + 70 + 0) / 3)}
