"""Assessment configurations are checked like rubrics: every problem with its line."""

import pytest

from zhijian.files.assessment_config import EXAMPLE, AssessmentConfigError, parse_assessment_config

BAD = """\
name: 考核
components:
  - {name: 质检得分, source: quality, weight: 40}
  - name: 满意度
    weight: 30
    normalise: {method: linear, floor: 0.9, target: 0.9}
  - name: 投诉次数
    weight: 20
    normalise: {method: lookup}
grades:
  - {name: 优秀, min: 90, coefficient: 1.2}
  - {name: 良好, min: 80}
"""


def test_the_example_loads():
    config = parse_assessment_config(EXAMPLE)
    assert sum(c.weight for c in config.components) == 100 and config.has_coefficients


def test_every_problem_is_reported_with_its_line():
    with pytest.raises(AssessmentConfigError) as e:
        parse_assessment_config(BAD, "考核.yaml")
    assert e.value.lines() == [
        "考核配置文件错误 考核.yaml:6: “满意度”的 floor 与 target 不能相等",
        "考核配置文件错误 考核.yaml:9: “投诉次数”的查表换算需要 table",
        "考核配置文件错误 考核.yaml:2: 各组成项权重之和为 90,应为 100",
        "考核配置文件错误 考核.yaml:10: 部分等级有 coefficient(绩效系数)、部分没有: 要么都写,要么都不写",
    ]
    with pytest.raises(AssessmentConfigError, match=r"考核.yaml:3: components\[0\].wieght"):
        parse_assessment_config(BAD.replace("weight: 40", "wieght: 40"), "考核.yaml")
