"""Files the queue's worker makes for HR (a bulk export's zip, a template's preview pages), kept in the
database so that every server can hand them out, whichever one took the request and whichever worker
made them.

Why the database and not a folder the settings name as shared: every server reaches the database
already, so a second server needs nothing more (no network file system, its permissions and its
half-written files); a zip is stored in the same transaction that marks its job ready, so a job that
says 'klaar' always has its zip; and removing what expired is one query. A zip of 1,000 plans is some
tens of MB: PostgreSQL's bytea and SQLite's blobs take that easily. Files are stored in parts of PART
bytes, written from and read to a file part by part, so neither the worker nor a server answering a
download holds a whole zip in memory; a download is streamed one part (one query) at a time.

Names are paths of the caller's choosing ("export/12-1-3f9c.zip"); a file that expires (exports,
after a day) is removed by remove_expired(), which the worker runs every hour (pop/tasks.py)."""
from __future__ import annotations

import datetime as dt
from typing import BinaryIO, Iterator

from peewee import fn

from .db import database
from .models import SharedFile, now

PART = 2 * 1024 * 1024


def put(name: str, source: bytes | BinaryIO, expires_at: dt.datetime | None = None) -> int:
    """Store `source` (bytes, or a file open for reading) under `name`, replacing what was there; in one
    transaction (a savepoint inside the caller's). Returns its size."""
    size = 0
    with database.atomic():
        SharedFile.delete().where(SharedFile.name == name).execute()
        read = _reader(source)
        part = 0
        while True:
            data = read(PART)
            if not data and part:
                break
            SharedFile.create(name=name, part=part, data=data, expires_at=expires_at)
            size += len(data)
            part += 1
            if len(data) < PART:
                break
    return size


def _reader(source):
    if isinstance(source, (bytes, bytearray, memoryview)):
        view, offset = memoryview(bytes(source)), [0]

        def read(n):
            chunk = view[offset[0]:offset[0] + n].tobytes()
            offset[0] += len(chunk)
            return chunk
        return read
    return source.read


def _stored(name: str):
    return SharedFile.select().where(SharedFile.name == name)


def exists(name: str) -> bool:
    return bool(name) and _stored(name).exists()


def size(name: str) -> int | None:
    """The file's size in bytes, None when there is no such file."""
    row = (SharedFile.select(fn.COUNT(SharedFile.id), fn.SUM(fn.LENGTH(SharedFile.data)))
           .where(SharedFile.name == name).tuples().first())
    return int(row[1] or 0) if row and row[0] else None


def read(name: str) -> bytes | None:
    """A small file whole (a preview page, a message); None when there is no such file."""
    parts = list(_stored(name).select(SharedFile.data).order_by(SharedFile.part).tuples())
    return b"".join(bytes(data) for (data,) in parts) if parts else None


def parts(name: str) -> Iterator[bytes]:
    """The file part by part, one query each, for a streamed download."""
    number = 0
    while True:
        row = (SharedFile.select(SharedFile.data)
               .where((SharedFile.name == name) & (SharedFile.part == number)).tuples().first())
        if row is None:
            return
        yield bytes(row[0])
        number += 1


def names_under(prefix: str) -> list[str]:
    return [n for (n,) in SharedFile.select(SharedFile.name).distinct()
            .where(SharedFile.name.startswith(prefix)).order_by(SharedFile.name).tuples()]


def created_at(name: str) -> dt.datetime | None:
    row = _stored(name).select(SharedFile.created_at).where(SharedFile.part == 0).tuples().first()
    return row[0] if row else None


def remove(name: str) -> None:
    SharedFile.delete().where(SharedFile.name == name).execute()


def remove_under(prefix: str) -> int:
    return SharedFile.delete().where(SharedFile.name.startswith(prefix)).execute()


def remove_expired(at: dt.datetime | None = None) -> int:
    """Remove every file whose time is up; returns the number of parts removed."""
    return SharedFile.delete().where(SharedFile.expires_at < (at or now())).execute()
