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
known ones, so neither the message nor the waiting tells which e-mail addresses have an account.

With the directory (pop/directory.py, POP_LDAP_URL) a log-in goes through the same claim, on the name
typed (an e-mail address or a user name), and then:

- a person in POP with a password of POP's own (HR's emergency account, for when the directory is down)
  logs in with it while local passwords are on (POP_LOCAL_PASSWORDS); that person's password is checked
  first, and without the directory when it is right;
- otherwise, or when that password is wrong, the directory checks the name and password, and
  pop.external_login matches the person it names by e-mail address;
- a wrong password, a name POP and the directory do not know, and (for a local password) an inactive
  account get one and the same message (WRONG_NAME); only after a right password does the page say that
  someone is not in POP, not active, or not in the directory's group for POP. Only a log-in resets the
  counts. A directory that cannot be reached checked nothing: that attempt is taken back from the
  counts (not the earlier ones), so an outage does not make people wait afterwards.

The time of the answer may tell whether a name has a password of POP's own (it is checked first); it
does not tell whether a name exists, in POP or in the directory, beyond the directory's own round trips.

POP_LOCAL_PASSWORDS=0: no password of POP's own is ever checked; the directory or single sign-on alone
logs people in."""
from __future__ import annotations

import datetime as dt
import hashlib
import random
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

from . import directory as ldap
from .db import lock_row, write_lock
from .external_login import person_for
from .models import LoginThrottle, Person, now, waste_password_check

WRONG = "Dit e-mailadres en wachtwoord horen niet bij elkaar."
# With the directory the first field takes a user name too (forms.accounts.login_form).
WRONG_NAME = "Dit e-mailadres of deze gebruikersnaam hoort niet bij dit wachtwoord."
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


def _give_back(keys: list[tuple[Rule, str]], only_this: bool = False) -> None:
    """A right password: the client's and the account's count start again; the address only loses this
    attempt. only_this: nothing was checked (the directory was unreachable): every count loses just this
    attempt."""
    with write_lock():
        for rule, key in keys:
            row = LoginThrottle.get_or_none(LoginThrottle.key == key)
            if row is None:
                continue
            row.failures = 0 if rule.resets and not only_this else max(0, row.failures - 1)
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


@dataclass(frozen=True)
class Outcome:
    """What a log-in attempt came to. A failure says for the security log what to write, unless
    pop.external_login wrote it already (log_kind "")."""

    person: Person | None  # logged in; None when refused
    message: str = ""  # the Dutch message for the page when refused
    how: str = ""  # who vouched for them: "" for POP's own password, else e.g. "directory (LDAP)"
    log_kind: str = ""  # "inloggen_mislukt" or "inloggen_tegengehouden"
    about: Person | None = None  # whom a failure was about, when POP knows them
    detail: str = ""


def log_in(name: str, password: str, address: str | None, device: str | None = None, *,
           local: bool = True, directory: ldap.Settings | None = None) -> Outcome:
    """One log-in attempt with a name (an e-mail address, or with the directory also a user name) and a
    password, by the rules of this module's text. local: passwords of POP's own are on; directory: its
    settings when one is configured. device: this browser's id from its device cookie for this name
    (device_of), if it has one."""
    typed = name.strip()
    name = normal(name)
    wrong = WRONG if directory is None else WRONG_NAME
    keys = keys_for(name, address, device)
    wait = claim(keys)
    if wait:
        # No password check: an outsider's flood must not cost a hash computation (or a bind) each.
        return _refused(wait, "inloggen_tegengehouden", name, directory, looked_up=False)
    person = Person.get_or_none(Person.email == name)
    usable = person is not None and person.active
    checked = False
    if local and (directory is None or (usable and person.password_hash)):
        checked = True
        if not usable:
            # As slow as checking a real password: the answer time must not tell which e-mail
            # addresses have an account.
            waste_password_check(password)
        elif person.check_password(password):
            _give_back(keys)
            from .passwords import rehash_if_weaker  # imports this module
            rehash_if_weaker(person, password)
            return Outcome(person)
    if directory is None:
        if not checked:  # no way to log in with a password at all (the view offers none)
            waste_password_check(password)
        return _refused(wrong, "inloggen_mislukt", name, directory)
    found = ldap.authenticate(directory, typed, password)
    if found.identity is not None:
        matched = person_for(found.identity)  # writes its own security log line when it refuses
        if isinstance(matched, str):
            return Outcome(None, matched)
        _give_back(keys)
        return Outcome(matched, how=ldap.SOURCE)
    if found.problem == ldap.UNAVAILABLE:
        if not checked:
            _give_back(keys, only_this=True)
        return _refused(ldap.UNAVAILABLE_TEXT, "inloggen_mislukt", name, directory,
                        why=f"de directory was niet bereikbaar (via {ldap.SOURCE})", looked_up=False)
    if found.problem == ldap.NOT_IN_GROUP:
        return _refused(ldap.NOT_IN_GROUP_TEXT, "inloggen_mislukt", name, directory, found.email,
                        f"niet in de groep voor POP (POP_LDAP_GROUP_DN, via {ldap.SOURCE})")
    return _refused(wrong, "inloggen_mislukt", name, directory, found.email)


def _refused(message: str, kind: str, name: str, directory: ldap.Settings | None, email: str = "",
             why: str = "", looked_up: bool = True) -> Outcome:
    """A refusal, with whom it was about for the log: the person the directory's entry names, else the
    one with the address typed; the name typed when POP knows no one by it (only the log says so; the
    page answers the same). looked_up: False when the directory was not asked (a wait, an outage), so
    a user name is not known to be unknown."""
    about = Person.get_or_none(Person.email == normal(email)) if email else None
    about = about or Person.get_or_none(Person.email == name)
    if about is None and directory is None:
        detail = f"onbekend e-mailadres: {name}"
    elif about is None:
        detail = f"{'onbekende' if looked_up else 'ingetypte'} naam: {name}"
    else:
        detail = "" if about.active else "account is niet actief"
    if not why and directory is not None and kind == "inloggen_mislukt":
        why = f"via {ldap.SOURCE}"
    detail = "; ".join(part for part in (detail, why) if part)
    return Outcome(None, message, log_kind=kind, about=about, detail=detail)


def attempt(email: str, password: str, address: str | None, device: str | None = None
            ) -> tuple[Person | None, str]:
    """POP's own password only (changing one's password checks the current one this way): (the person
    when the password is right, else None; a message when it is not)."""
    outcome = log_in(email, password, address, device)
    return outcome.person, outcome.message


def end_sessions(person: Person) -> None:
    """Every log-in cookie of this person stops working (log-out: on every device)."""
    Person.update(session_version=Person.session_version + 1).where(Person.id == person.id).execute()
