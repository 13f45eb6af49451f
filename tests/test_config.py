"""One rule for every setting (pop/config.py): defaults < instance/config.py < POP_* environment <
create_app(test_config); each read into its type once, at start, a bad value refused there with its
name and where it came from; every setting in the README's one table."""
import logging
import re
from pathlib import Path

import pytest

from app import create_app
from pop import config
from pop.config import SETTINGS, ConfigError

ROOT = Path(__file__).resolve().parents[1]
# Candidate texts for a setting's value; two that its kind reads differently show where a value came
# from without knowing every kind by name.
SAMPLES = ["7", "3", "1", "0", "200", "300", "2,5", "https://a.example", "https://b.example", "Europe/London",
           "America/Lima", "DEBUG", "ERROR", "sqlite:///a.sqlite3", "sqlite:///b.sqlite3", "mail,uid", "x"]


def two_values(setting):
    read = {}
    for sample in SAMPLES:
        try:
            value = setting.parse(sample)
        except ValueError:
            continue
        if value not in read.values():
            read[sample] = value
        if len(read) == 2:
            return list(read.items())
    raise AssertionError(f"no two samples for {setting.name}")


def write_instance_file(folder: Path, text: str) -> None:
    (folder / config.INSTANCE_FILE).write_text(text, encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_follows_the_one_rule(setting, tmp_path):
    (file_text, file_value), (env_text, env_value) = two_values(setting)
    key = setting.config_key
    assert config.load(str(tmp_path), {}).values[key] == (
        "sqlite:///" + str(tmp_path / "pop.sqlite3") if setting.name == "DATABASE_URL" else setting.default)
    write_instance_file(tmp_path, f"{setting.name} = {file_text!r}\n")
    assert config.load(str(tmp_path), {}).values[key] == file_value  # the file over the default
    environ = {setting.name: env_text}
    assert config.load(str(tmp_path), environ).values[key] == env_value  # the environment over the file
    # The tests' own config over everything, by the app's key or the setting's name.
    assert config.load(str(tmp_path), environ, {key: file_text}).values[key] == file_value
    assert config.load(str(tmp_path), environ, {setting.name: file_text}).values[key] == file_value


def test_values_are_read_into_their_types(tmp_path):
    write_instance_file(tmp_path, "POP_LDAP_LOGIN_ATTRIBUTES = ['mail', 'uid']\nPOP_PDF_WARM = False\n")
    values = config.load(str(tmp_path), {
        "POP_SMTP_PORT": " 2525 ", "POP_SMTP_STARTTLS": "nee", "POP_SECURE_COOKIES": "true",
        "POP_LOCAL_PASSWORDS": "0", "POP_PDF_TIMEOUT": "12,5", "POP_PDF_MAX_PARALLEL": "",
        "POP_TRUSTED_PROXIES": "1", "POP_LOG_LEVEL": "warning", "POP_LDAP_TIMEOUT": "3"}).values
    assert values["POP_SMTP_PORT"] == 2525 and values["POP_SMTP_STARTTLS"] is False
    assert values["SESSION_COOKIE_SECURE"] is True and values["POP_LOCAL_PASSWORDS"] is False
    assert values["POP_PDF_TIMEOUT"] == 12.5 and values["POP_PDF_MAX_PARALLEL"] is None  # empty: the CPUs
    assert values["POP_TRUSTED_PROXIES"] == 1 and values["POP_LOG_LEVEL"] == "WARNING"
    assert values["POP_LDAP_LOGIN_ATTRIBUTES"] == ("mail", "uid") and values["POP_PDF_WARM"] is False
    assert values["POP_LDAP_TIMEOUT"] == 3


@pytest.mark.parametrize("name, value, reason", [
    ("POP_SMTP_PORT", "587x", "geen geheel getal"),
    ("POP_SMTP_PORT", "70000", "groter dan 65535"),
    ("POP_TRUSTED_PROXIES", "-1", "kleiner dan 0"),
    ("POP_SECURE_COOKIES", "misschien", "geen aan of uit"),
    ("POP_PDF_TIMEOUT", "0", "moet meer dan 0 zijn"),
    ("POP_PDF_TIMEOUT", "nan", "geen aantal seconden"),
    ("POP_TIMEZONE", "Europe/Amsterdm", "geen bekende tijdzone"),
    ("POP_BASE_URL", "pop.intranet.nl", "geen webadres"),
    ("POP_LOG_LEVEL", "luid", "kies DEBUG, INFO, WARNING of ERROR"),
])
def test_a_bad_value_is_refused_naming_the_setting_where_it_came_from_and_why(tmp_path, name, value, reason):
    with pytest.raises(ConfigError) as refused:
        config.load(str(tmp_path), {name: value})
    assert str(refused.value).startswith(f"{name}={value!r} (omgevingsvariabele): {reason}")
    write_instance_file(tmp_path, f"{name} = {value!r}\n")
    with pytest.raises(ConfigError) as refused:
        config.load(str(tmp_path), {})
    assert str(refused.value).startswith(f"{name}={value!r} ({tmp_path / 'config.py'}): {reason}")


def test_a_secret_is_never_repeated_in_the_message(tmp_path):
    with pytest.raises(ConfigError) as refused:
        config.load(str(tmp_path), {"DATABASE_URL": "geheim-wachtwoord"})
    assert str(refused.value).startswith("DATABASE_URL (omgevingsvariabele): geen database-adres")
    assert "geheim" not in str(refused.value)


def test_an_instance_file_that_cannot_be_read_names_itself(tmp_path):
    write_instance_file(tmp_path, "POP_SMTP_PORT = = 25\n")
    with pytest.raises(ConfigError, match=re.escape(str(tmp_path / "config.py")) + " kan niet worden gelezen"):
        config.load(str(tmp_path), {})


def test_create_app_takes_the_environment_typed_and_refuses_a_bad_value_at_start(tmp_path, monkeypatch):
    monkeypatch.setenv("POP_SMTP_PORT", "2525")
    monkeypatch.setenv("POP_SECURE_COOKIES", "1")
    monkeypatch.setenv("POP_TRUSTED_PROXIES", "2")
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url})
    assert app.config["POP_SMTP_PORT"] == 2525 and app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["POP_TRUSTED_PROXIES"] == 2 and app.config["POP_PDF_WARM"] is True
    monkeypatch.setenv("POP_PDF_TIMEOUT", "twintig")
    with pytest.raises(ConfigError, match=r"^POP_PDF_TIMEOUT='twintig' \(omgevingsvariabele\): geen aantal"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url})


