"""Loading an assessment configuration (综合考核配置, YAML): parsed and checked like a rubric, every
problem reported with the file and line it comes from; a configuration with any problem never
loads."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import ValidationError

from zhijian.engine.composite import AssessmentConfig, config_problems
from zhijian.errors import FileProblemsError

from .yamldoc import line_for, read_mapping, validation_problems


class AssessmentConfigError(FileProblemsError):
    """An assessment configuration that cannot be used."""

    label = "考核配置文件错误"


def parse_assessment_config(text: str, file: str = "<assessment>") -> AssessmentConfig:
    data, lines = read_mapping(text, file, AssessmentConfigError)
    try:
        config = AssessmentConfig.model_validate(data)
    except ValidationError as e:
        raise AssessmentConfigError(validation_problems(e, lines, file, model=AssessmentConfig)) from None
    problems = [(file, line_for(lines, p), m) for p, m in config_problems(config)]
    if problems:
        raise AssessmentConfigError(problems)
    return config.model_copy(update={"content_hash": hashlib.sha256(text.encode("utf-8")).hexdigest()})


def load_assessment_config(path: str | Path) -> AssessmentConfig:
    p = Path(path)
    if not p.is_file():
        raise AssessmentConfigError([(str(p), None, "找不到考核配置文件")])
    from .yamldoc import read_text

    return parse_assessment_config(read_text(p, AssessmentConfigError), str(p))


EXAMPLE = """\
# 综合考核配置(seed 002 客服中心服务质量考核制度): 各组成项、权重(合计 100)、换算为百分制的方法、等级与绩效系数。
name: 客服代表月度综合考核
version: "1.0"
components:
  - name: 质检得分          # 坐席当月的月度评分(与质检月报相同)
    source: quality
    weight: 40
  - name: 满意度            # KPI 表的列名;95% 或 0.95 都按 0.95 读
    weight: 20
    normalise: {method: linear, floor: 0.80, target: 0.98}
  - name: 首次解决率
    weight: 15
    normalise: {method: linear, floor: 0.60, target: 0.90}
  - name: 投诉次数          # 越少越好: 查表
    weight: 10
    normalise:
      method: lookup
      table:
        - {max: 0, score: 100}
        - {min: 1, max: 1, score: 80}
        - {min: 2, max: 2, score: 60}
        - {min: 3, score: 0}
  - name: 工单检查得分      # 已是百分制
    weight: 10
  - name: 神秘顾客得分
    weight: 5
grades:
  - {name: 优秀, min: 90, coefficient: 1.2}
  - {name: 良好, min: 80, coefficient: 1.0}
  - {name: 合格, min: 70, coefficient: 0.9}
  - {name: 待改进, min: 0, coefficient: 0.8}
"""
