"""LibreOffice as the corpus generators use it: a genuine word processor's own output, so the corpus
holds files no code of ours wrote. Each run gets its own profile; soffice exits 0 even when it fails,
so the file itself is what counts."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


def convert(source: Path, to: str) -> bytes | None:
    """source converted with soffice's --convert-to `to` (e.g. "docx:MS Word 2007 XML"); None when
    LibreOffice is not installed, SystemExit when it made nothing."""
    soffice = shutil.which("soffice")
    if soffice is None:
        print(f"soffice not found: the files made from {source.name} are left as they are")
        return None
    with tempfile.TemporaryDirectory() as work:
        subprocess.run([soffice, f"-env:UserInstallation=file://{work}/profile", "--headless",
                        "--convert-to", to, "--outdir", work, str(source)], timeout=120, check=True,
                       capture_output=True)
        made = Path(work) / (source.stem + "." + to.split(":")[0])
        if not made.exists():
            raise SystemExit(f"LibreOffice made nothing from {source.name}")
        return made.read_bytes()
