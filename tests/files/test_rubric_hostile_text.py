"""A rubric's words as a hostile or careless lead writes them: YAML escapes that make characters
no workbook can hold, ids that are no file name, keys that are no text, levels written twice.
Each is refused by `rubric check` at its line (exit 2), never an internal error or a 评分表 that
Excel finds damaged."""

from __future__ import annotations

import pytest

from test_rubric_attacks import BASE
from test_rubric_loading import assert_one_problem, edit, line_of, refused

from zhijian.files.rubrics import parse_rubric

ITEM = "{name: 开场问候, max: 10}"


@pytest.mark.parametrize("written, shown", [
    (r'"开场\x07问候"', "U+0007"),   # a bell: the template's XML was damaged (Excel repairs it)
    (r'"开场\0问候"', "U+0000"),
    (r'"开场\ud800"', "U+D800"),     # a lone surrogate: `rubric check` was 内部错误, exit 3
    (r'"开场\uffff问候"', "U+FFFF"),
    (r'"开场\u200b问候"', "U+200B"),  # invisible: a sheet's 开场问候 no longer matches the item
    (r'"开场\u202e问候"', "U+202E"),  # turns the text around on screen
])
def test_a_character_no_sheet_can_hold_is_refused_at_its_line(written, shown):
    text = edit(BASE, ITEM, f"{{name: {written}, max: 10}}")
    assert_one_problem(refused(text), line_of(text, written), shown, "不可见")


def test_the_same_character_pasted_into_a_title_or_a_label_is_refused_too():
    text = edit(BASE, "name: 测试表", 'name: "测试\\udc80表"')
    assert_one_problem(refused(text), 2, "U+DC80")
    text = edit(BASE, ITEM, '{name: 开场问候, max: 10, levels: [10, 0], labels: {"\\ud800": 10, 差: 0}}')
    assert_one_problem(refused(text), line_of(text, "labels"), "U+D800")
    text = "\n".join([BASE.rstrip("\n"), "assumptions:", "  - 第一条", "  - \"第二\u200b条\"", ""])
    assert_one_problem(refused(text), line_of(text, "第二"), "U+200B")


def test_tabs_newlines_and_a_leading_bom_still_load():
    text = edit(BASE, ITEM, r'{name: "开场\t问候", max: 10}')
    assert parse_rubric("\ufeff" + text.replace("\n", "\r\n"), "t.yaml").items[0].name == "开场\t问候"


@pytest.mark.parametrize("written", ['""', '"../../评分表"', '"a/b"', '"a\\\\b"', '"a:b"', '"x*"', '" t40"', '"."'])
def test_an_id_that_is_no_file_name_is_refused(written):
    # The ribbon's 新建评分表 writes “{id}-{date}.xlsx” beside the workbook: ../../ wrote it two
    # folders up, a/b failed with no such folder, and an empty id was “-20240618.xlsx”.
    text = edit(BASE, "id: t40", f"id: {written}")
    assert_one_problem(refused(text), 1, "id")


def test_ids_of_the_shipped_forms_still_load():
    for written in ("qc-v3.1", "form_seed004", "客服-2024.1"):
        assert parse_rubric(edit(BASE, "id: t40", f"id: {written}"), "t.yaml").id == written


@pytest.mark.parametrize("key", ["1", "~", "true"])
def test_a_key_that_is_no_text_is_said_in_chinese(key):
    text = BASE + f"{key}: 2\n"
    msg = assert_one_problem(refused(text), line_of(text, f"{key}: 2"), "键")
    assert "Keys should be" not in msg


def test_a_level_written_twice_is_refused_at_the_second():
    # [10, 10, 0]: the dropdown listed 10 twice (a typo for 10/5/0?), 说明 said 10/10/0
    text = edit(BASE, ITEM, "{name: 开场问候, max: 10,\n         levels: [10, 10, 0]}")
    assert_one_problem(refused(text), line_of(text, "levels"), "开场问候", "10", "重复")


def test_field_aliases_of_a_field_the_sheet_has_not_are_refused():
    # {日期: [...]} or {data: [...]}: the words were never used, without a word
    text = BASE + "field_aliases:\n  date: [检查日期]\n  data: [录音日期]\n"
    assert_one_problem(refused(text), line_of(text, "data:"), "data", "date")
    assert parse_rubric(BASE + "field_aliases:\n  date: [检查日期]\n", "t.yaml").field_aliases == {"date": ["检查日期"]}


@pytest.mark.parametrize("word", ["=好", "+好", "-差", "@好"])
def test_a_cell_word_that_excel_takes_for_a_formula_is_refused(word):
    # The dropdown listed "=好"; typed or picked in a cell Excel reads it as a formula (#NAME?),
    # so the word could never be read back as the level it names.
    text = edit(BASE, ITEM, f'{{name: 开场问候, max: 10, levels: [10, 0],\n         labels: {{"{word}": 10, 中: 0}}}}')
    assert_one_problem(refused(text), line_of(text, "labels"), word, "公式")
    text = BASE + f'pass_words: ["{word}"]\n'
    assert_one_problem(refused(text), line_of(text, "pass_words"), word, "公式")


