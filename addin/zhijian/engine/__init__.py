"""zhijian.engine: everything a figure is made of, and nothing else.

Owns the rubric model (`rubric`: pydantic, no YAML; its cross-reference checks in `rubric_check`), the columns of a 评分表 (`columns`), scoring
(`scoring`), the sheet reader over an in-memory grid (`reader`: a table of calls, or
`form_sheet`: one call per block; `grid` for the grid and what was read of it, `callcells` for
reading the calls' cells, `cells` for what people type into a cell), validation and its findings (`validate`, `findings`, made from the catalogue of
rules in `rules`), periods (`periods`), the loaded calls of some inputs (`loaded`) and the account
of every row read (`accounting`), the roster (`roster`), appeals rules (`appeals`), the
服务质量分析表 (`analysis`) with calibration (`calibration`), the weekly and monthly figures
(`weekly`, `monthly`), the quarterly and yearly assessment (`period_review`), the lead's day
(`daily`: the 质检日志's figures and lists), per-agent-per-period ledgers (`ledger`, its rubric
keys in `ledger_model`: the base is the agent's for the month, offences escalate), serious problems
(`serious`) and their vouchers (`penalties`: 扣分凭单, 扣罚登记表), working days (`workdays`),
masking of text (`masking`), and the 抽检计划: call lists and rosters over grids (`calllist`), the
sampling rule (`sampling`, with `rounding`) and the check of what was scored against the plans (`plan_check`).

May import only the standard library, numpy, pandas, pydantic, chinesecalendar and
`zhijian.errors`; it knows nothing of files, YAML, workbooks, click, rich, xlwings or mail (a test
checks this with import-linter and by importing every module).
"""
