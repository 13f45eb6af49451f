"""POP: the personal development plan cycle on the intranet.

    flask --app app run        # serve (the database is created on first run)
    flask --app app demo       # fill an empty database with a small demo organisation
    flask --app app version    # the release and the database's schema

Settings: pop/config.py (the README's table).
"""
import gc
import logging
import os
import secrets
from pathlib import Path

from flask import Flask

from pop import config


def _secret_key(instance_path: str) -> str:
    """The key generated on first run and kept in the instance folder (when POP_SECRET_KEY is not set),
    so sessions survive a restart and no key is ever shipped in the code."""
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
        WTF_CSRF_TIME_LIMIT=None,  # a token lives as long as the session: long answers take time
        WTF_I18N_ENABLED=False,  # use WTForms' own Dutch messages (no Flask-Babel needed)
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,  # deploy/nginx-pop.conf's client_max_body_size matches it
    )
    # Every setting of the README's table (POP_*, DATABASE_URL): defaults < instance/config.py <
    # environment < test_config, each read into its type once, here (pop/config.py).
    warnings = config.apply(app, test_config)
    from pop import logs
    logs.init_app(app)  # first: its request line and id wrap everything after it
    for warning in warnings:
        logging.getLogger("pop.config").warning(warning)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app.instance_path)

    proxies = app.config["POP_TRUSTED_PROXIES"]  # pop.views.auth warns when a proxy is not trusted
    if proxies:
        # Behind the intranet's web server every request comes from that server: the log-in limit per
        # client address needs the address the proxy saw (X-Forwarded-For), trusted for that many hops.
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    from pop import cli, db, version, web
    db.init_app(app)
    web.init_app(app)
    cli.init_app(app)
    version.init_app(app)
    return app


def serve() -> Flask:
    """The app as gunicorn serves it (start.sh, deploy/pop.service; both with --preload, so this runs
    once, in gunicorn's master, before it forks the workers). What every worker would otherwise build on
    its first request is built here once and shared by the forks: each form's default Word layout took
    0.4-0.9 s to build, up to 3 s on a busy server, on the first download in every worker after every
    start (bench/load_test.py found it). Not in create_app(): the tests and the commands make apps by the
    hundred and need none of it."""
    app = create_app()
    from exports.templates import warm_defaults
    warm_defaults()
    # Everything built so far lives as long as the process: out of the garbage collector's sight (the
    # gc module's advice for a fork without exec). A worker's first full collection went through the
    # preload's 130,000 objects and wrote to each one's header, copying some 40 MB of pages shared with
    # the master (11,000 page faults, 100-130 ms); each later one took 70 ms (bench/bench_pages.py).
    gc.collect()
    gc.freeze()
    return app

