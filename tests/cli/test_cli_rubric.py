"""The rubric commands as a user runs them: exit codes and the exact one-line messages."""

import json
from pathlib import Path

from click.testing import CliRunner

from zhijian.cli.main import cli

RUBRICS = Path(__file__).resolve().parents[2] / "rubrics"


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_check_a_shipped_rubric():
    r = run("rubric", "check", str(RUBRICS / "listening-10x4.yaml"))
    assert r.exit_code == 0
    assert r.output.strip() == "评分标准《质检监听评分表》(listening-10x4 v1.0) 检查通过: 10 个评分项,满分 100"


def test_check_json():
    r = run("rubric", "check", str(RUBRICS / "deduction-base100.yaml"), "--json")
    data = json.loads(r.output)
    assert r.exit_code == 0
    assert data["ok"] is True and data["offences"] == 17 and len(data["content_hash"]) == 64
    assert data["ledger"] is True  # seed 004: the base is the agent's for the month


def test_check_says_how_an_escalating_ledger_scores():
    r = run("rubric", "check", str(RUBRICS.parent / "tests" / "forms" / "chat_escalation" / "rubric.yaml"))
    assert r.exit_code == 0
    assert ("按坐席按月扣分: 每名坐席每月基准分 100,本月每发生一次扣一次,最低 0 分;"
            "90 天内第 1…4 次分别扣 20/30/40/50 分,之后每次扣 50 分") in r.output


def test_broken_rubric_is_one_chinese_line_with_file_and_line_and_exit_2(tmp_path):
    text = (RUBRICS / "listening-10x4.yaml").read_text(encoding="utf-8")
    text = text.replace("scale: 2 ", "scale: 3 ")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    line = next(i + 1 for i, s in enumerate(text.splitlines()) if s.startswith("scale:"))
    r = run("rubric", "check", str(bad))
    assert r.exit_code == 2
    assert r.output.strip() == (f"评分标准文件错误 {bad}:{line}: 权重不合计: scale 3 × 评分项满分之和 50 = 150,"
                                f"不等于满分 100")


def test_two_names_a_header_cannot_tell_apart_are_refused_at_the_second(tmp_path):
    """A full-width space, a space inside, full-width letters: the reader compares headers
    without them, so the template's two columns would read as one and no sheet could be read
    ("找不到评分项列"). The check said 检查通过."""
    text = (RUBRICS.parent / "tests" / "forms" / "newcomer_50" / "rubric.yaml").read_text(encoding="utf-8")
    line = next(i + 1 for i, s in enumerate(text.splitlines()) if "name: 沟通表达评价" in s)
    for first, second in (("服务态度评价", "服务态度评价\u3000"), ("服务态度评价", "服务 态度评价"),
                          ("Service", "ｓｅｒｖｉｃｅ")):
        bad = tmp_path / "twin.yaml"
        bad.write_text(text.replace("name: 服务态度评价", f'name: "{first}"')
                       .replace("name: 沟通表达评价", f'name: "{second}"'), encoding="utf-8")
        r = run("rubric", "check", str(bad))
        assert r.exit_code == 2, r.output
        assert r.output.strip() == (f"评分标准文件错误 {bad}:{line}: 名称“{second}”与评分项“{first}”只差空格、"
                                    "全角/半角或大小写,评分表的表头无法区分这两列(读表时按同一个名称对应);请改成明显不同的名称")


def test_a_name_too_long_for_a_header_is_refused_at_its_line(tmp_path):
    """40,000 characters passed the check; the template's header then lost it and its own
    template could not be read."""
    text = (RUBRICS.parent / "tests" / "forms" / "newcomer_50" / "rubric.yaml").read_text(encoding="utf-8")
    line = next(i + 1 for i, s in enumerate(text.splitlines()) if "name: 沟通表达评价" in s)
    bad = tmp_path / "long.yaml"
    bad.write_text(text.replace("name: 沟通表达评价", "name: " + "沟" * 101), encoding="utf-8")
    r = run("rubric", "check", str(bad))
    assert r.exit_code == 2
    assert r.output.strip() == (f"评分标准文件错误 {bad}:{line}: 名称“{'沟' * 20}…”太长(101 个字符);"
                                "类别和评分项的名称是评分表的表头,最多 100 个字符,说明请写在 points(评分点)里")
    bad.write_text(text.replace("name: 沟通表达评价", "name: " + "沟" * 100), encoding="utf-8")
    assert run("rubric", "check", str(bad)).exit_code == 0