def test_item_names_that_look_like_formulas_are_headers_as_written(tmp_path):
    # A name is a header (write_string), never a formula, in the 评分表 and in 说明.
    import openpyxl

    from zhijian.reports.template import write_template

    names = ["=1+1", "+SUM(A1:A3)", "-开场", "@需求"]
    text = BASE
    for old, new in zip(("开场问候", "需求理解", "解决问题", "结束礼仪"), names):
        text = edit(text, f"{{name: {old}, max: 10}}", f'{{name: "{new}", max: 10}}')
    text = edit(text, "  - name: 服务\n", '  - name: "=HYPERLINK(\\"http://x\\",\\"点我\\")"\n')
    rubric = parse_rubric(text, "t.yaml")
    wb = openpyxl.load_workbook(write_template(rubric, tmp_path / "t.xlsx", rows=3))
    formulas = [c.value for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert len(formulas) == 3 and all(f.startswith("=IF(COUNTA(") for f in formulas), formulas
    texts = {c.value for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "s"}
    assert {f"{n}(10分)" for n in names} <= texts and rubric.categories[0].name in texts


@pytest.mark.parametrize("written, read", [("010", "8"), ("0x10", "16"), ("0b1010", "10"), ("1:30", "90")])
def test_a_number_yaml_reads_otherwise_than_it_looks_is_refused(written, read):
    # YAML 1.1: 010 is octal 8, 0x10 is 16, 1:30 is 90 (base 60): max: 010 made an item of 8 points
    text = edit(BASE, ITEM, f"{{name: 开场问候, max: {written}}}")
    msg = assert_one_problem(refused(text), line_of(text, "开场问候"), written, read)
    assert "引号" in msg


def test_numbers_written_plainly_still_load():
    text = edit(BASE, ITEM, "{name: 开场问候, max: 1_0, levels: [10, 05, 00, 2.5e+0]}")
    assert parse_rubric(text, "t.yaml").items[0].levels == [10, 5, 0, 2.5]


def _wide(n: int) -> str:
    items = "".join(f"      - {{name: 第{k}项, max: 1}}\n" for k in range(n))
    return (f'id: wide\nname: 宽表\nversion: "1"\nmarks: {{full: {n}, good: {n * 0.8:g}, pass: {n * 0.6:g}}}\n'
            f"analysis: {{bin_width: 1}}\ncategories:\n  - name: 服务\n    items:\n{items}")


def test_a_rubric_of_more_columns_than_a_sheet_can_be_read_in_is_refused_at_once():
    # 17,000 items: the template had 16,384 columns (Excel's last, XFD) and lost the rest without
    # a word; `rubric check` took 10 s. The limit leaves 2,000 calls a sheet under the reader's
    # 2,000,000 values.
    from zhijian.engine.columns import column_specs
    from zhijian.engine.rubric_check import MAX_COLUMNS

    import time

    fields = len(column_specs(parse_rubric(_wide(10), "t.yaml"))) - 10
    start = time.perf_counter()
    text = _wide(MAX_COLUMNS - fields + 1)
    assert_one_problem(refused(text), line_of(text, "categories:"), f"{MAX_COLUMNS + 1}", f"{MAX_COLUMNS:,}")
    assert time.perf_counter() - start < 5
    assert len(column_specs(parse_rubric(_wide(MAX_COLUMNS - fields), "t.yaml"))) == MAX_COLUMNS


@pytest.mark.parametrize("written", ['""', '"  "', '"' + "9" * 65 + '"'])
def test_an_empty_or_endless_version_is_refused(written):
    # v + 300 digits in every title, and in the 评分表's document properties past Excel's 255
    text = edit(BASE, 'version: "1"', f"version: {written}")
    assert_one_problem(refused(text), 3, "version")


def test_an_assumption_longer_than_a_cell_of_its_notes_is_refused():
    # 40,000 characters: 说明 showed the first 32,767 (Excel's most) without a word
    text = BASE + "assumptions:\n  - 短的一条\n  - \"" + "长" * 40_000 + "\"\n"
    assert_one_problem(refused(text), line_of(text, "长长长"), "40,000", "5,000")
    assert parse_rubric(BASE + "assumptions:\n  - \"" + "长" * 5_000 + "\"\n", "t.yaml").assumptions


@pytest.mark.parametrize("written, shown", [("1.0", "1.0"), ("2024-06-01", "2024-06-01"), ("3", "3")])
def test_a_version_yaml_reads_as_a_number_or_a_date_says_to_quote_it(written, shown):
    # version: 1.0 is the number 1.0 to YAML: "应为文字(值: datetime.date(2024, 6, 1))" did not say why
    text = edit(BASE, 'version: "1"', f"version: {written}")
    msg = assert_one_problem(refused(text), 3, "引号", shown)
    assert "datetime" not in msg


@pytest.mark.parametrize("head", [b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"])
def test_a_workbook_given_as_the_rubric_is_named_as_one(tmp_path, head):
    # --rubric 评分表.xlsx said "not UTF-8 … save it as UTF-8 in an editor"
    from zhijian.errors import RubricError
    from zhijian.files.rubrics import load_rubric

    p = tmp_path / "评分表.xlsx"
    p.write_bytes(head + bytes(range(256)) * 4)
    with pytest.raises(RubricError) as exc:
        load_rubric(p)
    msg = str(exc.value)
    assert msg.startswith(f"评分标准文件错误 {p}: ") and "工作簿" in msg and "另存为" not in msg, msg


def test_a_bundled_rubric_written_as_a_missing_file_says_its_name(tmp_path, monkeypatch):
    # --rubric listening-10x4.yaml outside the source tree: only 找不到评分标准文件
    from zhijian.errors import RubricError
    from zhijian.files.rubrics import load_rubric

    monkeypatch.chdir(tmp_path)
    with pytest.raises(RubricError) as exc:
        load_rubric("listening-10x4.yaml")
    assert "找不到评分标准文件" in str(exc.value) and "只写名称即可,如 listening-10x4" in str(exc.value), str(exc.value)
    with pytest.raises(RubricError) as exc:
        load_rubric("我的表.yaml")
    assert "内置" not in str(exc.value)
