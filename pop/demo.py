"""A small demo organisation with realistically filled plans: on the extended form, the projectcoördinator
growing to projectlead from the filled example in shared/seeds/000_164e534d49eed234.txt, in every state
of the cycle; and one plan of each other form of the seeds: the compact POP with the seed's own filled
example (000, Projectcoördinator, two goals), the POP table with the three rows of 004 §4.11, and the
six-step plan (002) of a beginning consultant with a SMART goal like the seed's and a learning log."""
import datetime as dt
from decimal import Decimal

from forms import DEFAULT_FORM
from forms.common import CHECKLIST_GROUPS

from . import answers, clock, cycle, departments
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
    # One plan of each other form of the seeds.
    dict(email=f"noor.dewit@{DOMAIN}", voornaam="Noor", tussenvoegsel="de", achternaam="Wit",
         functie="Projectcoördinator", afdeling="Projecten", role="medewerker",
         manager=f"marco.jansen@{DOMAIN}"),
    dict(email=f"kim.hendriks@{DOMAIN}", voornaam="Kim", tussenvoegsel="", achternaam="Hendriks",
         functie="Medewerker klantenservice", afdeling="Klantenservice", role="medewerker",
         manager=f"sanne.bakker@{DOMAIN}"),
    dict(email=f"bas.verhoeven@{DOMAIN}", voornaam="Bas", tussenvoegsel="", achternaam="Verhoeven",
         functie="Beginnend consultant", afdeling="Projecten", role="medewerker",
         manager=f"marco.jansen@{DOMAIN}"),
]

EMPLOYEE_EMAIL = f"eva.visser@{DOMAIN}"
MANAGER_EMAIL = f"marco.jansen@{DOMAIN}"
COMPACT_EMAIL = f"noor.dewit@{DOMAIN}"
TABEL_EMAIL = f"kim.hendriks@{DOMAIN}"
ZES_STAPPEN_EMAIL = f"bas.verhoeven@{DOMAIN}"


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
            {"doel": "Verwachtingen managen met stakeholders", "belang": 1, "smart": {
                "s": "Bij elke projectstart vat ik scope, deadlines en verantwoordelijkheden hardop samen.",
                "m": "Minimaal 80% van de stakeholders bevestigt afspraken binnen 48 uur.",
                "a": "Afgesproken met Marco; hij observeert twee overleggen.",
                "r": "Past in de overleggen die ik nu al voorzit.",
                "t": "Binnen 8 weken."}},
            {"doel": "Heldere communicatie in het team", "belang": 2, "smart": {
                "s": "Elke update heeft dezelfde structuur: status, volgende stap, wat ik nodig heb, "
                     "deadline.",
                "t": "Binnen 6 weken."}},  # Meetbaar, Acceptabel, Realistisch still open
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
        "kosten_pob": {
            "werktijd": {"euro": None, "uren": Decimal("16")},
            "tijd_anderen": {"euro": None, "uren": Decimal("6")},
            "opleiding": {"euro": Decimal("950.00"), "uren": Decimal("14")},
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
        "gesprekken": [demo_checklist(d(2))],
    }


PROJECT_NOTES = {"informatie": "Feedback van twee projectleden en de laatste projectevaluatie gelezen.",
                 "mogelijkheden": "Training gesprekstechnieken besproken; beslissen we bij het volgende "
                                  "gesprek.",
                 "voortgangsbesprekingen": "Elke 4 weken een check-in in de agenda gezet."}
# Each plan's manager wrote about that plan: Kim's courses, Bas's first pitches.
TABEL_NOTES = {"informatie": "De klantreacties van de servicebalie en Kims eigen wensen doorgenomen.",
               "mogelijkheden": "Excelcursus en het zelfstudiepakket Praktisch Management besproken.",
               "voortgangsbesprekingen": "Elke maand in de werkbespreking de stand van het POP."}
ZES_STAPPEN_NOTES = {"informatie": "De eerste kennismakingsgesprekken van Bas en zijn eigen indruk "
                                   "doorgenomen.",
                     "mogelijkheden": "Eerst meelopen met Marco; een pitchtraining als dat niet genoeg is.",
                     "voortgangsbesprekingen": "Elke twee weken kort de pitches van die weken bespreken."}


