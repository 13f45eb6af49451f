"""People, plans and answers. Answers are stored one cell per row, keyed by the form definition's field
keys, so a new form or a changed question needs no new table."""
import datetime as dt
import secrets
from functools import lru_cache

from flask import current_app, has_app_context

from peewee import (BlobField, BooleanField, CharField, Column, DateField, DateTimeField, DecimalField,
                    ForeignKeyField, IntegerField, Model, TextField)
from werkzeug.security import check_password_hash, generate_password_hash

from .db import database

ROLES = {"medewerker": "Medewerker", "leidinggevende": "Leidinggevende", "hr": "HR"}
# The states of the POP cycle, in order (pop/cycle.py says who may do what in each).
STATUSES = {"voorbereiding": "Voorbereiding", "ontwikkelgesprek": "Ontwikkelgesprek",
            "vastgesteld": "Vastgesteld", "uitvoering": "Uitvoering", "evaluatie": "Evaluatie",
            "afgerond": "Afgerond"}


def now():
    """Now in UTC (naive, to the second): every stored time is UTC, whatever the server's own zone;
    pages, exports and mails show it in the organisation's zone (pop/clock.py, POP_TIMEZONE)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


class BaseModel(Model):
    class Meta:
        database = database


# OWASP's Password Storage Cheat Sheet: scrypt with N=2^17, r=8, p=1 (Werkzeug's default is N=2^15). It
# needs 128 MB for the length of one hash (Werkzeug passes hashlib.scrypt a maxmem to match); the cost on
# this machine is in the README. A stored hash made with other parameters is redone at the next log-in
# (pop.login.attempt, pop.passwords.needs_rehash).
HASH_METHOD = "scrypt:131072:8:1"


def _hash_method() -> str:
    # The tests set a cheap method, as hashing dominates their set-up time.
    method = current_app.config.get("PASSWORD_HASH_METHOD") if has_app_context() else None
    return method or HASH_METHOD


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)


def waste_password_check(password: str) -> None:
    """Check the password against a hash that matches nothing, taking as long as a real check: a log-in
    for an unknown or inactive account must not answer faster than a wrong password (which would tell
    an outsider which e-mail addresses have an account)."""
    check_password_hash(_dummy_hash(_hash_method()), password)


class Department(BaseModel):
    """A department HR keeps (pop/departments.py): added, renamed, merged and removed on /afdelingen.
    A person names theirs in Person.afdeling, by this name exactly (m0019). key is the name as compared:
    spaces collapsed and case folded, so "Klantenservice" and "klantenservice " are one department."""

    name = CharField(max_length=150, unique=True)
    key = CharField(max_length=300, unique=True)


class Person(BaseModel):
    voornaam = CharField(max_length=100)
    tussenvoegsel = CharField(max_length=30, default="")
    achternaam = CharField(max_length=100)
    email = CharField(max_length=254, unique=True)
    # The HR system's own number for the person: a re-import finds people by it first (pop/importing.py),
    # so a changed e-mail address updates the person instead of making a second one.
    personeelsnummer = CharField(max_length=50, null=True, unique=True)
    password_hash = CharField(max_length=255, default="")
    functie = CharField(max_length=150, default="")
    # The name of a Department exactly, or "" for none: pop/departments.py alone changes it along with the
    # department (rename, merge), and every writer takes it from the list, so every reader reads this.
    afdeling = CharField(max_length=150, default="")
    manager = ForeignKeyField("self", null=True, backref="reports", on_delete="SET NULL")
    role = CharField(max_length=20, default="medewerker", choices=list(ROLES.items()))
    active = BooleanField(default=True)
    created_at = DateTimeField(default=now)
    # When the person was last deactivated (left the organisation): with their last plan, when their
    # retention period starts (pop/retention.py). None while active, and for people deactivated before
    # m0014 recorded it.
    left_at = DateTimeField(null=True)
    # When their plans and answers were erased (AVG): the row stays, without name or address, so the
    # log lines that point to it still read "gewist" rather than a dangling number.
    erased_at = DateTimeField(null=True)
    # Part of the log-in cookie; raised at log-out and at a new password, so a copied or old
    # cookie stops working (Flask's cookie sessions cannot be revoked otherwise).
    session_version = IntegerField(default=0)

    class Meta:
        # The lists' filters and sorts (pop/listing.py; m0017): by name, by department and name.
        indexes = ((("achternaam", "voornaam"), False), (("afdeling", "achternaam", "voornaam"), False),
                   (("functie",), False), (("role",), False),
                   (("afdeling", "active"), False))  # m0022: the active people per department

    @property
    def naam(self) -> str:
        return " ".join(p for p in (self.voornaam, self.tussenvoegsel, self.achternaam) if p)

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=_hash_method())
        self.session_version = (self.session_version or 0) + 1  # sessions on the old password end

    def check_password(self, password: str) -> bool:
        if not self.password_hash:
            waste_password_check(password)  # no quicker "no" for an account without a password
            return False
        return check_password_hash(self.password_hash, password)

    # Flask-Login
    @property
    def is_authenticated(self):
        return True

    @property
    def is_active(self):
        return self.active

    @property
    def is_anonymous(self):
        return False

    def get_id(self):
        return f"{self.id}:{self.session_version}"


class Plan(BaseModel):
    employee = ForeignKeyField(Person, backref="plans", on_delete="CASCADE")
    # The manager at the time the plan was made: the one who discussed and co-signs it.
    manager = ForeignKeyField(Person, null=True, backref="managed_plans", on_delete="SET NULL")
    form_key = CharField(max_length=50)
    period = CharField(max_length=30)
    status = CharField(max_length=20, default="voorbereiding", choices=list(STATUSES.items()))
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)
    # The version being worked on: 1, and one more after each "bijstellen". Agreed versions are kept
    # as PlanVersion rows.
    version = IntegerField(default=1)
    # The plan of the cycle before, shown alongside for reference ("Nieuw POP" from an afgerond plan).
    previous = ForeignKeyField("self", null=True, backref="next_plans", on_delete="SET NULL")
    # The costs the plan plans (its form's Costs field, totals in euros and hours), kept by answers.save
    # whenever that field is saved (m0017); None: never saved, nothing planned. HR's budget page sums
    # them per department for a whole organisation without reading every plan's answers (pop/budget.py).
    costs_euro = DecimalField(max_digits=12, decimal_places=2, null=True, auto_round=True)
    costs_uren = DecimalField(max_digits=12, decimal_places=2, null=True, auto_round=True)
    # How far each part of its form is filled, as the plan's page counts it, kept by answers.save for the
    # parts it saves (pop/progress.py, m0020): "fase-1=b,gegevens=c", complete (c) or begun (b), empty
    # parts left out. HR's dashboard counts per part from it without reading every plan's answers. None:
    # a plan whose form the release that filled it did not know.
    progress = TextField(null=True, default="")

    class Meta:
        # The plan lists' filters and sorts and HR's counts per period and state (m0017).
        indexes = ((("period", "status", "employee"), False), (("status",), False), (("form_key",), False),
                   (("updated_at",), False),
                   # m0022 (plan_period_totals): what the period's totals read, from the index alone.
                   (("period", "employee", "status", "costs_euro", "costs_uren", "form_key", "progress"), False))

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)


# The employee's department as each plan carries it for HR's counts per department without a join of
# every person: kept by the database's triggers (m0024), so no field of the model, which peewee would
# write back with whatever value it had read. Read only.
PLAN_AFDELING = Column(Plan, "afdeling")


class Answer(BaseModel):
    plan = ForeignKeyField(Plan, backref="answers", on_delete="CASCADE")
    field = CharField(max_length=60)
    row = IntegerField(default=0)  # position in a repeated table, 0 for a single answer
    column = CharField(max_length=60, default="")  # column of a table or cell of a grid
    value = TextField()

    class Meta:
        # Also answer_next_talk_date (m0022): the next talk's dates by value, a partial index peewee's
        # tuples cannot state (pop/dashboard.py _due_before).
        indexes = ((("plan", "field", "row", "column"), True),)


class PlanVersion(BaseModel):
    """An agreed version of a plan (the POP-overeenkomst as both signed it), frozen: every answer
    cell as it was, so it stays readable and downloadable after bijstellen."""

    plan = ForeignKeyField(Plan, backref="versions", on_delete="CASCADE")
    number = IntegerField()
    cells = TextField()  # JSON: [[field, row, column, value], ...]
    agreed_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("plan", "number"), True),)


class ExportTemplate(BaseModel):
    """A Word or Excel template uploaded by HR. At most one per form and format is active."""

    form_key = CharField(max_length=50)
    format = CharField(max_length=4)  # docx | xlsx
    name = CharField(max_length=200)  # the uploaded file's name, for HR to recognise it
    data = BlobField()
    sha256 = CharField(max_length=64)
    active = BooleanField(default=False)
    uploaded_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
    uploaded_at = DateTimeField(default=now)
    # What the upload check found (JSON: notes, placeholders and where, questions not used) and the
    # demo plan filled in: the report page shows both without rendering the upload again. Empty for
    # templates uploaded before the report existed; the page makes them when first opened.
    report = TextField(null=True)
    preview = BlobField(null=True)


class ExportJob(BaseModel):
    """A bulk export made by the queue's worker (pop/jobs.py); its progress is read by any server."""

    requested_by = ForeignKeyField(Person, on_delete="CASCADE")
    description = CharField(max_length=300, default="")
    status = CharField(max_length=10, default="wacht")  # wacht | bezig | klaar | mislukt
    done = IntegerField(default=0)
    total = IntegerField(default=0)
    plan_ids = TextField(default="")  # JSON list: what a restart exports again (m0018)
    # The run that counts: a restart makes a new one, and a task of an older run does nothing (m0018).
    attempt = IntegerField(default=1)
    worker = CharField(max_length=200, default="")  # host:pid of the worker running it (m0018)
    started_at = DateTimeField(null=True)
    heartbeat_at = DateTimeField(null=True)  # written while it runs; long silent = its worker died
    # The zip's name in SharedFile, "export/12-1-….zip" (pop/shared_files.py); before m0018 a file in
    # one server's instance folder, which no longer counts.
    path = CharField(max_length=500, default="")
    error = TextField(default="")
    created_at = DateTimeField(default=now)
    finished_at = DateTimeField(null=True)


