"""zhijian.pipeline: the jobs, composed from the layers below.

Owns loading the calls of some inputs (`load`: read files into grids, check them with the engine,
apply an appeals register), the jobs (`jobs`: consolidate, weekly, monthly — figures by the engine,
workbooks by the report writers; `daily`: the day's package and the month's 扣罚登记表; `history`: the
history store's jobs and the 季度/年度质检考核表), the 抽检计划 job (`sampling`), recomputing a report
(`audit`) and the demo (`demo`, its call lists and plans in `demo_plans`, its history part in
`demo_history`). The CLI
and the ribbon call these functions; this is the only place that knows both the engine and the
writers.

May import the engine, files, reports and delivery; never the doors (cli, excel).
"""
