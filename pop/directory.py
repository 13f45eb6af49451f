"""Log-in with the organisation's directory: LDAP or Active Directory, through ldap3.

How a name and password are checked (authenticate):

1. An empty password is refused before the directory is asked. A simple bind with a DN and no password
   is an "unauthenticated bind" (RFC 4513 5.1.2): many servers answer it with success, so binding with
   it would log anyone in whose name is known.
2. With the service account (POP_LDAP_BIND_DN / POP_LDAP_BIND_PASSWORD), or anonymously without one,
   POP searches under POP_LDAP_BASE_DN for the one person entry whose login attributes (e-mail,
   sAMAccountName, userPrincipalName, uid, as configured) equal what was typed. The typed text is
   escaped (escape_filter_chars), so "*" or ")(uid=*" is a name like any other, never a wildcard or a
   second condition. No entry, or more than one, is a wrong name: the same answer as a wrong password.
3. With POP_LDAP_GROUP_DN, whether the entry is a member of that group: a search of the group itself
   (base scope) for member=<the entry's DN>, which Active Directory groups and OpenLDAP's groupOfNames
   both answer. Only direct members count, not members of a group inside it.
4. A bind as that entry's DN with the typed password, on the same connection: the directory itself
   checks the password (and refuses a disabled or locked account). Only after a right password does the
   answer tell that someone is not in the group, so a guesser learns nothing about membership.
5. The e-mail address and names from the entry go to pop.external_login as an Identity, which matches
   them to a person in POP.

Each step waits at most POP_LDAP_TIMEOUT seconds (connecting, and each answer); a directory that cannot
be reached, refuses the service account, or answers with an error is UNAVAILABLE: the log-in page says
so in Dutch and the application log says why (never with a password). Passwords travel encrypted with
ldaps:// or POP_LDAP_STARTTLS=1; the server's certificate is always checked, against POP_LDAP_CA_FILE
when set, else against the system's certificate authorities."""
from __future__ import annotations

import ipaddress
import logging
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from ldap3 import ANONYMOUS, BASE, NONE, SIMPLE, SUBTREE, Connection, Server, Tls
from ldap3.core.exceptions import (LDAPException, LDAPInvalidCredentialsResult, LDAPNoSuchObjectResult,
                                   LDAPPasswordIsMandatoryError, LDAPSASLPrepError)
from ldap3.utils.conv import escape_filter_chars

from .external_login import Identity

log = logging.getLogger(__name__)

SOURCE = "directory (LDAP)"
# The outcomes other than a log-in (Outcome.problem).
WRONG, NOT_IN_GROUP, UNAVAILABLE = "fout", "geen_groep", "onbereikbaar"

NOT_IN_GROUP_TEXT = ("Uw account in de directory heeft geen toegang tot POP: het staat niet in de groep die "
                     "POP mag gebruiken. Vraag de servicedesk of uw leidinggevende om u toe te voegen.")
UNAVAILABLE_TEXT = ("Inloggen via de directory lukt op dit moment niet: POP krijgt geen verbinding met de "
                    "directory. Probeer het over een paar minuten opnieuw. Lukt het dan nog niet, meld het "
                    "bij de servicedesk.")

AD_LOGIN_ATTRIBUTES = ("mail", "sAMAccountName", "userPrincipalName")


def _flag(value, default: bool) -> bool:
    # From the environment a text ("1", "0"), from a test's config also a bool.
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "nee", "no", "off")
    return bool(value)


def _names(value, default: tuple[str, ...]) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        found = tuple(str(v).strip() for v in value if str(v).strip())
    else:
        found = tuple(v.strip() for v in (value or "").split(",") if v.strip())
    return found or default


def _seconds(value) -> int:
    try:
        return max(1, int(value or 5))
    except (TypeError, ValueError):
        log.warning("POP_LDAP_TIMEOUT %r is geen aantal seconden; POP wacht 5 seconden.", value)
        return 5


