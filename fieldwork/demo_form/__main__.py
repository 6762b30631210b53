"""`python -m fieldwork.demo_form`: rebuild valledupar.xlsx from its CSV sheets."""
from fieldwork.demo_form import WORKBOOK, build_workbook

WORKBOOK.write_bytes(build_workbook())
print(f"{WORKBOOK} rebuilt from its CSV sheets.")
