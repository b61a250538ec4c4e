"""zhijian.excel: the Excel ribbon (质检 tab), a door like the CLI.

Owns the workbook port (`port`: the open workbook as cells, fills and comments, with an openpyxl
implementation tested here; `xlwings_port`: the one for Excel), the button functions over a port
(`sample_button`, `sheet_buttons`, `report_buttons`, `daily_button`, `settings`, sharing `common`), the functions Excel calls
(`ribbon`) and the add-in files (`addin_build`: build, install, uninstall). Each button calls the same
pipeline function as its CLI twin. xlwings is imported only inside the functions Excel calls.

May import the pipeline and every layer below it; never the CLI.
"""