@dataclass(frozen=True)
class Settings:
    """The POP_LDAP_* settings (the README's table)."""

    url: str
    base_dn: str
    starttls: bool = False
    ca_file: str = ""
    bind_dn: str = ""
    bind_password: str = ""
    login_attributes: tuple[str, ...] = AD_LOGIN_ATTRIBUTES
    mail_attribute: str = "mail"
    given_name_attribute: str = "givenName"
    surname_attribute: str = "sn"
    group_dn: str = ""
    user_filter: str = "(objectClass=person)"
    timeout: int = 5  # seconds; whole ones: ldap3 sets the socket's receive time-out as an integer

    @classmethod
    def from_config(cls, config) -> Settings | None:
        """The directory's settings, or None when POP_LDAP_URL is not set (no directory)."""
        url = (config.get("POP_LDAP_URL") or "").strip()
        if not url:
            return None
        return cls(
            url=url, base_dn=(config.get("POP_LDAP_BASE_DN") or "").strip(),
            starttls=_flag(config.get("POP_LDAP_STARTTLS"), False),
            ca_file=(config.get("POP_LDAP_CA_FILE") or "").strip(),
            bind_dn=(config.get("POP_LDAP_BIND_DN") or "").strip(),
            bind_password=config.get("POP_LDAP_BIND_PASSWORD") or "",
            login_attributes=_names(config.get("POP_LDAP_LOGIN_ATTRIBUTES"), AD_LOGIN_ATTRIBUTES),
            mail_attribute=(config.get("POP_LDAP_MAIL_ATTRIBUTE") or "mail").strip(),
            given_name_attribute=(config.get("POP_LDAP_GIVEN_NAME_ATTRIBUTE") or "givenName").strip(),
            surname_attribute=(config.get("POP_LDAP_SURNAME_ATTRIBUTE") or "sn").strip(),
            group_dn=(config.get("POP_LDAP_GROUP_DN") or "").strip(),
            user_filter=(config.get("POP_LDAP_USER_FILTER") or "(objectClass=person)").strip(),
            timeout=_seconds(config.get("POP_LDAP_TIMEOUT")))


def configured(config) -> bool:
    return bool((config.get("POP_LDAP_URL") or "").strip())


@dataclass(frozen=True)
class Outcome:
    identity: Identity | None = None  # the person as the directory knows them, after a right password
    problem: str = ""  # WRONG, NOT_IN_GROUP or UNAVAILABLE when there is no identity
    email: str = ""  # the entry's address when one entry was found, for the security log (also refused)


class _Unavailable(Exception):
    """The directory cannot answer (unreachable, time-out, refused the service account, misconfigured);
    the text, for the application log, says why."""


def authenticate(settings: Settings, name: str, password: str) -> Outcome:
    name = (name or "").strip()
    if not password or not name:
        # Before any bind: an empty password would be an unauthenticated bind (see the module's text).
        return Outcome(problem=WRONG)
    try:
        connection = _connect(settings)
    except _Unavailable as exc:
        return _unavailable(settings, str(exc))
    try:
        return _check(settings, connection, name, password)
    except _Unavailable as exc:
        return _unavailable(settings, str(exc))
    except (LDAPException, OSError) as exc:  # a time-out, a dropped connection, an error answer
        return _unavailable(settings, _why(exc))
    finally:
        _close(connection)


def _check(settings: Settings, connection: Connection, name: str, password: str) -> Outcome:
    entry = _find(settings, connection, name)
    if entry is None:
        return Outcome(problem=WRONG)
    dn, attributes = entry
    email = _first(attributes, settings.mail_attribute)
    member = _member(settings, connection, dn) if settings.group_dn else True
    try:
        # Its answer decides; an exception for a wrong password is not an outage.
        connection.rebind(user=dn, password=password, authentication=SIMPLE, read_server_info=False)
    except LDAPInvalidCredentialsResult:
        return Outcome(problem=WRONG, email=email)
    except (LDAPPasswordIsMandatoryError, LDAPSASLPrepError):
        # A password the protocol cannot carry (SASLprep refuses some characters): it is no one's.
        return Outcome(problem=WRONG, email=email)
    if not member:
        return Outcome(problem=NOT_IN_GROUP, email=email)
    return Outcome(identity=Identity(email=email, voornaam=_first(attributes, settings.given_name_attribute),
                                     achternaam=_first(attributes, settings.surname_attribute), source=SOURCE),
                   email=email)


