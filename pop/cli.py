"""Command-line tasks: flask --app app create-user | demo | export | reminders | retention | worker | db."""
import functools

import click
from flask import current_app
from flask.cli import with_appcontext

from .db import upgrade_schema
from .models import ROLES, Person
from .people import save_person
from .schema_cli import db_group


def upgraded(command):
    """The command works on an up-to-date database (the db commands themselves do not: a backup must
    see the database as it was)."""
    if getattr(command, "pop_upgrades", False):  # already wrapped by an earlier create_app()
        return command
    callback = command.callback

    @functools.wraps(callback)
    def run(*args, **kwargs):
        upgrade_schema(current_app)
        return callback(*args, **kwargs)

    command.callback = with_appcontext(run)
    command.pop_upgrades = True
    return command


def init_app(app):
    for command in (create_user, demo, export, reminders, retention, worker):
        app.cli.add_command(upgraded(command))
    app.cli.add_command(db_group)


@click.command("create-user")
@click.option("--email", prompt="E-mailadres")
@click.option("--voornaam", prompt="Voornaam")
@click.option("--achternaam", prompt="Achternaam")
@click.option("--tussenvoegsel", default="")
@click.option("--functie", default="")
@click.option("--afdeling", default="")
@click.option("--role", type=click.Choice(list(ROLES)), default="medewerker", show_default=True)
@click.option("--manager-email", default="", help="E-mailadres van de leidinggevende.")
@click.option("--password", default=None,
              help="Het wachtwoord (anders gevraagd). Niet met POP_LOCAL_PASSWORDS=0: dan logt men in via de "
                   "directory of single sign-on.")
def create_user(email, voornaam, achternaam, tussenvoegsel, functie, afdeling, role, manager_email,
                password):
    """Maak een account aan."""
    from .passwords import local_passwords

    local = local_passwords(current_app.config)
    if not local and password is not None:
        raise click.ClickException("Wachtwoorden van POP zelf staan uit (POP_LOCAL_PASSWORDS=0): laat "
                                   "--password weg; men logt in via de directory of single sign-on.")
    if local and password is None:
        password = click.prompt("Wachtwoord", hide_input=True, confirmation_prompt=True)
    manager = None
    if manager_email:
        manager = Person.get_or_none(Person.email == manager_email.strip().lower())
        if manager is None:
            raise click.ClickException(f"Geen leidinggevende met e-mailadres {manager_email}.")
    if local and len(password) < 8:
        raise click.ClickException("Een wachtwoord heeft minstens 8 tekens.")
    errors = save_person(None, dict(email=email, voornaam=voornaam, achternaam=achternaam,
                                    tussenvoegsel=tussenvoegsel, functie=functie, afdeling=afdeling,
                                    role=role, manager=manager.id if manager else None,
                                    password=password or "", active=True), local_passwords=local,
                         new_department=True)
    if errors:
        raise click.ClickException(" ".join(errors.values()))
    click.echo(f"Account aangemaakt: {email.strip().lower()} ({ROLES[role]}).")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Niets doen (en geen fout) als er al mensen zijn.")
@click.option("--employees", "--medewerkers", type=click.IntRange(min=1, max=100_000), default=None,
              help="Een grote organisatie van zoveel mensen in totaal (de kleine demo erbij), met plannen, "
                   "budgetten en de matrix: om de lijsten van HR te proberen en te meten.")
def demo(if_empty, employees):
    """Vul een lege database met een kleine voorbeeldorganisatie."""
    from .demo import DEMO_PASSWORD, PEOPLE, load_demo

    if Person.select().exists():
        if if_empty:
            click.echo("De database bevat al mensen; de demo-gegevens zijn niet opnieuw geladen.")
            _print_logins()
            return
        raise click.ClickException("De database bevat al mensen. De demo vult alleen een lege database.")
    if employees is not None and employees < len(PEOPLE):
        raise click.ClickException(f"--employees telt de {len(PEOPLE)} demo-accounts mee: geef er minstens "
                                   f"{len(PEOPLE)}.")
    if employees is None:
        load_demo()
    else:
        from .demo_organisation import load_organisation

        load_organisation(employees, report=click.echo)
    click.echo("Demo-organisatie aangemaakt.")
    _print_logins()
    click.echo(f"Wachtwoord voor alle demo-accounts: {DEMO_PASSWORD}")


