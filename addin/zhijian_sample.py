"""Excel add-in zhijian_sample.xlam (质检 → 评分表 → 抽检计划): its button runs
`import zhijian_sample; zhijian_sample.main()` (see macros/ribbon.yaml)."""


def main():
    from zhijian.excel import ribbon
    ribbon.sample()
