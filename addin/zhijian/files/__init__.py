"""zhijian.files: inputs and outputs on disk.

Owns expanding the inputs a user names (`inputs`), reading workbooks and CSV into grids
(`workbooks`: python-calamine, openpyxl; `formula_cells`: error cells and formulas saved without their
value), rubric and configuration YAML with line-numbered errors
(`rubrics`, `yamldoc`), atomic writes (`atomic`), the history store (`store`: DuckDB, writing;
`store_query`: reading calls back, status, Parquet export), provenance of reports (`provenance`), the checked
and scored copies of inspectors' sheets (`copies`), the default (Chinese) names of outputs
(`names`), the zip of a day's sheets (`archive`), the roster's inspector list (`inspectors`),
the safety rules of every file zhijian writes (`guard`: outputs never touch inputs, zhijian's own
outputs recognised; `cells`: text never a formula, CSV cells neutralised), operating-system errors in
words and the per-run error log (`errorlog`), and LibreOffice headless (`libreoffice`, for
recalculation and PDF in tests).

May import the engine; never the report writers, delivery, the pipeline or the doors.
"""
