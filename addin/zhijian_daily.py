"""Excel add-in zhijian_daily.xlam (质检 → 汇总 → 日报): its button runs
`import zhijian_daily; zhijian_daily.main()` (see macros/ribbon.yaml)."""


def main():
    from zhijian.excel import ribbon
    ribbon.daily()
