"""zhijian.cli: the command line, a door onto the pipeline.

One module per command group (`rubric`, `sheets`: validate/score/template, `reports`:
consolidate/weekly/monthly, `daily`: daily/penalties, `periods`: quarterly/yearly, `history`: the
history store, `appeals`, `audit`, `email`, `addin`, `demo`),
the options and error handling they share in `common` (the options' checked types in `options`,
where reports go by default in `outputs`, the `--store` option in `store_option`), assembled in
`main` (the `zhijian` entry point). A command
parses arguments, calls one pipeline (or files) function and prints its result; it computes no
figure. May import everything below it; no module imports `main`.
"""