def demo_checklist(day: dt.date, notes: dict | None = None) -> dict:
    """The manager's checklist (seed 001) of the first conversation, partly ticked, with notes."""
    ticked = {"doelen", "informatie", "startbijeenkomst", "carrieredoelen", "vaardigheden",
              "actiepunten", "verwachtingen", "documenteer", "voortgangsbesprekingen"}
    notes = PROJECT_NOTES if notes is None else notes
    return {"datum": day, "gesprek": "Startgesprek POP",
            "checklist": {key: {"af": key in ticked, "notitie": notes.get(key, "")}
                          for _, items in CHECKLIST_GROUPS for key, _ in items}}


def compact_answers(period_start: dt.date) -> dict:
    """Noor's compact POP: the filled example of seed 000 word for word (Profiel, Doel 1 and Doel 2
    with Waarom, Acties, Meetpunten and Ondersteuning), the weeks of its Acties as the Tijdslijn; the
    SMART notes, the costs and the check-ins are the demo's own."""
    d = lambda weeks: period_start + dt.timedelta(weeks=weeks)  # noqa: E731
    return {
        "rol": "Projectcoördinator",
        "ambitie": "doorgroeien naar projectlead",
        "ontwikkelfocus": "helder communiceren, verwachtingen managen, eigenaarschap tonen",
        "startsituatie": "Plannen en overzicht houden gaan goed. De grootste hefboom zit in afspraken "
                         "met stakeholders expliciet maken en prioriteiten helder delen in het team.",
        "doelen": [
            {"doel": "Verwachtingen managen met stakeholders",
             "waarom": "Projecten lopen soms vertraging op doordat stakeholders andere verwachtingen "
                       "hebben dan afgesproken. Ik wil leren om proactiever te communiceren en afspraken "
                       "expliciet te maken, zodat afhankelijkheden sneller duidelijk worden.",
             "acties": "Ik plan bij elk nieuw projectstartoverleg een korte “verwachtingen-check” van 10 "
                       "minuten waarin ik scope, deadlines en verantwoordelijkheden hardop samenvat. Ik "
                       "stuur na elk overleg een korte recap met besluiten en acties, en vraag actief om "
                       "bevestiging. Ik kies daarnaast één project per maand waarin ik bewust oefen met "
                       "het bespreken van risico’s, ook als het ongemakkelijk voelt.",
             "ondersteuning": "Mijn manager helpt met het voorbereiden van lastige gesprekken en neemt "
                              "één keer een rolmodel-positie door een gesprek te demonstreren. Een "
                              "collega leest mijn recap-mail mee en geeft tips voor helderheid.",
             "meetpunten": "Minimaal 80% van de stakeholders bevestigt afspraken binnen 48 uur. In de "
                           "wekelijkse projectupdate zijn er minder escalaties door misverstanden. Mijn "
                           "manager observeert twee overleggen en geeft concrete feedback op mijn "
                           "communicatie.",
             "tijdslijn": "8 weken",
             "reflectie": "",
             "smart": {"s": "Een verwachtingen-check bij elk nieuw projectstartoverleg en een recap na "
                            "elk overleg.",
                       "m": "Minimaal 80% van de stakeholders bevestigt afspraken binnen 48 uur.",
                       "a": "Afgesproken met Marco, die twee overleggen observeert.",
                       "r": "Past in de overleggen die ik nu al voer.",
                       "t": "8 weken."}},
            {"doel": "Heldere communicatie in het team",
             "waarom": "Teamleden weten soms niet wat prioriteit heeft, waardoor werk dubbel wordt "
                       "gedaan. Ik wil mijn communicatie korter en consistenter maken.",
             "acties": "Ik werk met een vaste update-structuur: wat is de status, wat is de volgende "
                       "stap, wat heb ik nodig, en wat is de deadline. Ik rond elke update af met één "
                       "duidelijke vraag of beslissing. Ik vraag na twee weken feedback aan drie "
                       "collega’s: wat helpt, wat kan beter, en wat is nog onduidelijk.",
             "ondersteuning": "",
             "meetpunten": "Collega’s geven in feedback aan dat prioriteiten duidelijker zijn. Minder "
                           "ad-hoc afstemming over “wat moet ik doen” vragen.",
             "tijdslijn": "6 weken",
             "reflectie": "",
             # Acceptabel and Realistisch still open: the overview shows them as missing.
             "smart": {"s": "Elke update met dezelfde structuur, afgerond met één vraag of beslissing.",
                       "m": "Feedback van drie collega’s na twee weken.",
                       "t": "6 weken."}},
        ],
        "kosten_pob": {
            "werktijd": {"euro": None, "uren": Decimal("12")},
            "tijd_anderen": {"euro": None, "uren": Decimal("4")},
        },
        "checkins": [
            {"datum": d(6),
             "goal": "Bij elke projectstart een verwachtingen-check doen en afspraken laten bevestigen.",
             "reality": "Bij twee van de drie starts gedaan; één opdrachtgever bevestigde pas na een "
                        "week.",
             "options": "De recap binnen een uur na het overleg sturen; bij uitblijven van bevestiging "
                        "zelf even bellen.",
             "will": "Deze week de recap van het overleg met de gemeente binnen een uur versturen; "
                     "evalueren in de volgende check-in.",
             "reflectie": "De check zelf gaat goed; het lastige is doorvragen als iemand vaag blijft. "
                          "Dat oefen ik bij het volgende projectstartoverleg."},
            {"datum": d(10),
             "goal": "Updates in het team korter en met één duidelijke vraag of beslissing.",
             "reality": "De vaste update-structuur werkt; collega’s vragen minder vaak wat prioriteit "
                        "heeft.",
             "options": "De structuur ook gebruiken in de wekelijkse projectupdate.",
             "will": "Na twee weken feedback vragen aan drie collega’s."},
        ],
        "volgend_gesprek": "voortgangsgesprek",
        "volgend_gesprek_datum": d(14),
        "gesprekken": [demo_checklist(d(1))],
    }


