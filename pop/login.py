"""Log-in rules: throttling of guessed passwords and ending sessions."""
import datetime as dt

from .models import Person, now, waste_password_check

FREE_ATTEMPTS = 5  # wrong passwords before the account waits
FIRST_WAIT = dt.timedelta(minutes=1)
LONGEST_WAIT = dt.timedelta(minutes=30)


def wait_minutes(person: Person) -> int:
    """Minutes the account must still wait before a password is checked again (0: none)."""
    if person.locked_until is None or person.locked_until <= now():
        return 0
    return max(1, -(-int((person.locked_until - now()).total_seconds()) // 60))


def attempt(person: Person | None, password: str) -> tuple[Person | None, str]:
    """(the person when the password is right, else None; a message when it is not)."""
    wrong = "Dit e-mailadres en wachtwoord horen niet bij elkaar."
    if person is None or not person.active:
        # As slow as checking a real password: the answer time must not tell which e-mail
        # addresses have an account.
        waste_password_check(password)
        return None, wrong
    minutes = wait_minutes(person)
    if minutes:
        waste_password_check(password)
        return None, (f"Te veel mislukte pogingen. Probeer het over {minutes} "
                      f"{'minuut' if minutes == 1 else 'minuten'} opnieuw.")
    if person.check_password(password):
        if person.failed_logins:
            Person.update(failed_logins=0, locked_until=None).where(Person.id == person.id).execute()
        return person, ""
    failures = person.failed_logins + 1
    locked_until = None
    if failures >= FREE_ATTEMPTS:
        # Each further miss doubles the wait: guessing becomes hopeless, a typo costs a minute.
        wait = min(FIRST_WAIT * 2 ** (failures - FREE_ATTEMPTS), LONGEST_WAIT)
        locked_until = now() + wait
    Person.update(failed_logins=failures, locked_until=locked_until).where(Person.id == person.id).execute()
    return None, wrong


def end_sessions(person: Person) -> None:
    """Every log-in cookie of this person stops working (log-out: on every device)."""
    Person.update(session_version=Person.session_version + 1).where(Person.id == person.id).execute()
