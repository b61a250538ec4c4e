"""Excel add-in zhijian_rubric.xlam (质检 → 设置 → 评分标准): its button runs
`import zhijian_rubric; zhijian_rubric.main()` (see macros/ribbon.yaml)."""


def main():
    from zhijian.excel import ribbon
    ribbon.rubric()
