"""Log-in rules: throttling of guessed passwords and ending sessions.

Guessing is slowed down, never made impossible for the real user (OWASP's Authentication and
"Slow down online guessing attacks with device cookies" guidance). Every failed attempt counts on:

- the account and the client together (CLIENT_RULE): five free attempts, then a wait before each
  next one, 15 s doubling up to 5 minutes; a right password resets it. The client is the browser's
  device cookie for this account when it has one (given at each successful log-in: a browser this
  account logged in from before), else the client's network address. A stranger guessing from
  another client so never makes the real user wait on theirs;
- for clients without such a cookie only, also the account across clients (ACCOUNT_RULE): twenty
  free in a day, then 1 minute doubling up to 15, which bounds guessing spread over many machines.
  A stranger can keep this going, but it holds only clients the account never logged in from;
- for clients without such a cookie only, also the network address across accounts (ADDRESS_RULE):
  30 failures in 15 minutes, then that address waits (1 minute, doubling up to 15), which stops one
  machine trying many accounts. Behind a web server without POP_TRUSTED_PROXIES every request has
  that server's address: the app logs a warning (pop.web) and browsers with a device cookie still
  get in.

An attempt is claimed (counted as a failure) before its password is checked, in one locked transaction:
of 30 parallel attempts exactly the free ones get their password checked, and none is lost from the
count. A right password then resets its client's and account's count and takes its failure back from
the address. A wait is measured from the failure that started it; attempts during a wait are refused
without being counted, so hammering does not stretch it. Unknown addresses are counted exactly like
known ones, so neither the message nor the waiting tells which e-mail addresses have an account."""
from __future__ import annotations

import datetime as dt
import hashlib
import random
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

from .db import lock_row, write_lock
from .models import LoginThrottle, Person, now, waste_password_check

WRONG = "Dit e-mailadres en wachtwoord horen niet bij elkaar."
DEVICE_COOKIE = "pop_apparaat"
DEVICE_DAYS = 365


@dataclass(frozen=True)
class Rule:
    prefix: str
    free: int  # failures within the window before waiting starts
    window: dt.timedelta  # failures older than this are forgotten
    first_wait: dt.timedelta
    longest_wait: dt.timedelta
    resets: bool  # a right password sets the count back to 0 (else it only takes itself back)

    def wait(self, failures: int) -> dt.timedelta | None:
        if failures < self.free:
            return None
        # The exponent capped: 2 ** 43 of 15 s no longer fits a timedelta (a server error, before).
        return min(self.first_wait * 2 ** min(failures - self.free, 30), self.longest_wait)


CLIENT_RULE = Rule("konto+client:", free=5, window=dt.timedelta(days=1),
                   first_wait=dt.timedelta(seconds=15), longest_wait=dt.timedelta(minutes=5), resets=True)
ACCOUNT_RULE = Rule("konto:", free=20, window=dt.timedelta(days=1),
                    first_wait=dt.timedelta(minutes=1), longest_wait=dt.timedelta(minutes=15), resets=True)
# A log-in with one's own account must not reset what that machine guessed at other accounts.
ADDRESS_RULE = Rule("ip:", free=30, window=dt.timedelta(minutes=15),
                    first_wait=dt.timedelta(minutes=1), longest_wait=dt.timedelta(minutes=15), resets=False)
RULES = (CLIENT_RULE, ACCOUNT_RULE, ADDRESS_RULE)


def _wait_message(seconds: int) -> str:
    if seconds < 60:
        amount = f"{seconds} {'seconde' if seconds == 1 else 'seconden'}"
    else:
        minutes = -(-seconds // 60)
        amount = f"{minutes} {'minuut' if minutes == 1 else 'minuten'}"
    return f"Te veel mislukte pogingen. Probeer het over {amount} opnieuw."


# ---------------------------------------------------------------- device cookies

def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="pop-apparaat")


