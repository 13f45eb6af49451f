"""Writes the Excel entries of the corpus: excel_organisation.xlsx and excel_formula_refused.xlsx part by
part as Excel 365 writes them (tests/xlsx_builder.py: shared strings, custom number formats, a logo in
a drawing, an x14 list validation from another sheet), and excel_libreoffice.xlsx saved by LibreOffice
itself from excel_libreoffice.fods. The JSON beside each says what Zoë's plan must show.
Run: .venv/bin/python tests/template_corpus/make_excel.py"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from office import convert  # noqa: E402
from xlsx_builder import BOLD_BORDER, LONG_DATE, ONE_DECIMAL, Cell, Sheet, build_workbook  # noqa: E402


def lists() -> Sheet:
    return Sheet("Lijsten", [Cell("A1", "Ja"), Cell("A2", "Nee"), Cell("A3", "Misschien")])


def organisation() -> bytes:
    return build_workbook([Sheet("POP", [
        Cell("A1", "Naam medewerker"), Cell("B1", "{{ medewerker.naam }}", BOLD_BORDER),
        Cell("A2", "Afdeling"), Cell("B2", "{{ medewerker_afdeling }}", BOLD_BORDER),
        Cell("A3", "Datum POP-gesprek"), Cell("B3", "{{ datum_pop_gesprek }}", LONG_DATE),
        Cell("A4", "Gesprek"), Cell("B4", "Op {{ datum_pop_gesprek }} met {{ leidinggevende.naam }}"),
        Cell("A5", "Wat ga ik ontwikkelen?"), Cell("B5", "{{ pop_wat }}"),
        Cell("A6", "Belang doel 1"), Cell("B6", "{{ ontwikkeldoelen[0].belang }}", ONE_DECIMAL),
        Cell("A7", "Eerste doel"), Cell("B7", "{{ ontwikkeldoelen[0].doel }}"),
        Cell("A8", "Akkoord"), Cell("B8", "{{ akkoord_medewerker.naam }}"), Cell("C8", "Ja"),
        Cell("A9", "Tekens in de naam"), Cell("B9", 20, formula="LEN(B1)"),
    ], header="&L&\"Aptos,Vet\"POP {{ plan.periode }}&R&D", footer="&L{{ medewerker.naam }}&RPagina &P",
        validation_list="Lijsten!$A$1:$A$3", validation_cells="C8", logo=True, conditional=True),
        lists()])


def formula_refused() -> bytes:
    return build_workbook([Sheet("Blad1", [
        Cell("A1", "Naam"), Cell("B1", "{{ medewerker.naam }}"),
        Cell("A4", "Voorletter"), Cell("C4", "Z", formula='LEFT("{{ medewerker.naam }}",1)'),
    ], logo=True), lists()])


def libreoffice() -> None:
    data = convert(HERE / "excel_libreoffice.fods", "xlsx:Calc MS Excel 2007 XML")
    if data is not None:
        (HERE / "excel_libreoffice.xlsx").write_bytes(data)


if __name__ == "__main__":
    (HERE / "excel_organisation.xlsx").write_bytes(organisation())
    (HERE / "excel_formula_refused.xlsx").write_bytes(formula_refused())
    libreoffice()
