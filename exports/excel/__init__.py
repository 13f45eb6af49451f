"""Excel workbooks: the default plan workbook and HR's overview (default.py), the default template with a
placeholder in every answer cell (default_template.py), and the engine that fills an uploaded workbook at
the XML level, keeping what openpyxl would drop (template.py)."""
