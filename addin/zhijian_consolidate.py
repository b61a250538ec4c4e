"""Excel add-in zhijian_consolidate.xlam (质检 → 汇总 → 汇总分析): its button runs
`import zhijian_consolidate; zhijian_consolidate.main()` (see macros/ribbon.yaml)."""


def main():
    from zhijian.excel import ribbon
    ribbon.consolidate()
