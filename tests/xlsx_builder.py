"""Excel workbooks written part by part the way Excel 365 writes them, for the Excel template tests and
the corpus (tests/template_corpus/make_excel.py): shared strings, a styles part with custom number
formats, Excel's namespaces and mc:Ignorable, a logo in a drawing, an x14 data validation whose list is
on another sheet, print settings, a calculation chain. openpyxl cannot write these (it drops the x14
validation and writes inline strings), and a test of what survives needs a file that has them."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
X14_URI = "{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"

# Style indexes of styles_xml() below.
GENERAL, LONG_DATE, ONE_DECIMAL, BOLD_BORDER, TEXT_FORMAT = 0, 1, 2, 3, 4
LONG_DATE_CODE = 'd" "mmmm" "yyyy'  # as Excel writes the Dutch long date "15 maart 2026"
ONE_DECIMAL_CODE = "0.0"


def logo_png() -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (23, 74, 109)).save(out, "PNG")
    return out.getvalue()


@dataclass
class Cell:
    ref: str
    value: object = None  # str: a shared string; int/float: a number; None: styled but empty
    style: int = GENERAL
    formula: str | None = None
    inline: bool = False  # an inline string (as other programs write) instead of a shared one


@dataclass
class Sheet:
    name: str
    cells: list[Cell] = field(default_factory=list)
    header: str = ""  # Excel's header text with its &-codes, e.g. "&LPOP {{ plan.periode }}&R&P"
    footer: str = ""
    first_header: str = ""
    validation_list: str | None = None  # "Lijsten!$A$1:$A$3": an x14 list validation...
    validation_cells: str = "C1"  # ...on these cells
    logo: bool = False
    conditional: bool = False


def _rows(cells):
    rows: dict[int, list[Cell]] = {}
    for cell in cells:
        number = int("".join(ch for ch in cell.ref if ch.isdigit()))
        rows.setdefault(number, []).append(cell)
    return dict(sorted(rows.items()))


def build_workbook(sheets: list[Sheet], defined_print_area: bool = True) -> bytes:
    strings: list[str] = []

    def shared(text: str) -> int:
        if text not in strings:
            strings.append(text)
        return strings.index(text)

    files: dict[str, bytes | str] = {}
    overrides = [("/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml."
                  "sheet.main+xml"),
                 ("/xl/styles.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml."
                  "styles+xml"),
                 ("/xl/sharedStrings.xml", "application/vnd.openxmlformats-officedocument."
                  "spreadsheetml.sharedStrings+xml"),
                 ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
                 ("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-"
                  "properties+xml")]
    workbook_rels = []
    formulas = []
    drawings = 0
    for number, sheet in enumerate(sheets, start=1):
        rows = []
        for row, cells in _rows(sheet.cells).items():
            written = []
            for cell in cells:
                style = f' s="{cell.style}"' if cell.style else ""
                if cell.formula is not None:
                    formulas.append((cell.ref, number))
                    cached = "" if cell.value is None else f"<v>{escape(str(cell.value))}</v>"
                    kind = ' t="str"' if isinstance(cell.value, str) else ""
                    written.append(f'<c r="{cell.ref}"{style}{kind}><f>{escape(cell.formula)}</f>'
                                   f'{cached}</c>')
                elif isinstance(cell.value, str) and cell.inline:
                    written.append(f'<c r="{cell.ref}"{style} t="inlineStr"><is><t>'
                                   f'{escape(cell.value)}</t></is></c>')
                elif isinstance(cell.value, str):
                    written.append(f'<c r="{cell.ref}"{style} t="s"><v>{shared(cell.value)}</v></c>')
                elif cell.value is None:
                    written.append(f'<c r="{cell.ref}"{style}/>')
                else:
                    written.append(f'<c r="{cell.ref}"{style}><v>{cell.value}</v></c>')
            rows.append(f'<row r="{row}" spans="1:4" x14ac:dyDescent="0.25">{"".join(written)}</row>')
        rels = []
        extra = ""
        if sheet.conditional:
            extra += ('<conditionalFormatting sqref="B1:B9"><cfRule type="containsBlanks" dxfId="0" '
                      'priority="1"><formula>LEN(TRIM(B1))=0</formula></cfRule></conditionalFormatting>')
        extra += ('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
                  'footer="0.3"/><pageSetup paperSize="9" orientation="landscape"/>')
        header_parts = ""
        if sheet.header:
            header_parts += f"<oddHeader>{escape(sheet.header)}</oddHeader>"
        if sheet.footer:
            header_parts += f"<oddFooter>{escape(sheet.footer)}</oddFooter>"
        if sheet.first_header:
            header_parts += f"<firstHeader>{escape(sheet.first_header)}</firstHeader>"
        if header_parts:
            first = ' differentFirst="1"' if sheet.first_header else ""
            extra += f"<headerFooter{first}>{header_parts}</headerFooter>"
        if sheet.logo:
            drawings += 1
            rels.append(("rId1", "drawing", f"../drawings/drawing{drawings}.xml"))
            extra += '<drawing r:id="rId1"/>'
            files[f"xl/drawings/drawing{drawings}.xml"] = DRAWING
            files[f"xl/drawings/_rels/drawing{drawings}.xml.rels"] = _rels(
                [("rId1", "image", "../media/image1.png")])
            files["xl/media/image1.png"] = logo_png()
            overrides.append((f"/xl/drawings/drawing{drawings}.xml",
                              "application/vnd.openxmlformats-officedocument.drawing+xml"))
        if sheet.validation_list:
            extra += (f'<extLst><ext uri="{X14_URI}" xmlns:x14="http://schemas.microsoft.com/office/'
                      'spreadsheetml/2009/9/main"><x14:dataValidations count="1" xmlns:xm="http://'
                      'schemas.microsoft.com/office/excel/2006/main"><x14:dataValidation type="list" '
                      'allowBlank="1" showInputMessage="1" showErrorMessage="1" xr:uid="{6A1F0C55-3C1B-'
                      f'4F8B-9D0E-2B7C5A1E9F01}}"><x14:formula1><xm:f>{escape(sheet.validation_list)}'
                      f'</xm:f></x14:formula1><xm:sqref>{sheet.validation_cells}</xm:sqref>'
                      '</x14:dataValidation></x14:dataValidations></ext></extLst>')
        selected = ' tabSelected="1"' if number == 1 else ""
        files[f"xl/worksheets/sheet{number}.xml"] = (
            f'{DECL}<worksheet xmlns="{MAIN}" xmlns:r="{R}" xmlns:mc="http://schemas.openxmlformats.org/'
            'markup-compatibility/2006" mc:Ignorable="x14ac xr xr2 xr3" xmlns:x14ac="http://schemas.'
            'microsoft.com/office/spreadsheetml/2009/9/ac" xmlns:xr="http://schemas.microsoft.com/office'
            '/spreadsheetml/2014/revision" xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml'
            '/2015/revision2" xmlns:xr3="http://schemas.microsoft.com/office/spreadsheetml/2016/'
            f'revision3" xr:uid="{{00000000-0001-0000-0000-00000000000{number}}}">'
            f'<dimension ref="A1:D9"/><sheetViews><sheetView{selected} '
            'workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15" '
            'x14ac:dyDescent="0.25"/><cols><col min="1" max="1" width="24" customWidth="1"/><col min="2" '
            f'max="2" width="40" customWidth="1"/></cols><sheetData>{"".join(rows)}</sheetData>{extra}'
            '</worksheet>')
        if rels:
            files[f"xl/worksheets/_rels/sheet{number}.xml.rels"] = _rels(rels)
        workbook_rels.append((f"rId{number}", "worksheet", f"worksheets/sheet{number}.xml"))
        overrides.append((f"/xl/worksheets/sheet{number}.xml",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"))
    n = len(sheets)
    workbook_rels += [(f"rId{n + 1}", "styles", "styles.xml"),
                      (f"rId{n + 2}", "sharedStrings", "sharedStrings.xml")]
    if formulas:
        workbook_rels.append((f"rId{n + 3}", "calcChain", "calcChain.xml"))
        files["xl/calcChain.xml"] = (f'{DECL}<calcChain xmlns="{MAIN}">'
                                     + "".join(f'<c r="{ref}" i="{i}"/>' for ref, i in formulas)
                                     + "</calcChain>")
        overrides.append(("/xl/calcChain.xml", "application/vnd.openxmlformats-officedocument."
                          "spreadsheetml.calcChain+xml"))
    sheet_list = "".join(f'<sheet name={quoteattr(s.name)} sheetId="{i}" r:id="rId{i}"/>'
                         for i, s in enumerate(sheets, start=1))
    names = (f'<definedNames><definedName name="_xlnm.Print_Area" localSheetId="0">'
             f"{escape(sheets[0].name)}!$A$1:$D$9</definedName></definedNames>"
             if defined_print_area else "")
    files["xl/workbook.xml"] = (
        f'{DECL}<workbook xmlns="{MAIN}" xmlns:r="{R}" xmlns:mc="http://schemas.openxmlformats.org/'
        'markup-compatibility/2006" mc:Ignorable="x15 xr xr6 xr10 xr2" xmlns:x15="http://schemas.'
        'microsoft.com/office/spreadsheetml/2010/11/main" xmlns:xr="http://schemas.microsoft.com/'
        'office/spreadsheetml/2014/revision" xmlns:xr6="http://schemas.microsoft.com/office/'
        'spreadsheetml/2016/revision6" xmlns:xr10="http://schemas.microsoft.com/office/spreadsheetml'
        '/2016/revision10" xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/'
        'revision2"><fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="27425"/>'
        '<workbookPr defaultThemeVersion="202300"/><bookViews><workbookView xWindow="-120" '
        'yWindow="-120" windowWidth="29040" windowHeight="15720"/></bookViews>'
        f'<sheets>{sheet_list}</sheets>{names}<calcPr calcId="191029"/></workbook>')
    files["xl/_rels/workbook.xml.rels"] = _rels(workbook_rels)
    files["xl/styles.xml"] = STYLES
    count = sum(1 for s in sheets for c in s.cells if isinstance(c.value, str) and not c.inline
                and c.formula is None)
    files["xl/sharedStrings.xml"] = (
        f'{DECL}<sst xmlns="{MAIN}" count="{count}" uniqueCount="{len(strings)}">'
        + "".join(f'<si><t{_space(s)}>{escape(s)}</t></si>' for s in strings) + "</sst>")
    files["docProps/core.xml"] = (
        f'{DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/'
        'dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>HR</dc:creator>'
        '<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-05T09:00:00Z</dcterms:created>'
        '</cp:coreProperties>')
    files["docProps/app.xml"] = (
        f'{DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
        'properties"><Application>Microsoft Excel</Application><AppVersion>16.0300</AppVersion>'
        '</Properties>')
    files["_rels/.rels"] = _rels(
        [("rId1", "officeDocument", "xl/workbook.xml"),
         ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
                  "core-properties", "docProps/core.xml"),
         ("rId3", "extended-properties", "docProps/app.xml")])
    types = ('<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
             'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
             '<Default Extension="png" ContentType="image/png"/>'
             + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml",
                         f'{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                         f'content-types">{types}</Types>')
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def _space(text: str) -> str:
    return ' xml:space="preserve"' if text != text.strip() else ""


def _rels(relations) -> str:
    items = []
    for rid, kind, target in relations:
        kind = kind if kind.startswith("http") else \
            f"http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}"
        items.append(f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>')
    return f'{DECL}<Relationships xmlns="{PKG}">{"".join(items)}</Relationships>'


STYLES = (
    f'{DECL}<styleSheet xmlns="{MAIN}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility'
    '/2006" mc:Ignorable="x14ac x16r2" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/'
    '2009/9/ac" xmlns:x16r2="http://schemas.microsoft.com/office/spreadsheetml/2015/02/main">'
    f'<numFmts count="2"><numFmt numFmtId="164" formatCode={quoteattr(LONG_DATE_CODE)}/>'
    f'<numFmt numFmtId="165" formatCode="{ONE_DECIMAL_CODE}"/></numFmts>'
    '<fonts count="2" x14ac:knownFonts="1"><font><sz val="11"/><color theme="1"/><name val="Aptos '
    'Narrow"/><family val="2"/><scheme val="minor"/></font><font><b/><sz val="11"/><color theme="1"/>'
    '<name val="Aptos Narrow"/><family val="2"/><scheme val="minor"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill '
    'patternType="gray125"/></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left '
    'style="thin"><color indexed="64"/></left><right style="thin"><color indexed="64"/></right><top '
    'style="thin"><color indexed="64"/></top><bottom style="thin"><color indexed="64"/></bottom>'
    '<diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Standaard" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="1"><dxf><fill><patternFill><bgColor rgb="FFFFEB9C"/></patternFill></fill></dxf></dxfs>'
    '<tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>'
    '</styleSheet>')

DRAWING = (
    f'{DECL}<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><xdr:twoCellAnchor editAs="oneCell">'
    '<xdr:from><xdr:col>3</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>0</xdr:row><xdr:rowOff>0'
    '</xdr:rowOff></xdr:from><xdr:to><xdr:col>4</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>2</xdr:row>'
    '<xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:pic><xdr:nvPicPr><xdr:cNvPr id="2" name="Logo" '
    'descr="Logo van de organisatie"/><xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr>'
    '</xdr:nvPicPr><xdr:blipFill><a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships" r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill><xdr:spPr>'
    '<a:xfrm><a:off x="0" y="0"/><a:ext cx="381000" cy="190500"/></a:xfrm><a:prstGeom prst="rect">'
    '<a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/></xdr:twoCellAnchor>'
    '<xdr:twoCellAnchor><xdr:from><xdr:col>3</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>3</xdr:row>'
    '<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>5</xdr:col><xdr:colOff>0</xdr:colOff>'
    '<xdr:row>5</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:sp macro="" textlink=""><xdr:nvSpPr>'
    '<xdr:cNvPr id="3" name="Pijl"/><xdr:cNvSpPr/></xdr:nvSpPr><xdr:spPr><a:prstGeom prst="rightArrow">'
    '<a:avLst/></a:prstGeom></xdr:spPr></xdr:sp><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>')
