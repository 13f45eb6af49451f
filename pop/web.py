"""Wiring of the web layer: log-in sessions, CSRF, blueprints, error pages."""
from flask import current_app, render_template, request
from jinja2 import BytecodeCache
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import BadRequest, Forbidden, HTTPException, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from forms.limits import number
from forms.web import file_field_names, refuse_odd_formdata

from .db import Prepared
from .models import Person
from .sessions import CheckedOnce

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Log in om verder te gaan."
login_manager.login_message_category = "info"
csrf = CSRFProtect()


# Every request of someone logged in asks it: its SQL built once (pop/db.py).
_SESSION_PERSON = Prepared(lambda person_id, version: Person.select().where(
    (Person.id == person_id) & (Person.active == True)  # noqa: E712
    & (Person.session_version == version)).limit(1), 2)


@login_manager.user_loader
def load_user(user_id: str):
    # "id:session_version": a cookie from before a log-out or a new password no longer matches.
    person_id, _, version = user_id.partition(":")
    if not (person_id.isdigit() and version.isdigit()) or int(person_id) > 2**62 or int(version) > 2**62:
        return None
    return _SESSION_PERSON.first(int(person_id), int(version))


def aria(bound, *described_by, **extra) -> dict:
    """The ARIA attributes of an input: what describes it (help, then its error) and whether it is
    invalid. False leaves an attribute out; WTForms would print None as the text "None"."""
    ids = [i for i in described_by if i] + ([f"{bound.id}-error"] if bound.errors else [])
    return {**extra, "aria-describedby": " ".join(ids) or False,
            "aria-invalid": "true" if bound.errors else False}


def field_template(field):
    """The module of the template that draws a field's kind (forms/kinds.py Field.template): its
    macros, compiled once and kept by Jinja. Not the template's own {% import %}: that checks the
    globals again at every question drawn, some 20 µs, and a POP table has hundreds of cells."""
    return current_app.jinja_env.get_template(field.template).module


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
)


