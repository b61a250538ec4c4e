"""Excel add-in zhijian_template.xlam (质检 → 评分表 → 新建评分表): its button runs
`import zhijian_template; zhijian_template.main()` (see macros/ribbon.yaml)."""


def main():
    from zhijian.excel import ribbon
    ribbon.new_sheet()
