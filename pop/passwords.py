"""Passwords people manage themselves: HR's invitation, a forgotten password, changing one's own, and
the hash parameters.

A link that sets a password (an invitation, 7 days; a reset, 1 hour) carries a random token, signed
with the app's secret key (itsdangerous, per purpose), so a link that was not made here is refused before
the database is asked. The database keeps only the token's SHA-256 (AccountToken), with its purpose,
person, expiry and when it was used: a copy of the database opens no account, and the link works once.
Opening the link changes nothing (mail scanners open links before people do); only posting the new
password uses it, in the same transaction that sets the password, and the other links of that person go
with it. The expiry is the database row's, read with models.now, so the tests move one clock.

Reset mails are asked for on a page that answers every address the same (ASKED); asking is counted by
the log-in rules of pop.login, on counters of their own ("herstel:").

POP_LOCAL_PASSWORDS=0 (local_passwords) switches all of this off for an organisation whose people log
in with the directory or single sign-on only: no password is changed, reset, set through a link or
asked for by HR, and the pages say so (off_text) where people would look for them."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
import threading
from dataclasses import dataclass
from email.message import EmailMessage

from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.security import generate_password_hash

from . import login, reminders
from .db import database
from .models import AccountToken, Person, _dummy_hash, _hash_method, now

log = logging.getLogger(__name__)

MIN_LENGTH = 8  # the app's rule since release 0.1 (the people form, create-user)
TOO_SHORT = f"Een wachtwoord heeft minstens {MIN_LENGTH} tekens."
NOT_THE_SAME = "De twee wachtwoorden zijn niet gelijk."

INVITATION, RESET = "uitnodiging", "herstel"
VALID = {INVITATION: dt.timedelta(days=7), RESET: dt.timedelta(hours=1)}
# The one answer to "wachtwoord vergeten", whether or not the address has an account.
ASKED = ("Als dit e-mailadres bij een account hoort, is er nu een e-mail onderweg met een link om een "
         "nieuw wachtwoord te kiezen. De link is een uur geldig.")
RESET_THROTTLE = "herstel:"


# ---------------------------------------------------------------- on or off

def local_passwords(config) -> bool:
    """POP's own passwords are on (the default); POP_LOCAL_PASSWORDS=0 switches them off."""
    return bool(config.get("POP_LOCAL_PASSWORDS", True))


def _other_ways(config, own: bool) -> list[str]:
    ways = []
    if (config.get("POP_LDAP_URL") or "").strip():
        ways.append("uw netwerkaccount (de directory)" if own else "de directory")
    if config.get("POP_OIDC_ISSUER"):
        ways.append(config.get("POP_OIDC_NAME") or "single sign-on")
    return ways


def other_way(config) -> bool:
    """The directory or single sign-on can log people in."""
    return bool(_other_ways(config, True))


def login_way(config, own: bool = True) -> str:
    """How people log in besides POP's passwords, in words: "uw netwerkaccount (de directory)" (own:
    said to the person; else "de directory"), "Keycloak", or both."""
    return " of ".join(_other_ways(config, own)) or "de directory of single sign-on"


def off_text(config) -> str:
    """Said where someone looks for a password of POP's own while they are off."""
    return (f"POP heeft geen eigen wachtwoorden: u logt in met {login_way(config)}. Uw wachtwoord "
            "wijzigt of herstelt u daar, niet in POP. Lukt dat niet, dan helpt de servicedesk.")


def off_text_hr(config) -> str:
    """The same for HR on the people pages."""
    return (f"De wachtwoorden van POP staan uit (POP_LOCAL_PASSWORDS=0): iedereen logt in via "
            f"{login_way(config, own=False)}. Een nieuwe persoon heeft geen wachtwoord of uitnodiging nodig.")


# ---------------------------------------------------------------- hashes

def method_of(password_hash: str) -> str:
    return password_hash.split("$", 1)[0]


def current_method() -> str:
    """The configured method as Werkzeug writes it into a hash ("scrypt" -> "scrypt:32768:8:1"), read
    from the cached hash the log-in compares unknown accounts against: no extra hash computed."""
    return method_of(_dummy_hash(_hash_method()))


def needs_rehash(password_hash: str) -> bool:
    return bool(password_hash) and method_of(password_hash) != current_method()


def rehash_if_weaker(person: Person, password: str) -> None:
    """After a right password: a hash made with other parameters (Werkzeug's N=2^15 of earlier
    releases) is made again with the current ones. The session version stays: it is the same
    password, so no session has reason to end. Only when the hash is still the one just checked, so a
    password changed in between is never overwritten with the old one."""
    old = person.password_hash
    if not needs_rehash(old):
        return
    new = generate_password_hash(password, method=_hash_method())
    if Person.update(password_hash=new).where((Person.id == person.id)
                                              & (Person.password_hash == old)).execute():
        person.password_hash = new


# ---------------------------------------------------------------- links

def _serializer(secret_key: str, purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=f"pop-{purpose}")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(person: Person, purpose: str, secret_key: str) -> str:
    """A new link's token for this person (the signed text that goes into the URL). Earlier unused links
    of the same purpose stop working: only the newest invitation or reset mail counts."""
    raw = secrets.token_urlsafe(32)
    at = now()
    with database.atomic():
        AccountToken.delete().where((AccountToken.person == person.id) & (AccountToken.purpose == purpose)
                                    & AccountToken.used_at.is_null()).execute()
        # Rows long past their expiry tell nothing any more.
        AccountToken.delete().where(AccountToken.expires_at < at - dt.timedelta(days=30)).execute()
        AccountToken.create(token_hash=_digest(raw), purpose=purpose, person=person.id, created_at=at,
                            expires_at=at + VALID[purpose])
    return _serializer(secret_key, purpose).dumps(raw)


