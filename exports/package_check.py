"""Checks on the file itself before it is read as a template: size, a real Office package of the right
kind, no macros, no zip bomb, nothing fetched from outside the file. Each problem is a Dutch sentence."""
from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

from .docx_engine import TemplateProblem

MAX_UPLOAD = 10 * 1024 * 1024
MAX_UNPACKED = 100 * 1024 * 1024  # a real template unpacks to a few MB; far more is a zip bomb
MAX_MEMBERS = 2000
MAX_RATIO = 200  # deflate reaches ~10x on XML; a bomb reaches thousands

def check_package(data: bytes, fmt: str) -> None:
    """The file itself: size, a real Office package of the right kind, no macros, no zip bomb."""
    kind = "Word-document (.docx)" if fmt == "docx" else "Excel-werkmap (.xlsx)"
    if len(data) > MAX_UPLOAD:
        raise TemplateProblem(f"Het bestand is {len(data) / 1024 / 1024:.1f} MB; een sjabloon mag "
                              "hoogstens 10 MB zijn.")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TemplateProblem(f"Dit is geen {kind}. Sla het bestand in Word of Excel op als {kind}.")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise TemplateProblem("Het bestand bevat ongewoon veel onderdelen en wordt niet vertrouwd.")
        unpacked = sum(m.file_size for m in members)
        packed = sum(m.compress_size for m in members) or 1
        if unpacked > MAX_UNPACKED or unpacked / packed > MAX_RATIO:
            raise TemplateProblem("Het bestand pakt uit tot veel meer dan het groot is (een 'zip-bom') "
                                  "en wordt niet vertrouwd.")
        names = {m.filename for m in members}
        # Office reads part names and content types without regard to case (and a macro part may
        # have any name), so look at every content type declared, parsed, in any case.
        content_types = [value.lower() for n in names if n.lower() == "[content_types].xml"
                         for value in _attributes(archive, n, kind, "ContentType")]
        if any("vbaproject" in n.lower() for n in names) or any(
                "macroenabled" in t or "vbaproject" in t for t in content_types):
            raise TemplateProblem("Dit bestand bevat macro's. Sla het op als gewoon "
                                  f"{kind} zonder macro's en upload het opnieuw.")
        for name in names:
            if name.lower().endswith(".rels"):
                _check_relationships(archive, name, kind)
    required = "word/document.xml" if fmt == "docx" else "xl/workbook.xml"
    if required not in names:
        raise TemplateProblem(f"Dit is geen {kind}.")


def _elements(archive, name: str, kind: str):
    # The standard library's parser: it expands no external entities and stops entity bombs.
    try:
        return list(ElementTree.fromstring(archive.read(name)).iter())
    except Exception as exc:  # noqa: BLE001 - bad XML, a damaged member, unknown compression...
        raise TemplateProblem(f"Dit {kind} is beschadigd en kan niet worden gelezen. Open het en sla "
                              "het opnieuw op.") from exc


def _attributes(archive, name: str, kind: str, attribute: str) -> list[str]:
    return [e.get(attribute) for e in _elements(archive, name, kind) if e.get(attribute)]


def _check_relationships(archive, name: str, kind: str) -> None:
    """No content fetched from elsewhere: an externally linked image, frame or object is fetched by
    LibreOffice on the server when a plan becomes a PDF (a request to any address the template names),
    and by Word on every PC that opens an export. Hyperlinks (fetched only when clicked) may stay, and so
    may the local or network path of the Word template the document was made from (Word writes that
    itself), but not a web address there: that is how a remote template with macros is slipped in."""
    for element in _elements(archive, name, kind):
        if not element.tag.endswith("Relationship") or \
                (element.get("TargetMode") or "").lower() != "external":
            continue
        relation = (element.get("Type") or "").rsplit("/", 1)[-1]
        target = (element.get("Target") or "").strip().lower()
        if relation == "hyperlink" or (relation == "attachedTemplate"
                                       and not target.startswith(("http:", "https:", "ftp:"))):
            continue
        raise TemplateProblem(f"Dit {kind} haalt inhoud van buiten het bestand op "
                              f"({relation or 'onbekend'}: {element.get('Target')}). Sla "
                              "afbeeldingen en objecten in het bestand zelf op, niet als koppeling.")
