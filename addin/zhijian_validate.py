"""Excel add-in zhijian_validate.xlam (质检 → 评分表 → 校验): its button runs
`import zhijian_validate; zhijian_validate.main()` (see macros/ribbon.yaml)."""


def main():
    from zhijian.excel import ribbon
    ribbon.validate()
