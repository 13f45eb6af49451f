"""A small demo organisation with one realistically filled plan: the projectcoördinator growing to
projectlead from the filled example in shared/seeds/000_164e534d49eed234.txt."""
import datetime as dt

from forms import DEFAULT_FORM

from . import answers, cycle
from .db import database
from .models import Person, Plan, PlanVersion
from .plans import start_plan

DEMO_PASSWORD = "demo-pop-2026"
DOMAIN = "voorbeeld.nl"

PEOPLE = [
    dict(email=f"hr@{DOMAIN}", voornaam="Hanna", tussenvoegsel="de", achternaam="Vries",
         functie="HR-adviseur", afdeling="HR", role="hr", manager=None),
    dict(email=f"marco.jansen@{DOMAIN}", voornaam="Marco", tussenvoegsel="", achternaam="Jansen",
         functie="Manager Projecten", afdeling="Projecten", role="leidinggevende", manager=None),
    dict(email=f"sanne.bakker@{DOMAIN}", voornaam="Sanne", tussenvoegsel="", achternaam="Bakker",
         functie="Teamleider Klantenservice", afdeling="Klantenservice", role="leidinggevende",
         manager=None),
    dict(email=f"eva.visser@{DOMAIN}", voornaam="Eva", tussenvoegsel="", achternaam="Visser",
         functie="Projectcoördinator", afdeling="Projecten", role="medewerker",
         manager=f"marco.jansen@{DOMAIN}"),
    dict(email=f"daan.smit@{DOMAIN}", voornaam="Daan", tussenvoegsel="", achternaam="Smit",
         functie="Projectmedewerker", afdeling="Projecten", role="medewerker",
         manager=f"marco.jansen@{DOMAIN}"),
    dict(email=f"youssef.elamrani@{DOMAIN}", voornaam="Youssef", tussenvoegsel="el",
         achternaam="Amrani", functie="Planner", afdeling="Projecten", role="medewerker",
         manager=f"marco.jansen@{DOMAIN}"),
    dict(email=f"lotte.mulder@{DOMAIN}", voornaam="Lotte", tussenvoegsel="", achternaam="Mulder",
         functie="Klantadviseur", afdeling="Klantenservice", role="medewerker",
         manager=f"sanne.bakker@{DOMAIN}"),
    dict(email=f"fatima.bouzid@{DOMAIN}", voornaam="Fatima", tussenvoegsel="", achternaam="Bouzid",
         functie="Senior klantadviseur", afdeling="Klantenservice", role="medewerker",
         manager=f"sanne.bakker@{DOMAIN}"),
    dict(email=f"tim.deboer@{DOMAIN}", voornaam="Tim", tussenvoegsel="de", achternaam="Boer",
         functie="Klantadviseur", afdeling="Klantenservice", role="medewerker",
         manager=f"sanne.bakker@{DOMAIN}"),
]

EMPLOYEE_EMAIL = f"eva.visser@{DOMAIN}"
MANAGER_EMAIL = f"marco.jansen@{DOMAIN}"