class SharedFile(BaseModel):
    """A file made off the request path for whichever server is asked for it (pop/shared_files.py): a
    bulk export's zip, a template's preview pages. In parts, so no server holds a large one in memory."""

    name = CharField(max_length=200)  # "export/12-1-….zip", "voorbeeld/5-…/pagina-1.png"
    part = IntegerField(default=0)
    data = BlobField()
    expires_at = DateTimeField(null=True, index=True)  # null: kept until removed with what it belongs to
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("name", "part"), True),)


class DailyRun(BaseModel):
    """One run of a daily task (pop/daily.py) per day, whichever server's worker wakes first: the unique
    key makes the claim. Counts only in detail: the mails' addresses are in Reminder."""

    task = CharField(max_length=30)  # herinneringen | bewaartermijn
    day = DateField()
    status = CharField(max_length=10, default="bezig")  # bezig | klaar | mislukt
    started_at = DateTimeField(default=now)
    finished_at = DateTimeField(null=True)
    detail = CharField(max_length=500, default="")

    class Meta:
        indexes = ((("task", "day"), True),)


class LoginThrottle(BaseModel):
    """Failed log-ins counted per account typed and client together, per account and per client address
    (pop.login), whether or not the account exists, so that waiting tells nothing about who exists."""

    key = CharField(max_length=300, primary_key=True)  # "konto+client:…", "konto:…" or "ip:<address>"
    failures = IntegerField(default=0)
    window_start = DateTimeField(index=True)  # failures older than the rule's window are forgotten
    wait_until = DateTimeField(null=True)