def _print_logins():
    from .demo import PEOPLE

    click.echo("Demo-accounts:")
    for p in PEOPLE:
        click.echo(f"  {ROLES[p['role']]:<15} {p['email']:<32} {p['functie']}")


@click.command("export")
@click.option("--plan", "plan_id", type=int, help="Het nummer van het plan.")
@click.option("--all", "all_plans", is_flag=True, help="Alle plannen, als zip.")
@click.option("--format", "fmt", type=click.Choice(["docx", "xlsx", "pdf"]), default="docx",
              show_default=True)
@click.option("--afdeling", default="", help="Met --all: alleen deze afdeling.")
@click.option("--periode", default="", help="Met --all: alleen deze periode.")
@click.option("--status", default="", help="Met --all: alleen deze status.")
@click.option("--output", required=True, type=click.Path(dir_okay=False, writable=True))
def export(plan_id, all_plans, fmt, afdeling, periode, status, output):
    """Exporteer een plan (Word, Excel of PDF) of alle plannen (zip), voor archiefscripts."""
    from exports.pdf import convert as pdf
    from exports.bulk import write_zip
    from exports.templates import BulkRenderer, render_docx, render_xlsx

    from . import answers, cycle
    from .access import visible_plans
    from .models import Plan
    from .plans import filter_plans

    if bool(plan_id) == bool(all_plans):
        raise click.UsageError("Geef --plan ID of --all.")
    if all_plans:
        hr = Person(role="hr")  # the command line acts for HR: every plan HR may read
        found = list(filter_plans(visible_plans(hr), afdeling, periode, status).order_by(Plan.id))
        # A plan in its voorbereiding is the employee's alone, for HR's archive too (as on /export).
        plans = [p for p in found if cycle.may(hr, p, "lezen")]
        if len(found) > len(plans):
            click.echo(f"{_count(len(found) - len(plans), 'plan staat', 'plannen staan')} nog in de "
                       "voorbereiding en niet meegenomen: de inhoud is dan nog alleen van de medewerker.",
                       err=True)
        render = BulkRenderer()
        count = write_zip(plans, output, render)
        click.echo(f"{count} plannen geëxporteerd naar {output}.")
        if render.notes():
            click.echo(render.notes(), err=True)
        return
    plan = Plan.get_or_none(Plan.id == plan_id)
    if plan is None:
        raise click.ClickException(f"Er is geen plan met nummer {plan_id}.")
    if not cycle.may(Person(role="hr"), plan, "lezen"):
        raise click.ClickException(f"Plan {plan_id} staat nog in de voorbereiding: de inhoud is dan nog "
                                   "alleen van de medewerker. Er is niets geëxporteerd.")
    definition, values = answers.form_of(plan), answers.load(plan)
    warn = lambda note: click.echo(note, err=True)  # noqa: E731
    if fmt == "xlsx":
        data = render_xlsx(plan, definition, values, on_fallback=warn)
    else:
        data = render_docx(plan, definition, values, on_fallback=warn)
        if fmt == "pdf":
            try:
                data = pdf.to_pdf(data)
            except pdf.PdfFailed as exc:
                raise click.ClickException(str(exc)) from exc
    with open(output, "wb") as handle:
        handle.write(data)
    click.echo(f"Plan {plan_id} geëxporteerd naar {output}.")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@click.command("reminders")
@click.option("--dry-run", is_flag=True,
              help="Alleen tonen wat er verstuurd zou worden; niets versturen of vastleggen.")
@click.option("--datum", type=click.DateTime(formats=["%Y-%m-%d", "%d-%m-%Y"]), default=None,
              help="Reken alsof het deze dag is (JJJJ-MM-DD of DD-MM-JJJJ), bijvoorbeeld om een gemiste dag "
                   "in te halen; standaard vandaag.")
