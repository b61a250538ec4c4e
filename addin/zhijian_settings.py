"""Excel add-in zhijian_settings.xlam (质检 → 设置 → 配置): its button runs
`import zhijian_settings; zhijian_settings.main()` (see macros/ribbon.yaml)."""


def main():
    from zhijian.excel import ribbon
    ribbon.settings()