class AuditEntry(BaseModel):
    """One line of a plan's log: who did what with it, and when (pop/audit.py). Written, never changed:
    the app has no code that updates or deletes an entry, but for an erasure (pop/retention.py)."""

    # CASCADE: a plan is removed only with its employee, and then the log of who read that person's
    # plan is personal data about them as much as the plan itself.
    plan = ForeignKeyField(Plan, backref="audit_entries", on_delete="CASCADE")
    person = ForeignKeyField(Person, null=True, on_delete="SET NULL")  # null: removed, or no person
    # The name as it was then: the line must still say who it was after a rename or a removal.
    person_name = CharField(max_length=255, default="")
    action = CharField(max_length=30)  # a key of pop.audit.ACTIONS
    detail = CharField(max_length=300, default="")
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("plan", "created_at"), False),)  # HR reads one plan's log, newest first


class SecurityEvent(BaseModel):
    """One line of the organisation's security log (pop/security_log.py): failed and throttled log-ins,
    passwords, invitations, roles, managers, imports, templates. Written, never changed: the app has no
    code that updates or deletes a line, but for an erasure, which puts "Gewiste persoon #<id>" in place of
    the erased person's name (pop/retention.py). Never a password, a token or a plan's answer in it."""

    created_at = DateTimeField(default=now, index=True)  # HR reads the newest first, by period
    kind = CharField(max_length=40, index=True)  # a key of pop.security_log.KINDS
    # Who did it (None: nobody logged in, or the system) and whom it was about, each with the name as
    # it was then: the line must still say who it was after a rename or a removal.
    actor = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    actor_name = CharField(max_length=255, default="")
    subject = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    subject_name = CharField(max_length=255, default="")
    address = CharField(max_length=100, default="")  # the client's network address, if a request
    detail = CharField(max_length=500, default="")


