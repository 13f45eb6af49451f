"""Command-line tasks: flask --app app create-user | demo."""
import click

from .models import ROLES, Person
from .people import save_person


def init_app(app):
    app.cli.add_command(create_user)
    app.cli.add_command(demo)


@click.command("create-user")
@click.option("--email", prompt="E-mailadres")
@click.option("--voornaam", prompt="Voornaam")
@click.option("--achternaam", prompt="Achternaam")
@click.option("--tussenvoegsel", default="")
@click.option("--functie", default="")
@click.option("--afdeling", default="")
@click.option("--role", type=click.Choice(list(ROLES)), default="medewerker", show_default=True)
@click.option("--manager-email", default="", help="E-mailadres van de leidinggevende.")
@click.password_option("--password", prompt="Wachtwoord", confirmation_prompt=True)
def create_user(email, voornaam, achternaam, tussenvoegsel, functie, afdeling, role, manager_email,
                password):
    """Maak een account aan."""
    manager = None
    if manager_email:
        manager = Person.get_or_none(Person.email == manager_email.strip().lower())
        if manager is None:
            raise click.ClickException(f"Geen leidinggevende met e-mailadres {manager_email}.")
    if len(password) < 8:
        raise click.ClickException("Een wachtwoord heeft minstens 8 tekens.")
    errors = save_person(None, dict(email=email, voornaam=voornaam, achternaam=achternaam,
                                    tussenvoegsel=tussenvoegsel, functie=functie, afdeling=afdeling,
                                    role=role, manager=manager.id if manager else None,
                                    password=password, active=True))
    if errors:
        raise click.ClickException(" ".join(errors.values()))
    click.echo(f"Account aangemaakt: {email.strip().lower()} ({ROLES[role]}).")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Niets doen (en geen fout) als er al mensen zijn.")
def demo(if_empty):
    """Vul een lege database met een kleine voorbeeldorganisatie."""
    from .demo import DEMO_PASSWORD, load_demo

    if Person.select().exists():
        if if_empty:
            click.echo("De database bevat al mensen; de demo-gegevens zijn niet opnieuw geladen.")
            _print_logins()
            return
        raise click.ClickException("De database bevat al mensen. De demo vult alleen een lege database.")
    load_demo()
    click.echo("Demo-organisatie aangemaakt.")
    _print_logins()
    click.echo(f"Wachtwoord voor alle demo-accounts: {DEMO_PASSWORD}")


def _print_logins():
    from .demo import PEOPLE

    click.echo("Demo-accounts:")
    for p in PEOPLE:
        click.echo(f"  {ROLES[p['role']]:<15} {p['email']:<32} {p['functie']}")
