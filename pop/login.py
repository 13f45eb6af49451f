"""Log-in rules: throttling of guessed passwords and ending sessions.

Two counters limit guessing. Per typed e-mail address: five free attempts, then a short wait before
each next one (15 s, doubling up to 5 minutes), so an outsider can slow someone's log-in down but never
lock them out for long. Per client address, across all e-mail addresses: 30 failures in 15 minutes, then
that address waits (1 minute, doubling up to 15), which stops one machine trying many accounts.

An attempt is claimed (counted as a failure) before its password is checked, in one locked transaction:
of 30 parallel attempts exactly the free ones get their password checked, and none is lost from the
count. A right password then takes its failure back. Unknown addresses are counted exactly like known
ones, so neither the message nor the waiting tells which e-mail addresses have an account."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from .db import lock_row, write_lock
from .models import LoginThrottle, Person, now, waste_password_check

WRONG = "Dit e-mailadres en wachtwoord horen niet bij elkaar."


@dataclass(frozen=True)
class Rule:
    prefix: str
    free: int  # failures within the window before waiting starts
    window: dt.timedelta  # failures older than this are forgotten
    first_wait: dt.timedelta
    longest_wait: dt.timedelta

    def wait(self, failures: int) -> dt.timedelta | None:
        if failures < self.free:
            return None
        return min(self.first_wait * 2 ** (failures - self.free), self.longest_wait)


PER_EMAIL = Rule("e-mail:", free=5, window=dt.timedelta(days=1),
                 first_wait=dt.timedelta(seconds=15), longest_wait=dt.timedelta(minutes=5))
PER_ADDRESS = Rule("ip:", free=30, window=dt.timedelta(minutes=15),
                   first_wait=dt.timedelta(minutes=1), longest_wait=dt.timedelta(minutes=15))


def _wait_message(seconds: int) -> str:
    if seconds < 60:
        amount = f"{seconds} {'seconde' if seconds == 1 else 'seconden'}"
    else:
        minutes = -(-seconds // 60)
        amount = f"{minutes} {'minuut' if minutes == 1 else 'minuten'}"
    return f"Te veel mislukte pogingen. Probeer het over {amount} opnieuw."


def _claim(keys: list[tuple[Rule, str]], at: dt.datetime) -> int:
    """Count one failure on every key, unless one of them must still wait: then the seconds to wait."""
    with write_lock():  # no two claims interleave
        LoginThrottle.insert_many([{"key": k, "window_start": at} for _, k in keys]) \
            .on_conflict_ignore().execute()
        # The rows exist now, so a row lock covers them.
        rows = {r.key: r for r in lock_row(
            LoginThrottle.select().where(LoginThrottle.key.in_([k for _, k in keys])))}
        waits = [rows[k].wait_until for _, k in keys if rows[k].wait_until and rows[k].wait_until > at]
        if waits:
            return max(1, int((max(waits) - at).total_seconds() + 0.999))
        for rule, key in keys:
            row = rows[key]
            if at - row.window_start > rule.window:
                row.failures, row.window_start = 0, at
            row.failures += 1
            wait = rule.wait(row.failures)
            row.wait_until = at + wait if wait else None
            row.save()
    return 0


def _give_back(keys: list[tuple[Rule, str]]) -> None:
    """A right password: the e-mail's count starts again; the address only loses this attempt (a log-in
    with one's own account must not reset what that machine guessed at other accounts)."""
    with write_lock():
        for rule, key in keys:
            row = LoginThrottle.get_or_none(LoginThrottle.key == key)
            if row is None:
                continue
            row.failures = 0 if rule is PER_EMAIL else max(0, row.failures - 1)
            wait = rule.wait(row.failures)
            row.wait_until = None if wait is None else row.wait_until
            row.save()


def _forget_old(at: dt.datetime) -> None:
    # Addresses typed once and never again (a spray of made-up e-mails) must not pile up.
    cutoff = at - PER_EMAIL.window - dt.timedelta(days=1)
    LoginThrottle.delete().where((LoginThrottle.window_start < cutoff)
                                 & ((LoginThrottle.wait_until.is_null())
                                    | (LoginThrottle.wait_until < at))).execute()


def attempt(email: str, password: str, address: str | None) -> tuple[Person | None, str]:
    """(the person when the password is right, else None; a message when it is not)."""
    email = email.strip().lower()
    keys = [(PER_EMAIL, PER_EMAIL.prefix + email[:250]),
            (PER_ADDRESS, PER_ADDRESS.prefix + (address or "onbekend")[:100])]
    at = now()
    if random.random() < 0.01:
        _forget_old(at)
    wait = _claim(keys, at)
    if wait:
        # No password check: an outsider's flood must not cost a hash computation each.
        return None, _wait_message(wait)
    person = Person.get_or_none(Person.email == email)
    if person is None or not person.active:
        # As slow as checking a real password: the answer time must not tell which e-mail
        # addresses have an account.
        waste_password_check(password)
        return None, WRONG
    if not person.check_password(password):
        return None, WRONG
    _give_back(keys)
    return person, ""


def end_sessions(person: Person) -> None:
    """Every log-in cookie of this person stops working (log-out: on every device)."""
    Person.update(session_version=Person.session_version + 1).where(Person.id == person.id).execute()