@dataclass(frozen=True)
class Found:
    token: AccountToken | None
    problem: str  # "" when the link may be used; else ongeldig | gebruikt | verlopen


def find(signed: str, purpose: str, secret_key: str) -> Found:
    try:
        raw = _serializer(secret_key, purpose).loads(signed)  # signature compared in constant time
    except BadSignature:
        return Found(None, "ongeldig")
    if not isinstance(raw, str):
        return Found(None, "ongeldig")
    digest = _digest(raw)
    # Found by its SHA-256: what a lookup's timing could tell is about a hash of a random value, not
    # about the token; the comparison after it is constant-time all the same.
    row = AccountToken.get_or_none((AccountToken.token_hash == digest) & (AccountToken.purpose == purpose))
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        # Signed by us but not in the table: replaced by a newer link, or used and then cleaned up.
        return Found(None, "gebruikt")
    if row.used_at is not None:
        return Found(row, "gebruikt")
    if row.expires_at <= now():
        return Found(row, "verlopen")
    if not row.person.active:
        return Found(row, "ongeldig")
    return Found(row, "")


def use(token: AccountToken, password: str) -> bool:
    """Set the password through this link, once: False when another request used it first. Every other
    open link of the person goes too, and every session ends (Person.set_password)."""
    at = now()
    with database.atomic():
        claimed = AccountToken.update(used_at=at).where(
            (AccountToken.id == token.id) & AccountToken.used_at.is_null() & (AccountToken.expires_at > at)
        ).execute()
        if not claimed:
            return False
        set_password(Person.get_by_id(token.person_id), password)
    return True


def set_password(person: Person, password: str) -> None:
    """A new password: sessions on the old one end, and links that would set another one stop working."""
    with database.atomic():
        person.set_password(password)
        person.save(only=[Person.password_hash, Person.session_version])
        AccountToken.update(used_at=now()).where((AccountToken.person == person.id)
                                                 & AccountToken.used_at.is_null()).execute()


def throttle_reset(email: str, address: str | None, device: str | None) -> str:
    """Count one request for a reset mail by the log-in rules (apart from log-ins): '' or the wait."""
    return login.claim(login.keys_for(email, address, device, kind=RESET_THROTTLE))


# ---------------------------------------------------------------- mail

def mail_settings(config) -> reminders.Settings:
    return reminders.Settings.from_config(config)


def mail_ready(config) -> bool:
    settings = mail_settings(config)
    return settings.enabled and not settings.missing()


def link_url(config, path: str, external: str) -> str:
    """The address in the mail or on HR's page: POP_BASE_URL when set (the address people know), else
    the one this request came in on."""
    base = mail_settings(config).base_url
    return base + path if base else external


def texts(person: Person, purpose: str, url: str) -> tuple[str, str]:
    name = reminders.one_line(person.naam)
    if purpose == INVITATION:
        subject = "Uitnodiging voor POP, het Persoonlijk Ontwikkelplan"
        body = (f"Beste {name},\n\nU bent uitgenodigd voor POP, waarin u uw persoonlijk ontwikkelplan "
                "bijhoudt. Kies via deze link uw wachtwoord:\n"
                f"{url}\n\nDe link is 7 dagen geldig en werkt één keer. Daarna logt u in met uw "
                f"e-mailadres {person.email} en het wachtwoord dat u koos.\n")
    else:
        subject = "Nieuw wachtwoord voor POP"
        body = (f"Beste {name},\n\nIemand (hopelijk u) vroeg om een nieuw wachtwoord voor POP. Kies het via "
                f"deze link:\n{url}\n\nDe link is een uur geldig en werkt één keer. Vroeg u niets aan? "
                "Dan kunt u deze e-mail negeren: uw wachtwoord blijft hetzelfde.\n")
    footer = "\n-- \nDit is een automatisch bericht van POP, het Persoonlijk Ontwikkelplan.\n"
    return subject, body + footer


def send(config, person: Person, purpose: str, url: str) -> None:
    """One mail through the reminders' SMTP settings and connection; raises reminders.MailFailed."""
    _deliver(mail_settings(config), _message(mail_settings(config), person, purpose, url))


_sending: list[threading.Thread] = []


def send_later(config, person: Person, purpose: str, url: str) -> None:
    """The reset mail, sent after the answer: a page that waited for the mail server only for known
    addresses would tell by its speed which addresses have an account. A failure goes to the log."""
    settings = mail_settings(config)
    mail = _message(settings, person, purpose, url)  # made here: the thread needs no database

    def deliver():
        try:
            _deliver(settings, mail)
        except reminders.MailFailed as exc:
            log.error("Herstelmail aan %s niet verstuurd: %s", mail["To"], exc)

    thread = threading.Thread(target=deliver, name="pop-herstelmail", daemon=True)
    _sending[:] = [t for t in _sending if t.is_alive()] + [thread]
    thread.start()


def wait_for_mail(timeout: float = 30) -> None:
    """Until the mails sent in the background have gone (the tests, before reading the inbox)."""
    for thread in list(_sending):
        thread.join(timeout)


def _message(settings: reminders.Settings, person: Person, purpose: str, url: str) -> EmailMessage:
    subject, body = texts(person, purpose, url)
    return reminders.mail_to(settings, [(person.naam, person.email)], subject, body)


def _deliver(settings: reminders.Settings, mail: EmailMessage) -> None:
    smtp = reminders._connect(settings)  # the reminders' connection: STARTTLS, log-in, Dutch errors
    try:
        try:
            smtp.send_message(mail)
        except Exception as exc:  # noqa: BLE001 - a refused address or a dropped line: said in Dutch
            raise reminders.MailFailed(f"De mailserver nam de e-mail niet aan: {exc}") from exc
    finally:
        reminders._close(smtp)
