"""Excel add-in zhijian_mail.xlam (质检 → 发送 → 发送邮件): its button runs
`import zhijian_mail; zhijian_mail.main()` (see macros/ribbon.yaml)."""


def main():
    from zhijian.excel import ribbon
    ribbon.send_mail()
