"""Excel add-in zhijian_weekly.xlam (质检 → 汇总 → 周报): its button runs
`import zhijian_weekly; zhijian_weekly.main()` (see macros/ribbon.yaml)."""


def main():
    from zhijian.excel import ribbon
    ribbon.weekly()