class IdConverter(IntegerConverter):
    """<int:...> in our URLs is a database id: a number larger than the database can hold is simply not
    found (404); SQLite raised OverflowError on it, a server error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


OTHER_ERROR = ("Dit verzoek kon niet worden verwerkt. Er is niets opgeslagen. Ga terug, vernieuw de pagina "
               "en probeer het opnieuw.")
OTHER_ERRORS = {
    405: ("Niet op deze manier", "Dit adres is er alleen voor een knop op een pagina van POP, niet om zo te "
                                 "openen. Er is niets opgeslagen. Ga terug en gebruik de knop op de pagina."),
    416: ("Niet beschikbaar", "Dit deel van het bestand bestaat niet. Download het bestand opnieuw."),
    500: ("Er ging iets mis", "Er ging op de server iets mis. Er is mogelijk niets opgeslagen: ga terug, "
                              "vernieuw de pagina en kijk of uw tekst er staat. Blijft het gebeuren, meld "
                              "het dan bij de beheerder."),
}


class CompiledTemplates(BytecodeCache):
    """The page templates' compiled code, shared by every app of this process. A server has one app and
    compiles each template once anyway; the test suite makes an app per test, and compiling the same
    templates again for each took half of its time. Jinja checks each entry against the template's
    source, so a changed template is compiled again."""

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def init_app(app):
    app.url_map.converters["int"] = IdConverter  # before the blueprints' routes are added
    app.session_interface = CheckedOnce()  # the session cookie's signature checked once per cookie
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    login_manager.init_app(app)
    app.jinja_env.globals["aria"] = aria
    app.jinja_env.globals["field_template"] = field_template
    app.jinja_env.globals["number"] = number  # 150.000: limits read the Dutch way
    # "Akkoord medewerker:", but a paper label that has its colon already ("medewerker:") gets no second.
    from exports.context import with_colon
    app.jinja_env.filters["with_colon"] = with_colon

    # Before the CSRF check (hooks run in the order they are added): a file posted as the token
    # would otherwise read as a missing token, and the answer would send the person looking for an
    # expired session instead.
    @app.before_request
    def odd_posts():
        # Posts that build no form (log-out, the template buttons) are checked here; a form checks
        # its own inputs exactly when it reads the request (forms.web.DutchForm). Only a request with
        # files or JSON can be refused: the others (every page) skip finding the file fields.
        if request.method in SAFE_METHODS:
            return  # no view reads a body sent with these, nor does Flask-WTF (it reads posts only)
        if request.files or request.is_json:
            refuse_odd_formdata(file_field_names())
        # Werkzeug holds multipart posts to MAX_FORM_PARTS, plain form posts to nothing but their
        # size; our largest page sends a few hundred inputs.
        if sum(1 for _ in request.form.items(multi=True)) > app.config["MAX_FORM_PARTS"]:
            raise RequestEntityTooLarge()

    csrf.init_app(app)

    from .views import account, audit, auth, blank_forms, cycle, exports, organisation, people, plans, rhythm
    app.register_blueprint(audit.bp)
    app.register_blueprint(cycle.bp)
    app.register_blueprint(rhythm.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(blank_forms.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(plans.bp)
    app.register_blueprint(people.bp)
    from .views import people_import  # noqa: E402 (HR's import of people)
    app.register_blueprint(people_import.bp)
    from .views import security_log  # noqa: E402 (HR's security log)
    app.register_blueprint(security_log.bp)
    app.register_blueprint(organisation.bp)
    app.register_blueprint(account.bp)
    from .views import my_data  # noqa: E402 (Mijn gegevens: one's own data, AVG)
    app.register_blueprint(my_data.bp)
    from .views import sso  # noqa: E402 (single sign-on with OpenID Connect)
    app.register_blueprint(sso.bp)
    from .views import feedback  # noqa: E402 (colleagues' feedback on Fase I)
    app.register_blueprint(feedback.bp)
    from .views import departments  # noqa: E402 (HR's list of departments)
    app.register_blueprint(departments.bp)
    from .views import dashboard  # noqa: E402 (HR's dashboard)
    app.register_blueprint(dashboard.bp)

    @app.errorhandler(400)
    def bad_request(error):
        # OddFormData and abort(400, description=...) carry a Dutch reason; Werkzeug's own is English.
        reason = error.description if error.description != BadRequest.description else ""
        return render_template("error.html", title="Ongeldig formulier", message=reason or OTHER_ERROR), 400

    @login_manager.unauthorized_handler
    def unauthorized():
        # To the log-in page; a save that arrives after the session ended keeps its text for after.
        return plans.after_session_ended()

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if request.endpoint in plans.KEPT_POSTS:
            # Keep what was typed: show the part again with the posted text and ask to save again.
            try:
                return plans.after_csrf_failure()
            except BadRequest as odd:  # raised inside an error handler it would be a 500
                return bad_request(odd)
        if request.endpoint in feedback.KEPT_POSTS:
            # A colleague's answer: the page again with the text typed, or kept for after the log-in.
            try:
                return feedback.after_csrf_failure()
            except BadRequest as odd:
                return bad_request(odd)
        return render_template("error.html", title="Formulier verlopen",
                               message="Het formulier is verlopen of ongeldig. Ga terug, vernieuw de "
                                       "pagina en probeer het opnieuw."), 400

    @app.errorhandler(403)
    def forbidden(error):
        # A reason given with abort(403, description=...) is Dutch and meant for the user; Werkzeug's
        # own default is English.
        reason = error.description if error.description != Forbidden.description else ""
        return render_template("error.html", title="Geen toegang",
                               message=reason or "U heeft geen toegang tot deze pagina."), 403

    @app.errorhandler(404)
    def not_found(error):
        return render_template("error.html", title="Niet gevonden",
                               message="Deze pagina bestaat niet, of u heeft er geen toegang toe."), 404

    @app.errorhandler(413)
    def too_large(error):
        if request.endpoint == "exports.templates":
            message = "Het bestand is te groot. Een sjabloon mag hoogstens 10 MB zijn."
        else:
            # The plan pages send far fewer and shorter fields: only a crafted post gets here.
            message = ("Dit formulier is te groot om te verwerken: het bevatte meer of langere velden "
                       "dan een pagina van POP verstuurt. Er is niets opgeslagen.")
        return render_template("error.html", title="Te groot", message=message), 413

    @app.errorhandler(HTTPException)
    def other_error(error):
        # Every other page Werkzeug would answer in English (405 for a GET on a button's address, 416
        # for an odd Range on a download, 500): Dutch like the rest, with the headers the code needs
        # (Allow on a 405).
        title, message = OTHER_ERRORS.get(error.code, (f"Fout {error.code}", OTHER_ERROR))
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return render_template("error.html", title=title, message=message), error.code, headers

    @app.context_processor
    def pdf_available():
        from exports.pdf import convert as pdf
        return {"pdf_available": pdf.available()}

    @app.after_request
    def security_headers(response):
        headers = response.headers
        present = {name.lower() for name in headers.keys()}  # one pass: each `in` was a pass of its own
        headers.extend([(name, value) for name, value in SECURITY_HEADERS  # a view's own (a download's CSP) stays
                        if name.lower() not in present])
        if request.endpoint != "static":
            # Plans and people are personal: not kept in the browser's cache, where the next user of a
            # shared PC could bring them back with the Back button after logging out.
            headers["Cache-Control"] = "no-store"
            if "vary" not in present:
                # What Flask adds when the session was read (every page): here before it looks, as
                # looking for a header that is missing raises (and catches) an exception, 2 % of a page.
                headers.add("Vary", "Cookie")
        return response