def tabel_answers(period_start: dt.date) -> dict:
    """Kim's POP table: the three rows of seed 004 §4.11 word for word (the seed's hyphenations at
    line ends joined), each with its termijn; the SMART notes, the Startniveau and the costs are the
    demo's own."""
    return {
        "doelen": [
            {"doel": "Klantgericht werken",
             "activiteit": "Zes keer een donderdagmiddag meewerken op de servicebalie onder supervisie "
                           "van Corrie de Jong.",
             "resultaat": "Inzicht: welke benadering levert tevreden klanten op?\n"
                          "Ervaring: hoe doe je dat?",
             "planning": "15 maart tot 1 mei",
             "ondersteuning": "24 werkuren supervisie van Corrie de Jong",
             "termijn": "kort",
             "smart": {"s": "Zes donderdagmiddagen aan de servicebalie.",
                       "m": "Corrie de Jong geeft na elke middag feedback.",
                       "t": "15 maart tot 1 mei."}},
            {"doel": "Excel",
             "activiteit": "Cursus volgen om het programma excel onder de knie te krijgen.",
             "resultaat": "Voldoende beheersing van het programma om de voorkomende werkzaamheden "
                          "zelfstandig te verrichten.",
             "planning": "Voor 31 december afgerond",
             "ondersteuning": "Externe cursus van 10 lessen, onder werktijd te volgen.",
             "termijn": "kort",
             "startniveau": "Eenvoudige lijsten maak ik al; formules en draaitabellen ken ik nog niet.",
             "smart": {"s": "Werken met formules en draaitabellen.",
                       "m": "De maandrapportage van het team zelfstandig in Excel maken.",
                       "a": "Afgesproken met Sanne; de cursus valt onder werktijd.",
                       "r": "Eén les per week naast het werk.",
                       "t": "Voor 31 december afgerond."}},
            {"doel": "Leidinggeven als teamleider",
             "activiteit": "Zelfstudiepakket Praktisch Management doorlopen.",
             "resultaat": "Basiskennis en elementaire vaardigheden op het gebied van leidinggeven.\n"
                          "In staat om operationeel leiding te geven aan een team van 5 medewerkers op "
                          "MBO-niveau.",
             "planning": "Dit jaar zelfstudie. Volgend jaar een stage-opdracht en praktijkervaring.",
             "ondersteuning": "Zelfstudiepakket Praktisch Management.\n"
                              "Stage-opdracht met tweewekelijks een uur begeleiding van Harrie Koning.",
             "termijn": "middellang"},
        ],
        "kosten_pob": {
            "eigen_uren": {"euro": None, "uren": Decimal("20")},
            "uren_begeleiding": {"euro": None, "uren": Decimal("24")},
            "opleiding": {"euro": Decimal("695.00"), "uren": None},
            "leermiddelen": {"euro": Decimal("89.50"), "uren": None},
        },
        "gesprekken": [demo_checklist(period_start + dt.timedelta(days=14), TABEL_NOTES)],
    }