class Reminder(BaseModel):
    """A reminder mail sent (pop/reminders.py). The unique key is what makes the command idempotent: a
    second run, or two at once, finds the row and sends nothing again."""

    plan = ForeignKeyField(Plan, backref="reminders", on_delete="CASCADE")
    kind = CharField(max_length=30)  # gesprek-7, gesprek-1, gesprek-verstreken, akkoord
    day = DateField()  # the talk's date, or the date of the akkoord that waits for the other one
    recipients = TextField(default="")  # the addresses it went to, for whoever asks later
    sent_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("plan", "kind", "day"), True),)


class FormSetting(BaseModel):
    """Which forms the organisation uses, and the default for a new plan (HR, /instellingen/formulieren;
    pop/organisation.py). No rows: HR has chosen nothing yet, and every form is in use with
    forms.DEFAULT_FORM as the default. Once HR saves, there is a row for every form of that moment."""

    form_key = CharField(max_length=50, unique=True)
    enabled = BooleanField(default=True)
    is_default = BooleanField(default=False)
    changed_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    changed_at = DateTimeField(default=now)


class Placement(BaseModel):
    """Where a manager (or HR) placed someone in the performance/potential matrix for a period (seed 004
    §1.3-1.4; pop/matrix.py). Never part of a plan: only the person's current manager and HR see it,
    never the person themself, not on any page nor in any export."""

    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    period = CharField(max_length=30)
    prestaties = CharField(max_length=4)  # plus | min
    potentie = CharField(max_length=4)  # plus | min
    placed_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    placed_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("person", "period"), True), (("period", "prestaties", "potentie"), False))


class Budget(BaseModel):
    """A person's development budget (POB, seed 004 §2.5.2) for a year, set by HR (pop/budget.py):
    euros and hours, either may be empty. year is a plan period ("2026"): that year's plans count."""

    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    year = CharField(max_length=30)
    euro = DecimalField(max_digits=9, decimal_places=2, null=True, auto_round=True)
    uren = DecimalField(max_digits=9, decimal_places=2, null=True, auto_round=True)
    set_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    set_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("person", "year"), True), (("year",), False))


