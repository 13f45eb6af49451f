"""Feedback from colleagues (seed 003, Fase I: "Vraag voorleggen aan collega’s"): the employee puts the
form's two questions to colleagues, whose answers arrive beside the Sterke punten / Verbeterpunten.

The form declares it (forms.definition.AskColleagues, found by FormDefinition.colleague_feedback): the
questions are its words, the table its answers sit beside its own. A form without it has none of this.

The rules:
- Only the plan's employee asks, on a plan whose form asks colleagues, while it is not afgerond.
- A colleague is an active person in POP (chosen from the list, or typed by an address that is theirs),
  who answers in the app; or someone without an account, by name and address, who answers through a
  link. Never oneself; one open request per address per plan, and at most OPEN_MAX open at once.
- A request can be answered once, until it expires (VALID) and while the plan is not afgerond. The
  employee may withdraw it while it is unanswered: it is then gone, its link with it.
- The answers are the employee's alone until they share one with the plan (shared_at). Then whoever may
  read the plan's content (pop.cycle "lezen": the manager once the plan is shared, HR) sees it on the
  part, read-only. Not in the print view, the exports or mails: those stay the paper form, like the
  manager's reaction.
- The link carries a random token signed with the secret key (itsdangerous, a salt of its own), and the
  database keeps only the token's SHA-256 (token_hash; a reminder's own link in reminder_token_hash,
  pop/feedback_mail.py): a copy of the database answers nothing. Opening the link changes nothing;
  answering claims the request in one conditional UPDATE, so a second answer finds it answered.
Times are the rows' own, compared with models.now, so the tests move one clock."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer

from . import answers, clock, cycle
from .db import database, lock_row, write_lock
from .models import FeedbackRequest, Person, Plan, now

OPEN_MAX = 5  # the paper asks two or three colleagues; five leaves room for one who does not answer
VALID = dt.timedelta(days=30)
REMIND_AFTER_DAYS = 7  # an unanswered request is reminded once, this many days after it was made
SALT = "pop-feedback"


class Refused(Exception):
    """A request that cannot be made or changed; the message is Dutch, field the input it belongs to
    ("" for the page as a whole)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


def declared(plan: Plan):
    """(part, AskColleagues) of the plan's form, or None when the form asks no colleagues."""
    return answers.form_of(plan).colleague_feedback


def day(moment: dt.datetime) -> str:
    """A stored moment as the organisation's date, 15-03-2026."""
    return clock.format_time(moment, "%d-%m-%Y")


def is_open(request: FeedbackRequest, at: dt.datetime | None = None) -> bool:
    return request.answered_at is None and request.expires_at > (at or now())


def state(request: FeedbackRequest, at: dt.datetime | None = None) -> str:
    """beantwoord | verlopen | open"""
    if request.answered_at is not None:
        return "beantwoord"
    return "open" if request.expires_at > (at or now()) else "verlopen"


def why_not_ask(user: Person, plan: Plan) -> str:
    """'' when user may ask colleagues about this plan now, else why not (Dutch). Whether user may
    know the plan at all is the caller's (404 before this)."""
    if plan.employee_id != user.id:
        return "Alleen de medewerker zelf vraagt collega’s om feedback op zijn of haar POP."
    if declared(plan) is None:
        return "Dit formulier vraagt geen feedback aan collega’s."
    if plan.status == "afgerond":
        return "Dit POP is afgerond: er kan geen feedback meer bij worden gevraagd."
    return ""


def colleagues(user: Person):
    """Whom user can choose from: the active people in POP but themselves."""
    return (Person.select().where((Person.active == True) & (Person.id != user.id))  # noqa: E712
            .order_by(Person.achternaam, Person.voornaam, Person.id))


# ---------------------------------------------------------------- the link

def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=SALT)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(secret_key: str) -> tuple[str, str]:
    """(the signed text for the URL, the SHA-256 to store)."""
    raw = secrets.token_urlsafe(32)
    return _serializer(secret_key).dumps(raw), digest(raw)


@dataclass(frozen=True)
class Found:
    request: FeedbackRequest | None
    problem: str  # "" when it can be answered; else ongeldig | onbekend | beantwoord | verlopen | gesloten


def by_link(signed: str, secret_key: str) -> Found:
    try:
        raw = _serializer(secret_key).loads(signed)  # the signature is compared in constant time
    except BadSignature:
        return Found(None, "ongeldig")
    if not isinstance(raw, str):
        return Found(None, "ongeldig")
    hashed = digest(raw)
    row = FeedbackRequest.get_or_none((FeedbackRequest.token_hash == hashed)
                                      | (FeedbackRequest.reminder_token_hash == hashed))
    if row is None or not any(hmac.compare_digest(h or "", hashed)
                              for h in (row.token_hash, row.reminder_token_hash)):
        return Found(None, "onbekend")  # signed by us, but withdrawn (or its plan is gone)
    return Found(row, problem(row))


