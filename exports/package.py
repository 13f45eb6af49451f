"""Office documents (.docx, .xlsx) are zip packages of XML parts; most parts are the same in every
document a template makes. Those are compressed once (`Part.of`) and copied as they are into each
document; only the parts filled per plan are compressed per render. Python's zipfile has no way to add
data that is compressed already, and compressing the default Word template's styles (800 kB of XML)
again for every plan took four fifths of a document's time.

The zip written is what zipfile writes (deflate, the same headers), so readers see no difference; a
package too large for plain zip headers is written by zipfile itself (zip64).

Deflate by ISA-L (the `isal` package) where it is installed: its fastest level compresses these parts
smaller than zlib's and five to eight times as fast (a plan's workbook: 0.11 against 0.88 ms for its
ten parts; zlib's set-up per stream weighs on small parts). Its output is ordinary deflate; without it,
zlib at level 1. A part made for every document may take ISA-L's level 0 (QUICK) instead: half the
time of level 1 for parts a fifth larger (a plan's workbook: its sheets in 45 against 85 us, the file
19 kB against 17).
"""
from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib
from dataclasses import dataclass

try:
    from isal import isal_zlib as _deflate

    LEVEL = 1  # ISA-L's levels are 0-3; 1 shrinks the XML about tenfold, 0 a little less
    QUICK = 0  # twice as fast as 1, a fifth larger
except ImportError:  # a platform without its wheels
    _deflate = zlib
    LEVEL = QUICK = 1  # fast; the XML still shrinks about tenfold (zlib's 0 does not compress)
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_LIMIT = 0xFFFFFFFF  # past this (or past 65535 parts) zip64 is needed


@dataclass(frozen=True)
class Part:
    name: str
    crc: int
    size: int
    deflated: bytes

    @classmethod
    def of(cls, name: str, data: bytes, level: int = LEVEL) -> "Part":
        compressor = _deflate.compressobj(level, _deflate.DEFLATED, -15)
        return cls(name, _deflate.crc32(data), len(data), compressor.compress(data) + compressor.flush())

    def data(self) -> bytes:
        return zlib.decompress(self.deflated, -15)


def _dos_time(moment: float) -> tuple[int, int]:
    t = time.localtime(moment)
    return ((t.tm_year - 1980) << 9 | t.tm_mon << 5 | t.tm_mday,
            t.tm_hour << 11 | t.tm_min << 5 | t.tm_sec // 2)


def write(parts: list[Part]) -> bytes:
    """The package of these parts, in this order."""
    if len(parts) >= 0xFFFF or any(p.size >= _LIMIT or len(p.deflated) >= _LIMIT for p in parts):
        return _write_zip64(parts)
    date, clock = _dos_time(time.time())
    out = bytearray()
    central = bytearray()
    for part in parts:
        try:
            name, flags = part.name.encode("ascii"), 0
        except UnicodeEncodeError:
            name, flags = part.name.encode("utf-8"), 0x800  # as zipfile marks a UTF-8 name
        offset = len(out)
        out += _LOCAL.pack(b"PK\x03\x04", 20, 0, flags, zipfile.ZIP_DEFLATED, clock, date, part.crc,
                           len(part.deflated), part.size, len(name), 0)
        out += name
        out += part.deflated
        central += _CENTRAL.pack(b"PK\x01\x02", 20, 3, 20, 0, flags, zipfile.ZIP_DEFLATED, clock, date,
                                 part.crc, len(part.deflated), part.size, len(name), 0, 0, 0, 0,
                                 0o600 << 16, offset)
        central += name
    if len(out) >= _LIMIT:
        return _write_zip64(parts)
    start = len(out)
    out += central
    out += _END.pack(b"PK\x05\x06", 0, 0, len(parts), len(parts), len(central), start, 0)
    return bytes(out)


def _write_zip64(parts: list[Part]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for part in parts:
            archive.writestr(part.name, part.data())
    return buffer.getvalue()
