"""Excel add-in zhijian_monthly.xlam (质检 → 汇总 → 月报): its button runs
`import zhijian_monthly; zhijian_monthly.main()` (see macros/ribbon.yaml)."""


def main():
    from zhijian.excel import ribbon
    ribbon.monthly()