def problem(request: FeedbackRequest) -> str:
    """Why this request cannot be answered now ('' when it can)."""
    if request.answered_at is not None:
        return "beantwoord"
    if request.expires_at <= now():
        return "verlopen"
    if request.plan.status == "afgerond" or not request.plan.employee.active:
        return "gesloten"
    return ""


def for_colleague(request_id: int, user: Person) -> FeedbackRequest | None:
    """The request if it was put to user in the app; None for anyone else (a 404: nobody learns of
    another's request)."""
    return FeedbackRequest.get_or_none((FeedbackRequest.id == request_id)
                                       & (FeedbackRequest.colleague == user.id))


# ---------------------------------------------------------------- asking

@dataclass(frozen=True)
class Asked:
    request: FeedbackRequest
    link: str  # the signed token for a colleague without an account; '' for one who answers in the app


def ask(plan: Plan, by: Person, secret_key: str, colleague_id: int | None = None, name: str = "",
        email: str = "") -> Asked:
    """Put the form's questions to a colleague: one chosen from the list (colleague_id), or by name and
    address. Raises Refused with the reason and the input it belongs to."""
    reason = why_not_ask(by, plan)
    if reason:
        raise Refused(reason)
    name, email = " ".join((name or "").split()), (email or "").strip().lower()
    if colleague_id and (name or email):
        raise Refused("Kies een collega uit de lijst óf vul naam en e-mailadres in, niet allebei.",
                      "colleague")
    colleague = None
    if colleague_id:
        colleague = Person.get_or_none((Person.id == colleague_id) & (Person.active == True))  # noqa: E712
        if colleague is None:
            raise Refused("Deze collega staat niet (meer) in POP. Kies iemand anders.", "colleague")
    elif email:
        # An address of someone in POP: they answer in the app, under the name POP knows them by.
        colleague = Person.get_or_none((Person.email == email) & (Person.active == True))  # noqa: E712
        if colleague is None and not name:
            raise Refused("Vul de naam in van wie u om feedback vraagt.", "name")
    else:
        raise Refused("Kies een collega uit de lijst, of vul de naam en het e-mailadres in van iemand "
                      "zonder account in POP.", "colleague" if not name else "email")
    if colleague is not None:
        name, email = colleague.naam, colleague.email
    if email == by.email.lower():
        raise Refused("U kunt uzelf niet om feedback vragen.", "colleague" if colleague_id else "email")
    at = now()
    with write_lock():
        # The plan's row locked: two asks at once are checked one after the other.
        lock_row(Plan.select(Plan.id).where(Plan.id == plan.id)).execute()
        open_ones = list(FeedbackRequest.select().where(
            (FeedbackRequest.plan == plan.id) & FeedbackRequest.answered_at.is_null()
            & (FeedbackRequest.expires_at > at)))
        same = next((r for r in open_ones if r.email.lower() == email), None)
        if same is not None:
            raise Refused(f"U heeft {same.colleague_name} al om feedback gevraagd; dat verzoek staat nog "
                          f"open tot {day(same.expires_at)}.",
                          "colleague" if colleague_id else "email")
        if len(open_ones) >= OPEN_MAX:
            raise Refused(f"U heeft al {OPEN_MAX} verzoeken om feedback openstaan. Wacht op een antwoord, "
                          "of trek een verzoek in, voordat u iemand anders vraagt.")
        link, hashed = ("", None) if colleague is not None else new_token(secret_key)
        request = FeedbackRequest.create(plan=plan.id, colleague=colleague, colleague_name=name,
                                         email=email, token_hash=hashed, created_at=at,
                                         expires_at=at + VALID)
    return Asked(request, link)


def withdraw(request: FeedbackRequest, by: Person) -> bool:
    """The employee takes back an unanswered request (its link stops working); False when it was
    answered in the meantime."""
    _own(request, by)
    return bool(FeedbackRequest.delete().where((FeedbackRequest.id == request.id)
                                               & FeedbackRequest.answered_at.is_null()).execute())


def share(request: FeedbackRequest, by: Person, shared: bool) -> None:
    """Share an answer with the plan, or stop sharing it."""
    _own(request, by)
    if request.answered_at is None:
        raise Refused("Dit verzoek is nog niet beantwoord; er is nog niets om te delen.")
    if request.plan.status == "afgerond":
        raise Refused("Dit POP is afgerond en verandert niet meer.")
    FeedbackRequest.update(shared_at=now() if shared else None).where(
        FeedbackRequest.id == request.id).execute()