class Draft(BaseModel):
    """What someone typed and sent after their session had ended (logged out elsewhere, a new password,
    an expired or missing cookie): kept briefly so that after logging in they find it back in the form,
    not saved yet (pop/drafts.py). token: the value of the browser's draft cookie, which alone finds
    it; person: whose session it was, when the ended session still said so."""

    token = CharField(max_length=64, unique=True)
    person = ForeignKeyField(Person, null=True, backref="+", on_delete="CASCADE")
    plan = ForeignKeyField(Plan, backref="+", on_delete="CASCADE")
    part_key = CharField(max_length=60)
    kind = CharField(max_length=10)  # onderdeel (a part's answers) | reactie (the manager's reaction)
    data = TextField()  # JSON: [[name, value], ...] as posted, without the CSRF token
    created_at = DateTimeField(default=now, index=True)



class BlankUpload(BaseModel):
    """HR's own blank form (no placeholders in it), kept while HR looks at the proposal of which
    question goes where (exports/uploads/blank); confirming it makes an ExportTemplate and removes this."""

    form_key = CharField(max_length=50)
    format = CharField(max_length=4)  # docx | xlsx
    name = CharField(max_length=200)
    data = BlobField()
    uploaded_by = ForeignKeyField(Person, null=True, on_delete="CASCADE")
    uploaded_at = DateTimeField(default=now, index=True)


class AccountToken(BaseModel):
    """A link that sets a password, used once (pop/passwords.py): an invitation from HR or a reset the
    person asked for. Only the SHA-256 of the token is kept, so a copy of the database opens no
    account; the link itself is also signed with the app's secret key."""

    token_hash = CharField(max_length=64, unique=True)
    purpose = CharField(max_length=20)  # uitnodiging | herstel
    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    created_at = DateTimeField(default=now)
    expires_at = DateTimeField(index=True)
    used_at = DateTimeField(null=True)


class PeopleImport(BaseModel):
    """An uploaded export of the HR system, kept while HR maps its columns and looks at the preview
    (pop/importing.py); confirming it writes the people and removes this. Nothing else refers to it."""

    name = CharField(max_length=200)  # the uploaded file's name, for HR to recognise it
    data = BlobField()
    mapping = TextField(default="")  # JSON: the chosen field of each column, "" = not imported
    deactivate = BooleanField(default=False)  # deactivate active people who are not in the file
    uploaded_by = ForeignKeyField(Person, on_delete="CASCADE", backref="+")
    uploaded_at = DateTimeField(default=now, index=True)


class Setting(BaseModel):
    """A choice HR makes for the whole organisation, by key (pop/settings.py holds the keys, their
    defaults and how a value is read). No row: the default holds."""

    key = CharField(max_length=60, unique=True)
    value = TextField()
    changed_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    changed_at = DateTimeField(default=now)


class FeedbackRequest(BaseModel):
    """A colleague asked for feedback by the employee (seed 003, Fase I: "Vraag voorleggen aan
    collega's"; pop/feedback.py). The answers are the employee's alone until they share them with the
    plan (shared_at). A colleague with an account answers in the app (colleague); one without by a
    signed link that expires, of which only the SHA-256 is kept (token_hash)."""

    plan = ForeignKeyField(Plan, backref="feedback_requests", on_delete="CASCADE")
    colleague = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    colleague_name = CharField(max_length=255)  # as asked; kept when the colleague's account goes
    email = CharField(max_length=254)
    token_hash = CharField(max_length=64, null=True, unique=True)
    # The reminder's own link (m0016), so the first mail's link keeps working beside it; SHA-256 too.
    reminder_token_hash = CharField(max_length=64, null=True, unique=True)
    created_at = DateTimeField(default=now)
    expires_at = DateTimeField(index=True)
    answered_at = DateTimeField(null=True)
    sterk = TextField(default="")  # "Wat zijn zaken waarvan u vindt dat ik die goed doe, ..."
    verbeteren = TextField(default="")  # "Op welke gebieden zou ik me moeten verbeteren?"
    shared_at = DateTimeField(null=True)
    reminded_at = DateTimeField(null=True)


MODELS = [Person, Plan, Answer, PlanVersion, ExportTemplate, ExportJob, LoginThrottle, AuditEntry,
          Reminder, FormSetting, Placement, Budget, Draft, BlankUpload, AccountToken, PeopleImport,
          SecurityEvent, Setting, FeedbackRequest, SharedFile, DailyRun, Department]