def zes_stappen_answers(period_start: dt.date) -> dict:
    """Bas's six-step plan: a beginning consultant, his first leerdoel SMART like the seed's consultant
    example (002 step 4), three entries in his learning log so far."""
    d = lambda weeks: period_start + dt.timedelta(weeks=weeks)  # noqa: E731
    return {
        "huidige_situatie": "Ik ben een half jaar consultant bij de afdeling Projecten. Inhoudelijk "
                            "advies geven gaat goed; zelf opdrachten binnenhalen nog niet: ik werk tot "
                            "nu toe alleen mee aan opdrachten van collega’s.\nOver twee jaar wil ik een "
                            "eigen portefeuille van opdrachtgevers hebben.",
        "leerbehoeften": "Opdrachtgevers benaderen en in een paar minuten duidelijk maken wat wij voor "
                         "hen kunnen doen (een elevator pitch), en een offerte opstellen.",
        "ontwikkelingsmogelijkheden": [
            {"kennis": "Een goede elevator pitch en acquisitiegesprekken voeren", "training": "functie"},
            {"kennis": "De diensten en tarieven van de afdeling", "training": "bedrijf"},
            {"kennis": "Zelfvertrouwen in gesprekken met onbekende opdrachtgevers",
             "training": "persoonlijk"},
        ],
        "leerdoelen": [
            {"leerdoel": "Binnen drie maanden wil ik mijn eerste eigen opdracht binnenhalen op basis "
                         "van een goed voorbereide elevator pitch.",
             "smart": {"s": "Ik ga in ons netwerk op zoek naar organisaties die onze adviesdiensten "
                            "nodig hebben.",
                       "m": "Binnen een maand voer ik 3 kennismakingsgesprekken per week.",
                       "a": "Ik scherp mijn pitch aan met Marco en oefen hem in het teamoverleg.",
                       "r": "Eigen opdrachten zijn de volgende stap naar een eigen portefeuille.",
                       "t": "Binnen drie maanden heb ik mijn eerste eigen opdracht."}},
            {"leerdoel": "Zelfstandig een offerte opstellen die zonder correcties de deur uit kan.",
             "smart": {"s": "Offertes volgens het sjabloon van de afdeling, met planning en tarief.",
                       "t": "Voor de zomer."}},  # Meetbaar, Bereikbaar, Relevant still open
        ],
        "kosten_pob": {
            "werktijd": {"euro": None, "uren": Decimal("24")},
            "opleiding": {"euro": Decimal("1250.00"), "uren": None},
            "tijd_anderen": {"euro": None, "uren": Decimal("6")},
        },
        "leerlog": [
            {"datum": d(4), "leerbehoefte": "Een goede elevator pitch",
             "leermethode": "Training ‘Overtuigend pitchen’ (twee dagdelen)",
             "data_actie": f"{d(3).strftime('%d-%m-%Y')} en {d(4).strftime('%d-%m-%Y')}",
             "resultaten": "Een pitch van twee minuten, twee keer geoefend met feedback van de trainer.",
             "overig": "De trainer raadt aan de pitch op te nemen en terug te kijken."},
            {"datum": d(7), "leerbehoefte": "Acquisitiegesprekken voeren",
             "leermethode": "Meelopen met Marco bij twee kennismakingsgesprekken",
             "data_actie": d(6).strftime("%d-%m-%Y"),
             "resultaten": "Gezien hoe Marco eerst naar de vraag van de klant luistert voor hij iets "
                           "aanbiedt.",
             "overig": ""},
            {"datum": d(10), "leerbehoefte": "Een goede elevator pitch",
             "leermethode": "Zelf gepitcht bij drie organisaties uit ons netwerk",
             "data_actie": "in week 9 en 10",
             "resultaten": "Twee vervolgafspraken; één organisatie vraagt een offerte.",
             "overig": "Het tweede leerdoel (offerte) komt nu vanzelf aan de orde."},
        ],
        "volgend_gesprek": "voortgangsgesprek",
        "volgend_gesprek_datum": d(16),
        "gesprekken": [demo_checklist(d(1), ZES_STAPPEN_NOTES)],
    }


