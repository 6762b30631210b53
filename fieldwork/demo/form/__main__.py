"""`python -m fieldwork.demo.form`: rebuild valledupar.xlsx from its CSV sheets."""
from fieldwork.demo.form import WORKBOOK, build_workbook

WORKBOOK.write_bytes(build_workbook())
print(f"{WORKBOOK} rebuilt from its CSV sheets.")
