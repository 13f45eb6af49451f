"""A throwaway OpenLDAP server (Debian's slapd) for the directory log-in tests: its own configuration
and database in a temporary folder, listening on 127.0.0.1 only (plain with StartTLS, and ldaps), a
self-signed certificate for 127.0.0.1, the people of PEOPLE and a groupOfNames; stopped and removed by
stop(). Run as the current user; nothing of the system's own slapd is used or touched."""
from __future__ import annotations

import base64
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

BASE_DN = "dc=test,dc=nl"
PEOPLE_DN = f"ou=mensen,{BASE_DN}"
GROUP_DN = f"cn=pop-gebruikers,ou=groepen,{BASE_DN}"
SERVICE_DN = f"cn=pop,ou=diensten,{BASE_DN}"
SERVICE_PASSWORD = "dienst-geheim-1"


@dataclass(frozen=True)
class Entry:
    uid: str
    mail: str
    given: str
    surname: str
    password: str
    member: bool = True  # of the group that may use POP

    @property
    def dn(self) -> str:
        return f"uid={self.uid},{PEOPLE_DN}"


# The e-mail addresses of the conftest org: a@test.nl is Anna Alfa in POP, hr@test.nl is HR.
PEOPLE = [
    Entry("anna", "a@test.nl", "Anna", "Alfa", "anna-netwerk-1"),
    Entry("bram", "b@test.nl", "Bram", "Beta", "bram-netwerk-1"),
    Entry("hanna", "hr@test.nl", "Hanna", "HR", "hr-netwerk-1"),
    Entry("nina", "nieuw@test.nl", "Nina", "Nieuwkomer", "nina-netwerk-1"),
    Entry("mira", "m2@test.nl", "Mira", "Twee", "mira-netwerk-1", member=False),
    # Two entries with one address: a name that fits both logs nobody in.
    Entry("dubbel1", "dubbel@test.nl", "Dirk", "Dubbel", "dubbel-netwerk-1"),
    Entry("dubbel2", "dubbel@test.nl", "Dora", "Dubbel", "dubbel-netwerk-2"),
]
BY_UID = {p.uid: p for p in PEOPLE}


def program(name: str) -> str | None:
    """The path of slapd or slapadd: in /usr/sbin, which is not on every user's PATH."""
    return shutil.which(name, path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"]))


def _ssha(password: str) -> str:
    # {SSHA} as slappasswd makes it: SHA-1 of password + salt, then the salt.
    salt = os.urandom(8)
    digest = hashlib.sha1(password.encode() + salt).digest()
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


def _ldif() -> str:
    blocks = [f"dn: {BASE_DN}\nobjectClass: dcObject\nobjectClass: organization\no: Test\ndc: test",
              f"dn: {PEOPLE_DN}\nobjectClass: organizationalUnit\nou: mensen",
              f"dn: ou=groepen,{BASE_DN}\nobjectClass: organizationalUnit\nou: groepen",
              f"dn: ou=diensten,{BASE_DN}\nobjectClass: organizationalUnit\nou: diensten",
              f"dn: {SERVICE_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\n"
              f"cn: pop\nuserPassword: {_ssha(SERVICE_PASSWORD)}"]
    for p in PEOPLE:
        blocks.append(f"dn: {p.dn}\nobjectClass: inetOrgPerson\nuid: {p.uid}\ncn: {p.given} {p.surname}\n"
                      f"givenName: {p.given}\nsn: {p.surname}\nmail: {p.mail}\n"
                      f"userPassword: {_ssha(p.password)}")
    members = "".join(f"\nmember: {p.dn}" for p in PEOPLE if p.member)
    blocks.append(f"dn: {GROUP_DN}\nobjectClass: groupOfNames\ncn: pop-gebruikers{members}")
    return "\n\n".join(blocks) + "\n"


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its own CA), made by the openssl command: (certificate,
    key)."""
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key_file), "-out", str(cert_file)], check=True, capture_output=True,
                   timeout=30)
    return cert_file, key_file


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Slapd:
    def __init__(self, folder: Path):
        self.folder = folder
        self.port, self.tls_port = free_port(), free_port()
        self.ca_file, key_file = _certificate(folder)
        (folder / "data").mkdir()
        config = folder / "slapd.conf"
        # userPassword is only for binding, never read; everything else readable by anyone, so that
        # anonymous search can be tested as well as the service account's.
        config.write_text(f"""include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {folder}/slapd.pid
TLSCertificateFile {self.ca_file}
TLSCertificateKeyFile {key_file}
access to attrs=userPassword by anonymous auth by * none
access to * by * read
database mdb
maxsize 10485760
suffix "{BASE_DN}"
rootdn "cn=beheer,{BASE_DN}"
directory {folder}/data
index mail,uid eq
""")
        (folder / "data.ldif").write_text(_ldif())
        subprocess.run([program("slapadd"), "-q", "-f", str(config), "-l", str(folder / "data.ldif")], check=True,
                       capture_output=True, timeout=30)
        self.log = open(folder / "slapd.log", "wb")
        # -d 0: in the foreground (no fork), so the process is ours to stop; its own session, so the
        # whole group goes.
        self.process = subprocess.Popen(
            [program("slapd"), "-f", str(config), "-d", "0",
             "-h", f"ldap://127.0.0.1:{self.port}/ ldaps://127.0.0.1:{self.tls_port}/"],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_until_listening()

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + 15
        for port in (self.port, self.tls_port):
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(f"slapd stopped: {(self.folder / 'slapd.log').read_text()}")
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        self.stop()
                        raise RuntimeError(f"slapd does not listen on {port}")
                    time.sleep(0.02)

    @property
    def url(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def tls_url(self) -> str:
        return f"ldaps://127.0.0.1:{self.tls_port}"

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)
