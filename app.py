"""POP: the personal development plan cycle on the intranet.

    flask --app app run        # serve (the database is created on first run)
    flask --app app demo       # fill an empty database with a small demo organisation
"""
import os
import secrets
from pathlib import Path

from flask import Flask


def _secret_key(instance_path: str) -> str:
    """POP_SECRET_KEY when set; otherwise one generated on first run and kept in the instance folder,
    so sessions survive a restart and no key is ever shipped in the code."""
    if os.environ.get("POP_SECRET_KEY"):
        return os.environ["POP_SECRET_KEY"]
    path = Path(instance_path, "secret_key")
    if not path.exists():
        # Written owner-only from the first byte (write-then-chmod left it readable for a moment), and
        # put in place with link(), which never replaces a file: of two workers starting together,
        # one key wins and both read that one.
        draft = path.with_name(f"secret_key.{os.getpid()}.tmp")
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    # Owner-only: it holds the database (every plan, the password hashes), the secret key and exports.
    os.makedirs(app.instance_path, mode=0o700, exist_ok=True)
    app.config.from_mapping(
        DATABASE_URL=os.environ.get(
            "DATABASE_URL", "sqlite:///" + os.path.join(app.instance_path, "pop.sqlite3")),
        WTF_CSRF_TIME_LIMIT=None,  # a token lives as long as the session: long answers take time
        WTF_I18N_ENABLED=False,  # use WTForms' own Dutch messages (no Flask-Babel needed)
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        # Behind HTTPS (as an intranet should be) set POP_SECURE_COOKIES=1: the cookie is then never
        # sent over plain HTTP.
        SESSION_COOKIE_SECURE=os.environ.get("POP_SECURE_COOKIES") == "1",
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        # Reminder mails (flask reminders): off while POP_SMTP_HOST is empty. Submission port with
        # STARTTLS by default, so a password is never sent in the clear unless someone chooses to.
        POP_SMTP_HOST=os.environ.get("POP_SMTP_HOST", ""),
        POP_SMTP_PORT=int(os.environ.get("POP_SMTP_PORT") or 587),
        POP_SMTP_USER=os.environ.get("POP_SMTP_USER", ""),
        POP_SMTP_PASSWORD=os.environ.get("POP_SMTP_PASSWORD", ""),
        POP_SMTP_FROM=os.environ.get("POP_SMTP_FROM", ""),
        POP_SMTP_STARTTLS=os.environ.get("POP_SMTP_STARTTLS", "1") != "0",
        POP_BASE_URL=os.environ.get("POP_BASE_URL", ""),  # the address in links, e.g. https://pop.intranet.nl
        POP_REMINDER_AKKOORD_DAYS=int(os.environ.get("POP_REMINDER_AKKOORD_DAYS") or 7),
    )
    # The directory (POP_LDAP_*) and single sign-on (POP_OIDC_*): see the README's table of settings.
    app.config.update({k: v for k, v in os.environ.items() if k.startswith(("POP_LDAP_", "POP_OIDC_"))})
    # POP_LOCAL_PASSWORDS=0: only the directory or single sign-on log people in; POP's own passwords,
    # invitations and resets are off.
    app.config["POP_LOCAL_PASSWORDS"] = os.environ.get("POP_LOCAL_PASSWORDS", "1") != "0"
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app.instance_path)

    proxies = int(os.environ.get("POP_TRUSTED_PROXIES", app.config.get("TRUSTED_PROXIES", 0)) or 0)
    app.config["POP_TRUSTED_PROXIES"] = proxies  # pop.views.auth warns when a proxy is not trusted
    if proxies:
        # Behind the intranet's web server every request comes from that server: the log-in limit per
        # client address needs the address the proxy saw (X-Forwarded-For), trusted for that many hops.
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    from pop import cli, db, web
    db.init_app(app)
    web.init_app(app)
    cli.init_app(app)
    return app