def device_cookie(secret_key: str, email: str) -> str:
    """The cookie a browser gets at a successful log-in: signed, naming the account and this browser."""
    return _serializer(secret_key).dumps({"e": normal(email), "n": secrets.token_urlsafe(16)})


def device_of(secret_key: str, cookie: str | None, email: str) -> str | None:
    """This browser's id when its cookie is ours, recent and for this account; else None."""
    if not cookie:
        return None
    try:
        data = _serializer(secret_key).loads(cookie, max_age=DEVICE_DAYS * 86400)
    except BadSignature:  # also an expired one
        return None
    if not isinstance(data, dict) or data.get("e") != normal(email) or not isinstance(data.get("n"), str):
        return None
    return data["n"][:40]


# ---------------------------------------------------------------- counting

def normal(email: str) -> str:
    """An address as stored: Anna@Org.nl and anna@org.nl are one account and one count."""
    return email.strip().lower()


def _account(email: str) -> str:
    # A fixed-length key however long the address typed (the column holds 300 characters).
    return hashlib.sha256(email.encode("utf-8")).hexdigest()[:32]


def keys_for(email: str, address: str | None, device: str | None, kind: str = ""
             ) -> list[tuple[Rule, str]]:
    """kind: "" for log-ins; another word ("herstel:") counts that action by the same rules apart, so
    asking for reset mails neither uses up nor resets what a log-in may still try."""
    account = _account(normal(email))
    if device:
        return [(CLIENT_RULE, f"{kind}{CLIENT_RULE.prefix}{account}:apparaat:{device}")]
    address = (address or "onbekend")[:100]
    return [(CLIENT_RULE, f"{kind}{CLIENT_RULE.prefix}{account}:ip:{address}"),
            (ACCOUNT_RULE, kind + ACCOUNT_RULE.prefix + account),
            (ADDRESS_RULE, kind + ADDRESS_RULE.prefix + address)]


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
    """A right password: the client's and the account's count start again; the address only loses this
    attempt."""
    with write_lock():
        for rule, key in keys:
            row = LoginThrottle.get_or_none(LoginThrottle.key == key)
            if row is None:
                continue
            row.failures = 0 if rule.resets else max(0, row.failures - 1)
            if rule.wait(row.failures) is None:
                row.wait_until = None
            row.save()


def _forget_old(at: dt.datetime) -> None:
    # Addresses typed once and never again (a spray of made-up e-mails) must not pile up.
    cutoff = at - max(rule.window for rule in RULES) - dt.timedelta(days=1)
    LoginThrottle.delete().where((LoginThrottle.window_start < cutoff)
                                 & ((LoginThrottle.wait_until.is_null())
                                    | (LoginThrottle.wait_until < at))).execute()


def claim(keys: list[tuple[Rule, str]]) -> str:
    """Count one attempt on these keys: '' when it may go ahead, else the Dutch message to wait."""
    at = now()
    if random.random() < 0.01:
        _forget_old(at)
    wait = _claim(keys, at)
    return _wait_message(wait) if wait else ""


def attempt(email: str, password: str, address: str | None, device: str | None = None
            ) -> tuple[Person | None, str]:
    """(the person when the password is right, else None; a message when it is not). device: this
    browser's id from its device cookie for this account (device_of), if it has one."""
    email = normal(email)
    keys = keys_for(email, address, device)
    wait = claim(keys)
    if wait:
        # No password check: an outsider's flood must not cost a hash computation each.
        return None, wait
    person = Person.get_or_none(Person.email == email)
    if person is None or not person.active:
        # As slow as checking a real password: the answer time must not tell which e-mail
        # addresses have an account.
        waste_password_check(password)
        return None, WRONG
    if not person.check_password(password):
        return None, WRONG
    _give_back(keys)
    from .passwords import rehash_if_weaker  # imports this module
    rehash_if_weaker(person, password)
    return person, ""


def end_sessions(person: Person) -> None:
    """Every log-in cookie of this person stops working (log-out: on every device)."""
    Person.update(session_version=Person.session_version + 1).where(Person.id == person.id).execute()
