"""Word, Excel and PDF documents of a plan, along the flow from the form definition to the file.

Shared by every format:
- context.py       what a document can say about a plan: the placeholders, built from the definition;
- placeholders.py  the catalogue of those placeholders for HR's help page;
- field_names.py   the names HR types in Word or Excel ("Naam", «Datum_POPgesprek») matched to them;
- templates.py     which template an export uses: the active upload for the form, else the default;
- filenames.py, bulk.py  the file names, and the zip of many plans.

One package per path a document takes:
- word/     the default Word layout, the docxtpl-style engine, Word's own fields;
- excel/    the default workbooks and the engine for Excel templates;
- pdf/      LibreOffice turning a document into a PDF, and the preview pictures;
- uploads/  everything about a template HR uploads: the package check, the name check, the trial
            plans, the isolated child that renders it, and the mapper of a blank form.
"""
