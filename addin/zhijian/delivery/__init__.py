"""zhijian.delivery: sending report workbooks by e-mail.

Owns the delivery configuration (`config`: recipients per report kind, templates, the SMTP server;
the password only from the environment or the keyring), the key figures of a report for the body
(`figures`), the masked copy of the attachment (`workbook_mask`, over `engine.masking`), the
message and its .eml draft (`message`), the lead's daily e-mails (`package`: the 质检日志 with the
zip of the day's sheets, and the 班前会点评 in the body), and the all-or-nothing SMTP transaction
(`smtp`).

May import the engine and the files layer (reading the report, atomic writes, YAML); never the
report writers, the pipeline or the doors.
"""