# The demo plan of each form: whose it is and its answers (as demo_answers for the extended form).
DEMO_FORMS = {
    DEFAULT_FORM: (EMPLOYEE_EMAIL, demo_answers),
    "pop-compact": (COMPACT_EMAIL, compact_answers),
    "pop-tabel": (TABEL_EMAIL, tabel_answers),
    "pop-zes-stappen": (ZES_STAPPEN_EMAIL, zes_stappen_answers),
}


# The demo's plans run RUNNING_WEEKS on the day it is loaded: their first talks behind them, the next ones
# ahead, whatever the month (fixed January dates made every talk verstreken for a newcomer in December).
RUNNING_WEEKS = 10


def demo_start(today: dt.date) -> dt.date:
    """The Monday the demo's running plans started."""
    start = today - dt.timedelta(weeks=RUNNING_WEEKS)
    return start - dt.timedelta(days=start.weekday())


def load_demo(today: dt.date | None = None) -> None:
    """The demo organisation, its dates relative to today (the organisation's today by default)."""
    today = today or clock.today()
    with database.atomic():
        people = {}
        # One hash for all: they share the demo password, and each hash takes over half a second
        # (scrypt at OWASP's N=2^17). Each still gets its own salt when its password is changed.
        first = Person(voornaam="", achternaam="", email="")
        first.set_password(DEMO_PASSWORD)
        for name in sorted({data["afdeling"] for data in PEOPLE}):
            departments.canonical(name, create=True)
        for data in PEOPLE:
            person = Person(**{k: v for k, v in data.items() if k != "manager"})
            person.manager = people.get(data["manager"])
            person.password_hash = first.password_hash
            person.save()
            people[data["email"]] = person
        year = today.year
        start = demo_start(today)
        days = lambda n: start + dt.timedelta(days=n)  # noqa: E731
        full = demo_answers(start)
        plan_only = {k: v for k, v in full.items() if k not in ("voortgangsgesprekken",)}
        evaluation = {
            "doelen_gehaald": "Grotendeels: de verwachtingen-check doe ik nu bij elke projectstart; "
                              "risico’s bespreken gaat beter maar nog niet vanzelf.",
            "hoe_geleerd": "Vooral door het voor te zien doen en het daarna zelf te doen, met een "
                           "korte terugblik na elk overleg.",
            "pop_afsluiten": "Afgesloten; het bespreken van risico’s neem ik mee naar het volgende POP.",
        }
        # One plan in every state of the cycle, so each demo account has something to do.
        _demo_plan(people[EMPLOYEE_EMAIL], str(year), full, "uitvoering", signed=days(14))
        _demo_plan(people[f"daan.smit@{DOMAIN}"], str(year), {}, "voorbereiding")
        # Youssef shared his plan and signed it; the POP-gesprek with Marco is next week.
        youssef = _demo_plan(people[f"youssef.elamrani@{DOMAIN}"], str(year),
                             {**{k: full[k] for k in ("kwaliteiten", "meer_doen", "werk_over_3_jaar",
                                                      "ontwikkeldoelen")},
                              "datum_pop_gesprek": today + dt.timedelta(days=7)},
                             "ontwikkelgesprek")
        answers.save(youssef, {"akkoord_medewerker": _signature(people[f"youssef.elamrani@{DOMAIN}"],
                                                                 today - dt.timedelta(days=2))})
        _demo_plan(people[f"lotte.mulder@{DOMAIN}"], str(year), plan_only, "vastgesteld",
                   signed=days(28))
        _demo_plan(people[f"fatima.bouzid@{DOMAIN}"], str(year), {**full, **evaluation}, "evaluatie",
                   signed=days(7))
        _demo_plan(people[f"tim.deboer@{DOMAIN}"], str(year - 1),
                   {**demo_answers(dt.date(year - 1, 1, 12)), **evaluation}, "afgerond",
                   signed=dt.date(year - 1, 1, 26))
        # One plan of each other form: the compact POP and the six-step plan running (check-ins, a
        # learning log), the POP table agreed and about to start.
        _demo_plan(people[COMPACT_EMAIL], str(year), compact_answers(start), "uitvoering",
                   signed=days(14), form_key="pop-compact")
        _demo_plan(people[TABEL_EMAIL], str(year), tabel_answers(start), "vastgesteld",
                   signed=days(35), form_key="pop-tabel")
        _demo_plan(people[ZES_STAPPEN_EMAIL], str(year), zes_stappen_answers(start), "uitvoering",
                   signed=days(21), form_key="pop-zes-stappen")
        _demo_organisation(people, str(year))