def _connect(settings: Settings) -> Connection:
    """An open connection, encrypted when configured, bound as the service account or anonymously."""
    parts = urlsplit(settings.url)
    if parts.scheme not in ("ldap", "ldaps") or not parts.hostname:
        raise _Unavailable(f"POP_LDAP_URL {settings.url!r} is geen ldap:// of ldaps://-adres")
    if not settings.base_dn:
        raise _Unavailable("POP_LDAP_BASE_DN is niet ingesteld")
    secure = parts.scheme == "ldaps"
    try:
        port = parts.port or (636 if secure else 389)
    except ValueError:
        raise _Unavailable(f"POP_LDAP_URL {settings.url!r} heeft geen geldige poort") from None
    tls = None
    if secure or settings.starttls:
        # ldap3's own default is not to check the certificate at all: asked for explicitly.
        tls = Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=settings.ca_file or None, sni=parts.hostname)
    elif not _loopback(parts.hostname):
        _warn_plain_once(settings.url)
    server = Server(parts.hostname, port=port, use_ssl=secure, tls=tls, get_info=NONE,
                    connect_timeout=settings.timeout)
    user = settings.bind_dn or None
    connection = Connection(server, user=user, password=settings.bind_password if user else None,
                            authentication=SIMPLE if user else ANONYMOUS, receive_timeout=settings.timeout,
                            # Active Directory answers a search of the whole domain with references to
                            # other partitions; following them costs a connection each and can hang.
                            auto_referrals=False, raise_exceptions=True, read_only=True)
    where = f"{parts.hostname}:{port}"
    try:
        connection.open(read_server_info=False)
        if settings.starttls and not secure:
            connection.start_tls(read_server_info=False)
        connection.bind(read_server_info=False)
    except LDAPInvalidCredentialsResult:
        _close(connection)
        raise _Unavailable(f"de directory {where} weigert het serviceaccount POP_LDAP_BIND_DN "
                           "(verkeerde DN of wachtwoord)") from None
    except (LDAPException, OSError) as exc:  # ssl.SSLError is an OSError
        _close(connection)
        raise _Unavailable(f"geen verbinding met de directory {where}: {_why(exc)}") from None
    return connection


def _close(connection: Connection) -> None:
    try:
        connection.unbind()
    except (LDAPException, OSError):  # a connection that broke already: nothing left to say
        pass
    # ldap3 leaves the socket of a failed open (refused, TLS refused) open: a file handle per attempt.
    sock = getattr(connection, "socket", None)
    if sock is not None:
        try:
            sock.close()
        except OSError:
            pass


def _find(settings: Settings, connection: Connection, name: str) -> tuple[str, dict] | None:
    """(DN, attributes) of the one entry the name belongs to, or None (no entry, or several)."""
    value = escape_filter_chars(name)
    any_of = "".join(f"({attribute}={value})" for attribute in settings.login_attributes)
    wanted = [settings.mail_attribute, settings.given_name_attribute, settings.surname_attribute]
    # Two are enough to know it is not exactly one.
    try:
        connection.search(settings.base_dn, f"(&{settings.user_filter}(|{any_of}))", search_scope=SUBTREE,
                          attributes=wanted, size_limit=2, time_limit=settings.timeout)
    except LDAPNoSuchObjectResult:
        raise _Unavailable(f"POP_LDAP_BASE_DN {settings.base_dn!r} bestaat niet in de directory") from None
    entries = [e for e in connection.response or [] if e.get("type") == "searchResEntry"]
    if len(entries) > 1:
        log.warning("Inloggen via de directory: de ingetypte naam past op meer dan één vermelding (%s); "
                    "niemand is ingelogd. Maak e-mailadressen en gebruikersnamen uniek of beperk "
                    "POP_LDAP_LOGIN_ATTRIBUTES.", "; ".join(e["dn"] for e in entries))
    if len(entries) != 1:
        return None
    return entries[0]["dn"], entries[0].get("attributes") or {}


def _member(settings: Settings, connection: Connection, dn: str) -> bool:
    try:
        connection.search(settings.group_dn, f"(member={escape_filter_chars(dn)})", search_scope=BASE,
                          attributes=["1.1"])  # 1.1: no attributes, only whether it matches (RFC 4511)
    except LDAPNoSuchObjectResult:
        raise _Unavailable(f"de groep POP_LDAP_GROUP_DN {settings.group_dn!r} bestaat niet in de directory "
                           "(of het serviceaccount mag hem niet lezen)") from None
    return any(e.get("type") == "searchResEntry" for e in connection.response or [])


def _why(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


def _first(attributes: dict, name: str) -> str:
    value = attributes.get(name)
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value or "").strip()


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_warned: set[str] = set()


def _warn_plain_once(url: str) -> None:
    if url not in _warned:
        _warned.add(url)
        log.warning("POP_LDAP_URL %s is ldap:// zonder POP_LDAP_STARTTLS=1: wachtwoorden gaan onversleuteld "
                    "naar de directory. Gebruik ldaps:// of zet POP_LDAP_STARTTLS=1.", url)


def _unavailable(settings: Settings, why: str) -> Outcome:
    log.warning("Inloggen via de directory (%s) mislukt: %s", settings.url, why)
    return Outcome(problem=UNAVAILABLE)