def test_yaml_typo_exit_2(tmp_path):
    bad = tmp_path / "typo.yaml"
    bad.write_text("id: x\nname: [unclosed\nversion: '1'\n", encoding="utf-8")
    r = run("rubric", "check", str(bad))
    assert r.exit_code == 2
    assert r.output.startswith(f"评分标准文件错误 {bad}:2: YAML 格式错误")
    assert "Traceback" not in r.output


def test_unknown_rubric_name_lists_the_bundled_ones():
    r = run("rubric", "show", "no-such-rubric")
    assert r.exit_code == 2
    assert "内置的有: deduction-base100、listening-10x4、qc-v3.1" in r.output


def test_show_lists_items_rules_and_assumptions():
    r = run("rubric", "show", "qc-v3.1")
    assert r.exit_code == 0
    for word in ("服务责任", "15/12/10/8/6/4/2/0", "问候语热情、亲切", "出现服务禁语", "整通", "猜测"):
        assert word in r.output, word


def test_show_gives_the_seeds_109_raw_points_and_how_they_become_the_final_score():
    # seed 000: 10 + 8 + 10 + 37 + 30 + 14 = 109 raw points; call score = raw × 100/109
    r = run("rubric", "show", "qc-v3.1")
    out = " ".join(r.output.split())
    for cat in ("规范用语(10)", "礼貌用语(8)", "语音语调语速(10)", "服务意识(37)", "服务专业度(30)", "业务要求(14)"):
        assert cat in out, cat
    assert "整通得分 = 各类别得分之和 × 100/109(评分项满分合计 109 分,109 × 100/109 = 满分 100)" in out
    assert out.count("可超过该项及类别满分,整通不超过满分") == 3  # the three 加一分
    data = json.loads(run("rubric", "show", "qc-v3.1", "--json").output)
    assert data["scale"] == "100/109" and {b["lift"] for b in data["bonuses"]} == {"category"}


def test_show_json_round_trips_the_rubric():
    r = run("rubric", "show", "listening-10x4", "--json")
    data = json.loads(r.output)
    assert [i["name"] for c in data["categories"] for i in c["items"]][:2] == ["开场白及挂机", "服务态度"]
    assert data["scale"] == 2 and data["error_deduction"]["max"] == 10


def test_list():
    r = run("rubric", "list")
    assert r.exit_code == 0
    assert [line.split("\t")[0] for line in r.output.strip().splitlines()] == [
        "deduction-base100", "listening-10x4", "qc-v3.1", "service-ops-weighted"]


def test_list_json():
    data = json.loads(run("rubric", "list", "--json").output)
    assert [d["id"] for d in data] == ["deduction-base100", "listening-10x4", "qc-v3.1", "service-ops-weighted"]


def test_validate_reports_how_it_mapped_the_columns(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["十月评分"])
    ws.append(["日期", "工号", "录音ID", "1、开头白及挂机", "服务态度(5分)", "服务用语", "语速音量", "表达能力",
               "主动推介", "灵活处理", "双向沟通", "聆听能力", "业务能力", "差错", "我们自己的列"])
    path = tmp_path / "s.xlsx"
    wb.save(path)
    r = run("validate", str(path), "--rubric", "listening-10x4", "--mapping")
    assert "表头在第 2 行" in r.output
    for line in ("│ D  │ 1、开头白及挂机", "评分项 开场白及挂机", "│ N  │ 差错", "差错扣分", "我们自己的列", "未使用(保留)"):
        assert line in r.output, line
    data = json.loads(run("validate", str(path), "--rubric", "listening-10x4", "--mapping", "--json").output)
    [sheet] = data["sheets"]
    assert sheet["header_row"] == 2 and sheet["columns"]["开场白及挂机"] == "D"
    assert sheet["columns"]["error_deduction"] == "N" and sheet["extra_columns"] == {"O": "我们自己的列"}


def test_score_a_simple_csv_of_item_scores(tmp_path):
    # No 日期/工号/录音编号 columns: scoring needs only the items (validation still asks for them).
    path = tmp_path / "simple.csv"
    path.write_text("开场白及挂机,服务态度,服务用语,语速音量,表达能力,主动推介,灵活处理,双向沟通,聆听能力,业务能力,差错扣分\n"
                    "5,5,5,5,4,5,5,5,5,3,2\n"            # 2 × (8 × 5 + 4 + 3) = 94, − 差错扣分 2 = 92
                    "５,5分,不涉及,5,5,5,5,5,5,5,\n",    # full-width, "5分", N/A = 5: 100
                    encoding="utf-8")
    data = json.loads(run("score", str(path), "--rubric", "listening-10x4", "--json").output)
    assert [c["final_score"] for c in data["calls"]] == [92, 100]
    r = run("validate", str(path), "--rubric", "listening-10x4")
    assert r.exit_code == 1 and "找不到必填列: 日期、坐席工号、录音编号" in r.output