def demo_answers(period_start: dt.date) -> dict:
    """Eva's plan: the filled example of the paper sources, spread over the phases."""
    d = lambda weeks: period_start + dt.timedelta(weeks=weeks)  # noqa: E731
    plus, matig, min_ = "plus", "matig", "min"
    return {
        "datum_pop_gesprek": d(2),
        "kwaliteiten": [
            {"sterk": "Overzicht houden over planning en afhankelijkheden in meerdere projecten.",
             "verbeter": "Verwachtingen van stakeholders expliciet maken en vastleggen."},
            {"sterk": "Betrouwbaar: afspraken kom ik na, collega’s weten wat ze aan me hebben.",
             "verbeter": "Risico’s op tijd bespreken, ook als dat ongemakkelijk voelt."},
            {"sterk": "Prettig in de omgang; collega’s vragen me vaak om mee te denken.",
             "verbeter": "Kort en consistent communiceren over prioriteiten in het team."},
        ],
        "meer_doen": "Projectstartoverleggen voorzitten en de afspraken over scope, deadlines en "
                     "verantwoordelijkheden zelf samenvatten.",
        "nieuwe_ontwikkelingen": "De afdeling gaat meer projecten voor externe opdrachtgevers doen; "
                                 "daar hoort stakeholdermanagement bij.",
        "werk_over_3_jaar": "Ik wil doorgroeien naar projectlead: eindverantwoordelijk voor een "
                            "project, met een eigen team.\nWat me aanspreekt is het geheel overzien "
                            "en mensen in beweging krijgen.",
        "nieuwe_eisen": "Een projectlead managet verwachtingen van opdrachtgevers, bespreekt risico’s "
                        "en neemt eigenaarschap. Plannen en organiseren kan ik al; verwachtingen "
                        "managen en helder communiceren nog niet genoeg.",
        "voorbereiding_functie": "Meelopen met een ervaren projectlead en gericht oefenen in "
                                 "overleggen met stakeholders.",
        "ontwikkeldoelen": [
            {"doel": "Verwachtingen managen met stakeholders", "belang": 1},
            {"doel": "Heldere communicatie in het team", "belang": 2},
        ],
        "on_the_job": {
            "projecten": {"past": plus, "ligt": plus},
            "coaching": {"past": plus, "ligt": matig},
            "instructie": {"past": matig, "ligt": matig},
            "elkaar": {"past": plus, "ligt": plus},
        },
        "off_the_job": {
            "trainingen": {"past": matig, "ligt": plus},
            "opleidingen": {"past": min_, "ligt": matig},
            "andere_afdelingen": {"past": matig, "ligt": matig},
            "zelfstudie": {"past": matig, "ligt": min_},
        },
        "pop_wat": "Doel 1: verwachtingen managen met stakeholders.\n"
                   "Doel 2: heldere communicatie in het team.",
        "pop_hoe": "Bij elk nieuw projectstartoverleg een ‘verwachtingen-check’ van 10 minuten waarin "
                   "ik scope, deadlines en verantwoordelijkheden hardop samenvat. Na elk overleg een "
                   "korte recap met besluiten en acties, en actief om bevestiging vragen. Eén project "
                   "per maand waarin ik bewust oefen met het bespreken van risico’s.\n"
                   "In het team werk ik met een vaste update-structuur: status, volgende stap, wat ik "
                   "nodig heb, deadline.",
        "pop_wanneer_voldaan": "Minimaal 80% van de stakeholders bevestigt afspraken binnen 48 uur, en "
                               "in de wekelijkse projectupdate zijn er minder escalaties door "
                               "misverstanden.",
        "pop_ondersteuning": "Mijn manager helpt met het voorbereiden van lastige gesprekken en neemt "
                             "één keer een rolmodel-positie door een gesprek te demonstreren. Een "
                             "collega leest mijn recap-mail mee en geeft tips voor helderheid.",
        "kosten": {
            "werktijd": {"van_toepassing": "ja"}, "vrije_tijd": {"van_toepassing": "nee"},
            "tijd_anderen": {"van_toepassing": "ja"}, "materialen": {"van_toepassing": "nee"},
            "reis": {"van_toepassing": "nee"}, "opleiding": {"van_toepassing": "ja"},
            "middelen": {"van_toepassing": "nee"}, "coach": {"van_toepassing": "nee"},
        },
        "kosten_antwoord": "Ongeveer 2 uur per week werktijd, een uur per maand van mijn manager en "
                           "een tweedaagse training gesprekstechnieken (€ 950) uit het "
                           "afdelingsbudget. Marco regelt het budget, ik plan de training in.",
        "wanneer_geleerd": "Doel 1 in 8 weken, doel 2 in 6 weken; tussendoor elke 4 weken een "
                           "check-in met mijn manager.",
        "evaluatie_optie": "vooraf",
        "evaluatie_vooraf": "Minimaal 80% van de stakeholders bevestigt afspraken binnen 48 uur. "
                            "Mijn manager observeert twee overleggen en geeft concrete feedback op "
                            "mijn communicatie. Na twee weken vraag ik feedback aan drie collega’s.",
        "voortgangsgesprekken": [
            {"datum": d(8),
             "gedaan": "Bij drie projectstarts een verwachtingen-check gedaan en na elk overleg een "
                       "recap gestuurd.",
             "opgeleverd": "Twee van de drie opdrachtgevers bevestigden binnen 48 uur. Eén escalatie "
                           "minder dan vorige maand.",
             "tevreden": "Redelijk tevreden: het bespreken van risico’s vind ik nog lastig.",
             "verder": "Marco doet het volgende risicogesprek voor; daarna doe ik het zelf. Het POP "
                       "hoeft niet te worden bijgesteld."},
        ],
        "volgend_gesprek": "voortgangsgesprek",
        "volgend_gesprek_datum": d(16),
    }