def test_a_pop_name_that_is_no_setting_is_a_warning_and_the_tests_own_switches_are_not(tmp_path, monkeypatch,
                                                                                          caplog):
    write_instance_file(tmp_path, "SECRET_KEY = 'x'\nPOP_SMTP_POORT = 25\nSESSION_COOKIE_NAME = 'pop'\n")
    loaded = config.load(str(tmp_path), {"POP_SMTP_HOTS": "mail", "POP_TEST_POSTGRES": "x",
                                         "POP_REQUIRE_BROWSER": "1"})
    file = tmp_path / "config.py"
    assert loaded.unknown == [f"SECRET_KEY ({file}; schrijf POP_SECRET_KEY)", f"POP_SMTP_POORT ({file})",
                              "POP_SMTP_HOTS (omgevingsvariabele)"]
    assert loaded.values["SECRET_KEY"] == ""  # Flask's name is not taken for ours
    assert loaded.other == {"SESSION_COOKIE_NAME": "pop"}  # Flask's own settings pass as they are
    monkeypatch.setenv("POP_SMTP_HOTS", "mail")
    caplog.set_level(logging.WARNING, logger="pop.config")
    create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    assert [r.getMessage() for r in caplog.records if r.name == "pop.config"] == [
        "POP_SMTP_HOTS (omgevingsvariabele) is geen instelling van POP en wordt genegeerd (verschreven?)."]


def test_inside_the_app_its_settings_count_outside_it_the_environment(app, monkeypatch):
    monkeypatch.setenv("POP_TEMPLATE_TIMEOUT", "2,5")
    assert config.current("POP_TEMPLATE_TIMEOUT") == 2.5
    with app.app_context():
        assert config.current("POP_TEMPLATE_TIMEOUT") == 5.0  # read at start; later changes are not
    monkeypatch.setenv("POP_TEMPLATE_TIMEOUT", "nul")
    with pytest.raises(ConfigError, match="POP_TEMPLATE_TIMEOUT='nul'"):
        config.current("POP_TEMPLATE_TIMEOUT")


def readme_settings_table() -> list[str]:
    """The first column of the README's settings table (under Operations), each name in it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("\n### Settings\n")
    table = [line for line in text[start:].split("\n### ", 2)[1].splitlines() if line.startswith("| `")]
    return [name for line in table for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split(" | ")[0])]


def test_the_readme_has_every_setting_in_one_table_and_nothing_else():
    names = readme_settings_table()
    assert len(names) == len(set(names)), "a setting twice in the table"
    assert set(names) - {"HOST", "PORT"} == {s.name for s in SETTINGS}  # HOST, PORT: start.sh's own
