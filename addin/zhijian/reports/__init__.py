"""zhijian.reports: the workbooks zhijian writes, with XlsxWriter.

One module per workbook — the 评分表 template (`template`, with its layout in `template_layout` and
its 说明 sheet in `template_notes`), the 申诉登记表 (`appeals_template`), the
服务质量分析表 (`analysis_workbook`), the 质检周报 (`weekly_workbook`), the 质检月报
(`monthly_workbook`, its 抽检计划核对 in `monthly_plan_check`), the 质检日志 (`daily_workbook`, its
page in `daily_log`), the 扣分凭单 and 服务质量扣罚登记表 (`penalties_workbook`), the 抽检计划 and its
prefilled 评分表 (`sample_workbook`), the 季度/年度质检考核表 (`period_review_workbook`) — over one public toolkit (`toolkit`: formats, column widths, charts; the sheets every report has
and the provenance in `common_sheets`). A report's overview sheet has a module of its own
(`analysis_overview`, `weekly_overview`, `monthly_overview`), and what the sheets of the 质检周报 or
质检月报 share is in `weekly_common` / `monthly_common`. A writer takes the engine's figures and
writes them; it computes none.

May import the engine and the files layer (atomic writes, provenance); never delivery, the
pipeline or the doors.
"""
