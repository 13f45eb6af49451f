"""The warm LibreOffice of one server process: started once, it converts document after document in
about a tenth of a second, where starting LibreOffice for each one costs a second or more.

Run by a Python that has LibreOffice's UNO bindings (Debian: python3-uno for /usr/bin/python3), not by
the app's virtual environment, so it imports nothing of the app:

    python3 warm.py SOFFICE PROFILE_DIR PIPE_NAME

It prints "ready" once LibreOffice listens, then reads one JSON line per document on stdin,
{"source": path, "target": path}, and answers one JSON line, {"ok": true} or {"ok": false, "error": ..}.
LibreOffice listens on a named pipe (a Unix socket only its owner may open), not on a TCP port that
any local user could reach. Its parent starts it in a process group of its own; when stdin closes,
however the parent ended (even by SIGKILL), this process kills that whole group, LibreOffice included.
"""
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

CONNECT_SECONDS = 60
NO_UNO = 3  # exit status when this Python has no UNO bindings (exports/pdf/convert.py knows it too)


def die() -> None:
    os.killpg(0, signal.SIGKILL)


def watch_stdin(requests: queue.Queue) -> None:
    # A thread of its own: the main thread may be stuck inside LibreOffice, and must still be ended.
    for line in sys.stdin.buffer:
        requests.put(line)
    die()


def import_uno():
    try:
        import uno
    except ImportError:
        # Debian installs the bindings for the system Python only; a venv Python finds them here.
        sys.path += ["/usr/lib/python3/dist-packages", "/usr/lib/libreoffice/program"]
        import uno
    return uno


def connect(uno, soffice: str, profile: str, name: str):
    from com.sun.star.connection import NoConnectException

    office = subprocess.Popen(
        [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--invisible",
         "--nologo", "--nodefault", "--norestore", "--nolockcheck",
         f"--accept=pipe,name={name};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={name};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if office.poll() is not None or time.monotonic() > deadline:
                print("LibreOffice did not start", file=sys.stderr)
                die()
            time.sleep(0.05)
    return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)


def properties(uno, **values):
    from com.sun.star.beans import PropertyValue

    out = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name, prop.Value = name, value
        out.append(prop)
    return tuple(out)


def convert(uno, desktop, source: str, target: str) -> None:
    # As the one-shot `soffice --convert-to pdf` does: no macros, no updating of linked content.
    doc = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(source), "_blank", 0,
        properties(uno, Hidden=True, ReadOnly=True, MacroExecutionMode=0, UpdateDocMode=0))
    if doc is None:
        raise RuntimeError("LibreOffice could not open the document")
    try:
        spreadsheet = doc.supportsService("com.sun.star.sheet.SpreadsheetDocument")
        doc.storeToURL(uno.systemPathToFileUrl(target), properties(
            uno, FilterName="calc_pdf_Export" if spreadsheet else "writer_pdf_Export"))
    finally:
        doc.close(True)


def answer(**message) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main() -> None:
    # The app names the pipe, so that it can remove the socket file a killed LibreOffice leaves.
    soffice, profile, name = sys.argv[1:4]
    requests: queue.Queue = queue.Queue()
    threading.Thread(target=watch_stdin, args=(requests,), daemon=True).start()
    try:
        uno = import_uno()
    except ImportError:
        print("no UNO bindings for this Python (Debian: apt-get install python3-uno)", file=sys.stderr)
        sys.stderr.flush()
        # Nothing started yet; the status tells the app not to try again. os._exit: sys.exit would
        # wait for the thread reading stdin and abort.
        os._exit(NO_UNO)
    desktop = connect(uno, soffice, profile, name)
    answer(ready=True)
    while True:
        request = json.loads(requests.get())
        try:
            convert(uno, desktop, request["source"], request["target"])
        except Exception as exc:  # noqa: BLE001 - reported to the app, which falls back to one-shot
            answer(ok=False, error=f"{type(exc).__name__}: {exc}")
            # LibreOffice may be half broken after a failure: a fresh one is started on demand.
            die()
        answer(ok=True)


if __name__ == "__main__":
    main()