# Each employee's POB for the year (seed 004 §2.5.2), set by HR: (euros, hours). Kim's plan asks more
# hours than her budget holds, so the budget page shows an overrun.
BUDGETS = {EMPLOYEE_EMAIL: ("1500", "40"), f"daan.smit@{DOMAIN}": ("1000", "24"),
           f"youssef.elamrani@{DOMAIN}": ("1000", "24"), f"lotte.mulder@{DOMAIN}": ("1250", "32"),
           f"fatima.bouzid@{DOMAIN}": ("1500", "40"), f"tim.deboer@{DOMAIN}": ("1000", "24"),
           COMPACT_EMAIL: ("1000", "24"), TABEL_EMAIL: ("1000", "40"), ZES_STAPPEN_EMAIL: ("2000", "40")}
# The managers' placements in the performance/potential matrix (seed 004 §1.3): (prestaties, potentie).
PLACEMENTS = {
    MANAGER_EMAIL: {EMPLOYEE_EMAIL: ("plus", "plus"), f"daan.smit@{DOMAIN}": ("plus", "min"),
                    f"youssef.elamrani@{DOMAIN}": ("min", "plus"), COMPACT_EMAIL: ("plus", "plus"),
                    ZES_STAPPEN_EMAIL: ("min", "plus")},
    f"sanne.bakker@{DOMAIN}": {f"lotte.mulder@{DOMAIN}": ("plus", "min"),
                               f"fatima.bouzid@{DOMAIN}": ("plus", "plus"),
                               f"tim.deboer@{DOMAIN}": ("plus", "min"), TABEL_EMAIL: ("min", "plus")},
}


def _demo_organisation(people: dict, year: str) -> None:
    """HR's budgets for this year and the managers' matrix placements (their own tables, not plans)."""
    from .budget import save_budgets
    from .matrix import save_placements

    save_budgets({people[e].id: (Decimal(euro), Decimal(hours)) for e, (euro, hours) in BUDGETS.items()},
                 year, by=people[f"hr@{DOMAIN}"])
    for manager, placed in PLACEMENTS.items():
        save_placements({people[e].id: axes for e, axes in placed.items()}, year, by=people[manager])


def _signature(person: Person, day: dt.date) -> dict:
    return {"naam": person.naam, "datum": day, "person_id": person.id}


def _demo_plan(person: Person, period: str, values: dict, state: str, signed: dt.date | None = None,
               form_key: str = DEFAULT_FORM):
    plan = start_plan(person, form_key, period, by=person)
    answers.save(plan, values)
    if signed:
        answers.save(plan, {"akkoord_medewerker": _signature(person, signed),
                            "akkoord_leidinggevende": _signature(person.manager, signed)})
        cycle.freeze(plan)
        # 10:00 in the organisation's zone, stored in UTC like every time.
        agreed = dt.datetime.combine(signed, dt.time(10, 0), tzinfo=clock.zone())
        PlanVersion.update(agreed_at=agreed.astimezone(dt.timezone.utc).replace(tzinfo=None)) \
            .where(PlanVersion.plan == plan).execute()  # agreed on the day both signed
    Plan.update(status=state).where(Plan.id == plan.id).execute()
    return plan


def demo_example(year: int = 2026, form_key: str = DEFAULT_FORM):
    """The demo plan of a form without a database, for template previews and the placeholder help
    page: (employee, manager, period, answers), people as simple objects with the Person attributes.
    A form without a demo plan of its own gets the employee and manager of the extended one and no
    answers but the akkoorden."""
    from types import SimpleNamespace

    def person(email):
        data = next(p for p in PEOPLE if p["email"] == email)
        names = (data["voornaam"], data["tussenvoegsel"], data["achternaam"])
        return SimpleNamespace(naam=" ".join(n for n in names if n), **{
            k: v for k, v in data.items() if k not in ("manager", "role")})

    email, make_answers = DEMO_FORMS.get(form_key, (EMPLOYEE_EMAIL, lambda start: {}))
    employee = person(email)
    manager = person(next(p for p in PEOPLE if p["email"] == email)["manager"])
    values = make_answers(dt.date(year, 1, 12))
    signed = dt.date(year, 1, 26)
    values["akkoord_medewerker"] = {"naam": employee.naam, "datum": signed, "person_id": 0}
    values["akkoord_leidinggevende"] = {"naam": manager.naam, "datum": signed, "person_id": 0}
    return employee, manager, str(year), values
