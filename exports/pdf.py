"""PDF through LibreOffice, where the server has it. soffice exits 0 even when it fails, so success is
the PDF existing; each run gets its own profile (parallel runs otherwise block each other) and a
time limit."""
from __future__ import annotations

import shutil
from functools import lru_cache
import subprocess
import tempfile
from pathlib import Path

TIMEOUT = 90


@lru_cache(maxsize=1)  # asked on every plan page; installing LibreOffice later needs a restart
def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice_path() is not None


class PdfFailed(Exception):
    pass


def to_pdf(document: bytes, suffix: str = ".docx") -> bytes:
    soffice = soffice_path()
    if soffice is None:
        raise PdfFailed("LibreOffice is niet geïnstalleerd op de server.")
    with tempfile.TemporaryDirectory(prefix="pop-pdf-") as tmp:
        source = Path(tmp, "document" + suffix)
        source.write_bytes(document)
        profile = Path(tmp, "profile").as_uri()
        try:
            subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                            "--convert-to", "pdf", "--outdir", tmp, str(source)],
                           capture_output=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PdfFailed("Het omzetten naar PDF duurde te lang.") from exc
        result = source.with_suffix(".pdf")
        if not result.exists() or result.stat().st_size == 0:
            raise PdfFailed("Het omzetten naar PDF is mislukt.")
        return result.read_bytes()