def load_demo() -> None:
    with database.atomic():
        people = {}
        for data in PEOPLE:
            person = Person(**{k: v for k, v in data.items() if k != "manager"})
            person.manager = people.get(data["manager"])
            person.set_password(DEMO_PASSWORD)
            person.save()
            people[data["email"]] = person
        today = dt.date.today()
        year = today.year
        full = demo_answers(dt.date(year, 1, 12))
        plan_only = {k: v for k, v in full.items() if k not in ("voortgangsgesprekken",)}
        evaluation = {
            "doelen_gehaald": "Grotendeels: de verwachtingen-check doe ik nu bij elke projectstart; "
                              "risico’s bespreken gaat beter maar nog niet vanzelf.",
            "hoe_geleerd": "Vooral door het voor te zien doen en het daarna zelf te doen, met een "
                           "korte terugblik na elk overleg.",
            "pop_afsluiten": "Afgesloten; het bespreken van risico’s neem ik mee naar het volgende POP.",
        }
        # One plan in every state of the cycle, so each demo account has something to do.
        _demo_plan(people[EMPLOYEE_EMAIL], str(year), full, "uitvoering", signed=dt.date(year, 1, 26))
        _demo_plan(people[f"daan.smit@{DOMAIN}"], str(year), {}, "voorbereiding")
        youssef = _demo_plan(people[f"youssef.elamrani@{DOMAIN}"], str(year),
                             {k: full[k] for k in ("datum_pop_gesprek", "kwaliteiten", "meer_doen",
                                                   "werk_over_3_jaar", "ontwikkeldoelen")},
                             "ontwikkelgesprek")
        answers.save(youssef, {"akkoord_medewerker": _signature(people[f"youssef.elamrani@{DOMAIN}"],
                                                                 dt.date(year, 2, 2))})
        _demo_plan(people[f"lotte.mulder@{DOMAIN}"], str(year), plan_only, "vastgesteld",
                   signed=dt.date(year, 2, 9))
        _demo_plan(people[f"fatima.bouzid@{DOMAIN}"], str(year), {**full, **evaluation}, "evaluatie",
                   signed=dt.date(year, 1, 19))
        _demo_plan(people[f"tim.deboer@{DOMAIN}"], str(year - 1),
                   {**demo_answers(dt.date(year - 1, 1, 12)), **evaluation}, "afgerond",
                   signed=dt.date(year - 1, 1, 26))


def _signature(person: Person, day: dt.date) -> dict:
    return {"naam": person.naam, "datum": day, "person_id": person.id}


def _demo_plan(person: Person, period: str, values: dict, state: str, signed: dt.date | None = None):
    plan = start_plan(person, DEFAULT_FORM, period, by=person)
    answers.save(plan, values)
    if signed:
        answers.save(plan, {"akkoord_medewerker": _signature(person, signed),
                            "akkoord_leidinggevende": _signature(person.manager, signed)})
        cycle.freeze(plan)
        PlanVersion.update(agreed_at=dt.datetime.combine(signed, dt.time(10, 0))) \
            .where(PlanVersion.plan == plan).execute()  # agreed on the day both signed
    Plan.update(status=state).where(Plan.id == plan.id).execute()
    return plan


def demo_example(year: int = 2026):
    """The demo plan without a database, for template previews and the placeholder help page:
    (employee, manager, period, answers), people as simple objects with the Person attributes."""
    from types import SimpleNamespace

    def person(email):
        data = next(p for p in PEOPLE if p["email"] == email)
        names = (data["voornaam"], data["tussenvoegsel"], data["achternaam"])
        return SimpleNamespace(naam=" ".join(n for n in names if n), **{
            k: v for k, v in data.items() if k not in ("manager", "role")})

    employee, manager = person(EMPLOYEE_EMAIL), person(MANAGER_EMAIL)
    values = demo_answers(dt.date(year, 1, 12))
    signed = dt.date(year, 1, 26)
    values["akkoord_medewerker"] = {"naam": employee.naam, "datum": signed, "person_id": 0}
    values["akkoord_leidinggevende"] = {"naam": manager.naam, "datum": signed, "person_id": 0}
    return employee, manager, str(year), values
