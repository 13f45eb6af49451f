"""Excel formulas that reach outside the workbook. A template's workbook is opened by every employee
who downloads a plan, so a formula that fetches a web address (WEBSERVICE, IMAGE), starts a program
(DDE: `=cmd|' /C calc'!A0`), calls a library (CALL, REGISTER.ID) or reads another workbook on the
network leaks or runs something on each of their PCs. Excel asks first for some of these, but a
phished HR account is exactly how such a prompt comes to look trustworthy.

`outside_reach(formula)` returns a Dutch description of the first such thing a formula does, or None.
"""
from __future__ import annotations

import re

_FUNCTIONS = {
    "WEBSERVICE": "WEBSERVICE, die gegevens van internet of het netwerk ophaalt",
    "FILTERXML": "FILTERXML, die XML inleest en daarbij adressen buiten de werkmap kan ophalen",
    "IMAGE": "IMAGE, die een afbeelding van internet ophaalt",
    "RTD": "RTD, die gegevens uit een ander programma ophaalt",
    "DDE": "DDE, die een ander programma aanroept",
    "CALL": "CALL, die code uit een programmabibliotheek uitvoert",
    "REGISTER": "REGISTER, die code uit een programmabibliotheek uitvoert",
    "REGISTER.ID": "REGISTER.ID, die code uit een programmabibliotheek uitvoert",
    "EXEC": "EXEC, die een programma start",
    "STOCKHISTORY": "STOCKHISTORY, die koersen van internet ophaalt",
    "EVALUATE": "EVALUATE, die een tekst als formule uitvoert",
}
# Excel stores newer functions with a prefix (_xlfn.WEBSERVICE), the newest with two
# (_xlfn._xlws.SORT); a name that merely ends in one of these (MYCALL) is another function.
_PREFIXES = r"(?<![\w.])(?:(?:_xlfn|_xlws|_xludf)\.)*"
_CALL = re.compile(_PREFIXES + "(" + "|".join(
    sorted((re.escape(n) for n in _FUNCTIONS), key=len, reverse=True)) + r")\s*\(", re.IGNORECASE)
_HYPERLINK = re.compile(_PREFIXES + r"HYPERLINK\s*\(", re.IGNORECASE)
# `[1]Blad1!A1`, `[1]!Naam`, `[Map.xlsx]Blad1!A1`: a workbook in brackets before a sheet or name.
# A table's column in brackets (`Tabel1[2019]`) is never followed by an exclamation mark.
_EXTERNAL_BOOK = re.compile(r"\[[^\]]*\][^\[\]!'\"(),;=<>&+\-*/^%\s{}]*!")
# A sheet name may not hold any of these; in a quoted name before `!` they are a path or a workbook.
_NOT_IN_SHEET_NAMES = set(":\\/[]?*")
_INDIRECT = re.compile(_PREFIXES + r"INDIRECT\s*\(", re.IGNORECASE)
# What an INDIRECT's address may be built from and still be known when the check reads it: strings,
# numbers, & and ROW()/COLUMN(). A cell or a name could hold 'file:///C:/x.xlsx'#Blad1.A1 (LibreOffice
# follows that) or [\\server\map.xlsx]Blad1!A1 by the time the workbook is opened: an answer typed
# by an employee goes into the cells of a filled template.
_KNOWN_ADDRESS = re.compile(r"^(?:\s+|&|\d+|\x00\d+\x00|(?:ROW|COLUMN)\s*\(\s*\))*$", re.IGNORECASE)
# In an address: a workbook ([Map.xlsx]), a path or web address (/ \\ file: http:), LibreOffice's
# 'file'#Sheet form, or a DDE link (|).
_OUTSIDE_ADDRESS = re.compile(r"[\[\]/\\#|]|\b[a-z][a-z0-9+.\-]+:(?!\$?[a-z]{0,3}\$?\d)", re.IGNORECASE)
_SAFE_LINK = re.compile(r"^\s*(https?://|mailto:|#)", re.IGNORECASE)
_MARK = "\x00"


def outside_reach(formula: str) -> str | None:
    bare, strings, quoted = _tokens(formula)
    call = _CALL.search(bare)
    if call:
        return _FUNCTIONS[call.group(1).upper()]
    if "|" in bare:
        return "een DDE-koppeling, die een ander programma start"
    if _EXTERNAL_BOOK.search(bare) or any(_NOT_IN_SHEET_NAMES & set(name) for name in quoted):
        return "een verwijzing naar een andere werkmap"
    for indirect in _INDIRECT.finditer(bare):
        reach = _indirect_reach(_argument(bare[indirect.end():]), strings)
        if reach:
            return reach
    for link in _HYPERLINK.finditer(bare):
        target = _first_string(bare[link.end():], strings)
        if target is not None and not _SAFE_LINK.match(target):
            return (f"HYPERLINK naar ‘{_short(target)}’, geen webadres (http:// of https://) of "
                    "e-mailadres (mailto:)")
    return None


def _argument(rest: str) -> str:
    """The first argument of a call whose "(" came just before rest (strings are marks here, so a
    bracket or comma inside one does not count)."""
    depth = 0
    for i, char in enumerate(rest):
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return rest[:i]
            depth -= 1
        elif char in ",;" and depth == 0:
            return rest[:i]
    return rest


def _indirect_reach(argument: str, strings: list[str]) -> str | None:
    texts = [strings[int(n)] for n in re.findall(_MARK + r"(\d+)" + _MARK, argument)]
    outside = next((t for t in texts if _OUTSIDE_ADDRESS.search(t)), None)
    if outside is not None:
        return f"INDIRECT naar ‘{_short(outside)}’, een ander bestand of adres"
    if not _KNOWN_ADDRESS.match(argument):
        return ("INDIRECT met een adres uit een cel of naam, dat bij het openen naar een ander bestand "
                "kan wijzen")
    return None


def _tokens(formula: str) -> tuple[str, list[str], list[str]]:
    """The formula with its string literals and quoted sheet names taken out (each leaves a mark
    with its number), the strings, and the quoted names. A `"` inside a quoted sheet name and a `'`
    inside a string are ordinary characters, so one pass reads both."""
    bare, strings, quoted = [], [], []
    i, n = 0, len(formula)
    while i < n:
        quote = formula[i]
        if quote not in "\"'":
            bare.append(quote)
            i += 1
            continue
        j, text = i + 1, []
        while j < n:
            if formula[j] == quote:
                if j + 1 < n and formula[j + 1] == quote:
                    text.append(quote)
                    j += 2
                    continue
                break
            text.append(formula[j])
            j += 1
        if quote == '"':
            bare.append(f"{_MARK}{len(strings)}{_MARK}")
            strings.append("".join(text))
        else:
            bare.append(f"'{len(quoted)}'")
            quoted.append("".join(text))
        i = j + 1
    return "".join(bare), strings, quoted


def _first_string(rest: str, strings: list[str]) -> str | None:
    """The string literal that starts HYPERLINK's first argument (`"file:"&A1` starts with one),
    or None when the argument starts with something else, such as a cell."""
    match = re.match(r"\s*" + _MARK + r"(\d+)" + _MARK, rest)
    return strings[int(match.group(1))] if match else None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
