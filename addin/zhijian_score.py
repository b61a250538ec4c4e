"""Excel add-in zhijian_score.xlam (质检 → 评分表 → 计算总分): its button runs
`import zhijian_score; zhijian_score.main()` (see macros/ribbon.yaml)."""


def main():
    from zhijian.excel import ribbon
    ribbon.score()