def reminders(dry_run, datum):
    """Verstuur de herinneringen per e-mail (elke dag, uit cron of een systemd-timer)."""
    import datetime as dt

    from . import feedback_mail
    from . import reminders as mail

    settings = mail.Settings.from_config(current_app.config)
    if not settings.enabled and not dry_run:
        click.echo("E-mail staat uit: POP_SMTP_HOST is niet ingesteld. Er is niets verstuurd.")
        return
    if settings.enabled and settings.missing() and not dry_run:
        raise click.ClickException(f"Stel ook {' en '.join(settings.missing())} in; er is niets verstuurd.")
    # One date for the whole run, so a run that crosses midnight does not mix two days.
    today = datum.date() if datum else dt.date.today()
    items, asks = mail.gather(current_app.config, today)
    if dry_run:
        for item in items:
            click.echo(f"Zou versturen: {mail.describe(item)}")
        for ask in asks:
            click.echo(f"Zou versturen: {feedback_mail.describe(ask)}")
        click.echo(f"{_count(len(items) + len(asks), 'herinnering', 'herinneringen')} te versturen; er is "
                   "niets verstuurd (--dry-run).")
        return
    if not items and not asks:
        click.echo("Geen herinneringen te versturen.")
        return
    try:
        sent, failed = mail.send_all(current_app._get_current_object(), settings, items, asks, today, click.echo)
    except mail.MailFailed as exc:
        raise click.ClickException(f"{exc} De herinneringen die niet zijn verstuurd, volgen bij de "
                                   "volgende keer.") from exc
    click.echo(f"{_count(sent, 'herinnering', 'herinneringen')} verstuurd.")
    if failed:
        raise click.ClickException(f"{_count(failed, 'herinnering is', 'herinneringen zijn')} niet "
                                   "verstuurd; de volgende keer opnieuw.")


@click.command("retention")
@click.option("--dry-run", "--toon", "dry_run", is_flag=True,
              help="Alleen tonen wie er gewist zou worden (met naam); niets wissen.")
@click.option("--datum", type=click.DateTime(formats=["%Y-%m-%d", "%d-%m-%Y"]), default=None,
              help="Reken alsof het deze dag is (JJJJ-MM-DD of DD-MM-JJJJ); standaard vandaag.")
def retention(dry_run, datum):
    """Wis de gegevens van wie vertrokken is en van wie de bewaartermijn verstreken is (elke dag of week,
    uit cron of een systemd-timer)."""
    from . import clock
    from . import retention as rules

    today = datum.date() if datum else clock.today()
    months = rules.retention_months()
    leavers = rules.due(today, months)
    if dry_run:
        for leaver in leavers:
            found = rules.inventory(leaver.person)
            # Names are for HR at the console; the real run below prints none, as its output may be kept
            # (cron's mail, the journal) after the names are gone from POP.
            click.echo(f"Zou wissen: #{leaver.person.id} {leaver.person.naam} <{leaver.person.email}>, "
                       f"bewaartermijn verstreken op {clock.format_time(leaver.until)}: {found.summary()}")
        click.echo(f"{_count(len(leavers), 'persoon', 'personen')} te wissen (bewaartermijn {months} "
                   "maanden); er is niets gewist (--dry-run).")
        return
    erased, failed = rules.erase_all_due(today, click.echo, leavers)
    click.echo(f"{_count(erased, 'persoon', 'personen')} gewist (bewaartermijn {months} maanden).")
    if failed:
        raise click.ClickException(f"{_count(failed, 'persoon is', 'personen zijn')} niet gewist; de "
                                   "volgende keer opnieuw.")


@click.command("worker")
@click.option("--threads", type=click.IntRange(1, 32), default=2, show_default=True,
              help="Hoeveel taken tegelijk (een grote export houdt zo een voorbeeld niet op).")
@click.option("--zonder-dagtaken", "without_daily", is_flag=True,
              help="Niet elke dag de herinneringen versturen en de bewaartermijn toepassen (voor wie "
                   "'flask reminders' en 'flask retention' uit cron draait).")
def worker(threads, without_daily):
    """Voer de taken van de wachtrij uit: exports, voorbeelden van sjablonen en de dagelijkse taken.
    Draait naast de webserver (start.sh start hem mee; op een server een eigen systemd-dienst)."""
    import logging

    from . import queue

    app = current_app._get_current_object()
    if queue.queue_url(app) == queue.IMMEDIATE:
        raise click.ClickException("POP_QUEUE_URL=immediate: er is geen wachtrij, de taken lopen meteen "
                                   "in het proces dat ze vraagt. Er is niets te doen voor een verwerker.")
    if not logging.getLogger().handlers:  # the app's logging (pop/logs.py) when it set one up
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("huey").setLevel(logging.INFO)
    click.echo(f"POP-verwerker: {queue.describe(app)}, {threads} tegelijk"
               f"{', zonder dagtaken' if without_daily else ''}. Stoppen: Ctrl+C.")
    queue.run_worker(app, threads, periodic=not without_daily)