def _own(request: FeedbackRequest, by: Person) -> None:
    if request.plan.employee_id != by.id:
        raise PermissionError("not the employee's request")


# ---------------------------------------------------------------- answering

def answer(request: FeedbackRequest, sterk: str, verbeteren: str) -> str:
    """Store the colleague's answers, once: '' when stored, else the problem (beantwoord, verlopen,
    gesloten) as problem() names it. The lengths are the form's to check before; refused here too."""
    found = declared(request.plan)
    limit = found[1].max_length if found else 0
    if not (sterk or verbeteren).strip() or max(len(sterk), len(verbeteren)) > limit:
        raise ValueError("empty or too long")
    at = now()
    with database.atomic():
        claimed = FeedbackRequest.update(answered_at=at, sterk=sterk, verbeteren=verbeteren).where(
            (FeedbackRequest.id == request.id) & FeedbackRequest.answered_at.is_null()
            & (FeedbackRequest.expires_at > at)
            & FeedbackRequest.plan.in_(Plan.select(Plan.id).where(Plan.status != "afgerond"))).execute()
    if claimed:
        return ""
    return problem(FeedbackRequest.get_by_id(request.id)) or "gesloten"


# ---------------------------------------------------------------- reading

def of_plan(plan: Plan) -> list[FeedbackRequest]:
    """Every request of the plan, the oldest first: the employee's view."""
    return list(FeedbackRequest.select().where(FeedbackRequest.plan == plan.id)
                .order_by(FeedbackRequest.created_at, FeedbackRequest.id))


def shared_of(plan: Plan) -> list[FeedbackRequest]:
    """The answers the employee shared with the plan: what the plan's other readers see."""
    return list(FeedbackRequest.select().where(
        (FeedbackRequest.plan == plan.id) & FeedbackRequest.answered_at.is_null(False)
        & FeedbackRequest.shared_at.is_null(False)).order_by(FeedbackRequest.answered_at, FeedbackRequest.id))


def open_for(person: Person, at: dt.datetime | None = None) -> list[FeedbackRequest]:
    """The requests put to person in the app that they can still answer, with plan and employee (one
    query): their to-do list."""
    at = at or now()
    employee = Person.alias()
    return list(FeedbackRequest.select(FeedbackRequest, Plan, employee)
                .join(Plan, on=(FeedbackRequest.plan == Plan.id))
                .join(employee, on=(Plan.employee == employee.id))
                .where((FeedbackRequest.colleague == person.id) & FeedbackRequest.answered_at.is_null()
                       & (FeedbackRequest.expires_at > at) & (Plan.status != "afgerond")
                       & (employee.active == True))  # noqa: E712
                .order_by(FeedbackRequest.expires_at, FeedbackRequest.id))


def received_by(person: Person) -> list[FeedbackRequest]:
    """Every request on person's own plans, with the plan: for Mijn gegevens."""
    return list(FeedbackRequest.select(FeedbackRequest, Plan)
                .join(Plan, on=(FeedbackRequest.plan == Plan.id))
                .where(Plan.employee == person.id)
                .order_by(Plan.id, FeedbackRequest.created_at, FeedbackRequest.id))


# ---------------------------------------------------------------- beside the table

@dataclass(frozen=True)
class Block:
    """What the part page shows beside the table the form names: to the employee every request and
    answer, with what they may do; to the plan's other readers only the answers shared with it."""

    asking: object  # the form's AskColleagues
    own: bool
    requests: list[FeedbackRequest]
    why_not_ask: str = ""

    @property
    def beside(self) -> str:
        return self.asking.beside

    @property
    def answered(self) -> list[FeedbackRequest]:
        return [r for r in self.requests if r.answered_at is not None]

    @property
    def waiting(self) -> list[FeedbackRequest]:
        return [r for r in self.requests if r.answered_at is None]

    @staticmethod
    def state(request: FeedbackRequest) -> str:
        return state(request)


def beside(plan: Plan, part, user: Person) -> Block | None:
    """The block for this part page, or None: the form asks no colleagues here, or user may see none of
    it (another reader while nothing is shared, or the plan's content is not theirs to read)."""
    found = declared(plan)
    if found is None or found[0].key != part.key:
        return None
    asking = found[1]
    if plan.employee_id == user.id:
        return Block(asking, True, of_plan(plan), why_not_ask(user, plan))
    if not cycle.may(user, plan, "lezen"):
        return None
    shared = shared_of(plan)
    return Block(asking, False, shared) if shared else None
