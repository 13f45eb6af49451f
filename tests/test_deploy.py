"""The deployment examples in deploy/ hold together: systemd accepts the units (systemd-analyze verify,
where installed), nginx accepts the site (nginx -t, where installed; POP_REQUIRE_NGINX=1 makes its
absence a failure), the commands the units run are POP's commands with options they take, the
timeouts and sizes fit one another, deploy/pop.env names every setting; and pyproject.toml declares
every library the code imports."""
import ast
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from pop.config import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
INSTALLED = "/srv/pop"  # where the examples say POP lives
ENV_FILE = "/etc/pop.env"
UNITS = sorted(p.name for p in DEPLOY.iterdir() if p.suffix in (".service", ".timer"))
DAILY = ("reminders", "retention")  # the instances of pop-scheduler@


def unit(name: str) -> dict[str, list[tuple[str, str]]]:
    """A unit file's sections, each a list of (key, value): systemd allows a key more than once."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in (DEPLOY / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
            continue
        key, sep, value = line.partition("=")
        assert sep and current is not None, f"{name}: {line!r} is no key=value in a section"
        current.append((key.strip(), value.strip()))
    return sections


def values(name: str, section: str, key: str) -> list[str]:
    return [v for k, v in unit(name).get(section, []) if k == key]


def commands() -> list[tuple[str, list[str]]]:
    """(unit, argv) of every command a service runs, an instance name for %i."""
    found = []
    for name in UNITS:
        if not name.endswith(".service"):
            continue
        for key in ("ExecStartPre", "ExecStart"):
            for line in values(name, "Service", key):
                argv = [a.strip('"') for a in re.findall(r'"[^"]*"|\S+', line.lstrip("-+!@"))]
                for instance in (DAILY if "%i" in argv else [None]):
                    found.append((name, [instance if a == "%i" else a for a in argv]))
    return found


def test_the_units_are_the_app_the_worker_and_the_daily_tasks():
    assert UNITS == ["pop-scheduler@.service", "pop-scheduler@.timer", "pop-worker.service", "pop.service"]
    for name in UNITS:
        assert values(name, "Unit", "Description"), name
    for name in ("pop.service", "pop-worker.service", "pop-scheduler@.service"):
        assert values(name, "Service", "User") == ["pop"], name
        assert values(name, "Service", "WorkingDirectory") == [INSTALLED], name
        assert values(name, "Service", "EnvironmentFile") == [ENV_FILE], name
    assert values("pop.service", "Install", "WantedBy") == ["multi-user.target"]
    assert values("pop-worker.service", "Install", "WantedBy") == ["multi-user.target"]
    assert values("pop-scheduler@.service", "Service", "Type") == ["oneshot"]
    assert values("pop-scheduler@.timer", "Timer", "OnCalendar") and \
        values("pop-scheduler@.timer", "Install", "WantedBy") == ["timers.target"]
    # The instances the comments tell an administrator to enable are the ones checked below.
    text = (DEPLOY / "pop-scheduler@.timer").read_text()
    assert sorted(set(re.findall(r"pop-scheduler@(\w+)\.timer", text))) == sorted(DAILY)


def test_every_command_a_unit_runs_is_pops_with_options_it_takes(app):
    seen = set()
    for name, argv in commands():
        program = argv[0]
        assert program.startswith(f"{INSTALLED}/.venv/bin/"), (name, program)
        assert (ROOT / ".venv/bin" / Path(program).name).exists() or shutil.which(Path(program).name), program
        if Path(program).name == "flask":
            assert argv[1:3] == ["--app", "app"], (name, argv)
            command = app.cli.get_command(None, argv[3])
            assert command is not None, f"{name}: flask --app app {argv[3]} is no command of POP"
            rest = argv[4:]
            while hasattr(command, "get_command") and rest:  # a group: flask db upgrade
                command, rest = command.get_command(None, rest[0]), rest[1:]
                assert command is not None, (name, argv)
            command.make_context(argv[3], list(rest))  # its options parse (click raises if not)
            seen.add(argv[3])
        else:
            assert Path(program).name == "gunicorn", (name, program)
            options = gunicorn_options(argv[1:])
            assert options.args == ["app:serve()"] and options.preload_app, argv
            seen.add("gunicorn")
    assert seen == {"gunicorn", "db", "worker", *DAILY}


def gunicorn_options(args: list[str]):
    from gunicorn.config import Config

    return Config().parser().parse_args(args)  # gunicorn's own parser: an unknown option exits


def nginx_site() -> str:
    return (DEPLOY / "nginx-pop.conf").read_text(encoding="utf-8")


def nginx_value(directive: str) -> str:
    found = re.findall(rf"^\s*{directive}\s+([^;]+);", nginx_site(), re.M)
    assert len(found) == 1, (directive, found)
    return found[0].strip()


def seconds(nginx_time: str) -> int:
    number, unit_ = re.fullmatch(r"(\d+)([sm]?)", nginx_time).groups()
    return int(number) * (60 if unit_ == "m" else 1)


def test_the_app_gunicorn_serves_has_every_forms_default_word_layout_built_before_the_fork(app, monkeypatch):
    """start.sh and the unit serve app:serve() with --preload: the default layouts are built once in the
    master, not by every worker on its first download (0.4-3 s each)."""
    import app as app_module
    from exports.templates import compiled_default_docx
    from forms import FORMS

    monkeypatch.setattr(app_module, "create_app", lambda: app)  # the tests' app, not instance/'s
    compiled_default_docx.cache_clear()
    assert app_module.serve() is app
    built = compiled_default_docx.cache_info()
    assert built.misses == len(FORMS) == built.currsize and len(FORMS) >= 4
    for form_key in FORMS:
        compiled_default_docx(form_key)
    assert compiled_default_docx.cache_info().misses == len(FORMS)  # every one was there already


def test_timeouts_sizes_and_the_proxy_fit_pop_and_gunicorn(app):
    (start,) = [argv for name, argv in commands() if name == "pop.service" and argv[0].endswith("gunicorn")]
    options = gunicorn_options(start[1:])
    pdf_longest = app.config["POP_PDF_WAIT"] + app.config["POP_PDF_TIMEOUT"]
    assert pdf_longest < options.timeout < seconds(nginx_value("proxy_read_timeout"))
    assert nginx_value("proxy_pass") == f"http://{options.bind[0]}"
    body = nginx_value("client_max_body_size")
    assert body.endswith("m") and app.config["MAX_CONTENT_LENGTH"] < int(body[:-1]) * 2**20 <= \
        app.config["MAX_CONTENT_LENGTH"] + 2**20  # POP refuses past its limit with its own Dutch page
    headers = dict(re.findall(r"^\s*proxy_set_header\s+(\S+)\s+([^;]+);", nginx_site(), re.M))
    # What ProxyFix (x_for, x_proto) and pop/logs.py read behind POP_TRUSTED_PROXIES=1.
    assert headers == {"Host": "$host", "X-Forwarded-For": "$proxy_add_x_forwarded_for",
                       "X-Forwarded-Proto": "$scheme", "X-Request-ID": "$request_id"}
    assert "$request_uri" not in nginx_value("log_format") and "$request " not in nginx_site()
    assert nginx_value("ssl_certificate") and "listen 443 ssl;" in nginx_site()


def installed_copy(tmp_path: Path) -> Path:
    """The units as if installed: this checkout for /srv/pop, a copy of pop.env for /etc/pop.env."""
    (tmp_path / "pop.env").write_text((DEPLOY / "pop.env").read_text())
    for name in UNITS:
        text = (DEPLOY / name).read_text().replace(INSTALLED, str(ROOT)).replace(ENV_FILE, str(tmp_path / "pop.env"))
        (tmp_path / name).write_text(text)
    return tmp_path


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_units(tmp_path):
    folder = installed_copy(tmp_path)
    names = ["pop.service", "pop-worker.service"] + [f"pop-scheduler@{i}.{kind}" for i in DAILY
                                                      for kind in ("service", "timer")]
    result = subprocess.run(["systemd-analyze", "verify", *[str(folder / n) for n in names]],
                            capture_output=True, text=True, timeout=60)
    # Warnings (an unknown key, a misspelt section) come with exit status 0: any word about our files
    # fails too.
    ours = [line for line in (result.stdout + result.stderr).splitlines() if "pop" in line]
    assert result.returncode == 0 and ours == [], result.stdout + result.stderr


def test_nginx_accepts_the_site(tmp_path):
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if nginx is None:
        if os.environ.get("POP_REQUIRE_NGINX") == "1":
            pytest.fail("nginx is not installed (apt-get install nginx), and POP_REQUIRE_NGINX=1")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=pop.test",
                    "-days", "1", "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
                   check=True, capture_output=True, timeout=60)
    site = nginx_site().replace(nginx_value("ssl_certificate"), str(tmp_path / "cert.pem")) \
        .replace(nginx_value("ssl_certificate_key"), str(tmp_path / "key.pem")) \
        .replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
                                         f"events {{}}\nhttp {{\n    include {tmp_path}/site.conf;\n}}\n")
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                             "-e", str(tmp_path / "error.log")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "[warn]" not in result.stderr, result.stderr


def env_lines() -> list[tuple[bool, str, str]]:
    """(active, name, value) of each NAME=value line of deploy/pop.env, a '#NAME=' line inactive."""
    found = []
    for line in (DEPLOY / "pop.env").read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"(#?)([A-Z][A-Z0-9_]*)=(.*)", line)
        if match:
            found.append((not match[1], match[2], match[3].strip('"')))
    return found


def test_pop_env_names_every_setting_once_and_what_it_sets_is_read(tmp_path):
    from pop import config

    names = [name for _, name, _ in env_lines()]
    assert sorted(names) == sorted(s.name for s in SETTINGS), "deploy/pop.env and pop/config.py differ"
    active = {name: value for on, name, value in env_lines() if on}
    assert {"DATABASE_URL", "POP_TRUSTED_PROXIES", "POP_SECURE_COOKIES", "POP_BASE_URL"} <= set(active)
    read = config.load(str(tmp_path), active).values
    assert read["POP_TRUSTED_PROXIES"] == 1 and read["SESSION_COOKIE_SECURE"] is True
    for on, name, value in env_lines():  # each default written is the default, read the same way
        setting = config.BY_NAME[name]
        if not on and value and setting.default not in (None, ""):
            assert setting.parse(value) == setting.parse(setting.default), name


# ---------------------------------------------------------------- what is imported is declared

LOCAL = {"pop", "exports", "forms", "app", "__future__"}
NOT_FROM_PYPI = {"uno", "com"}  # LibreOffice's UNO, under Debian's python3-uno (exports/pdf/warm.py)


def imported_top_names() -> dict[str, str]:
    files = [ROOT / "app.py"] + [p for d in ("pop", "exports", "forms") for p in (ROOT / d).rglob("*.py")]
    found = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top not in sys.stdlib_module_names and top not in LOCAL | NOT_FROM_PYPI:
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_library_the_code_imports_is_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    # The app's dependencies, and the driver of the database it may use instead of SQLite (the extra
    # "postgres"); not the test extra's.
    declared = {normal(Requirement(r).name)
                for r in project["dependencies"] + project["optional-dependencies"]["postgres"]}
    distributions = importlib.metadata.packages_distributions()
    missing = []
    for top, where in imported_top_names().items():
        names = {normal(d) for d in distributions.get(top, [top])}
        if not names & declared:
            missing.append(f"{where} imports {top} ({', '.join(sorted(names))})")
    assert missing == [], "not in pyproject's dependencies: " + "; ".join(missing)
