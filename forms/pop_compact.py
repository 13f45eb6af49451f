"""The compact POP: the POP format of shared/seeds/000_164e534d49eed234.txt ("POP voorbeeld").

The seven bouwstenen of a strong POP are its structure: the profile (Rol, Ambitie, Ontwikkelfocus) and
the startsituatie; per goal the seed's format table, each row a question (Onderdeel), its Invulling as
the question's explanation and its Tip voor kwaliteit as help; the ritme as check-ins along the GROW
model, each with the format's Reflectie ("Maak reflectie een vaste agenda-item"). The seed advises one
or two goals: a third gets a friendly warning, never a refusal. Texts are verbatim from the seed
(tests/test_seed_forms.py checks them); the shared parts (SMART, costs, the conversation checklist, the
akkoorden) come from forms/common.py and their own seeds.
"""
from .common import akkoord_part, checklist_part, costs_field, smart_field
from .definition import FormDefinition, Part, Section
from .kinds import Date, Info, LongText, Table, Text
from .limits import CELL_CHARS, PROGRESS_TALKS, TALK_ANSWER_CHARS


def _long(key, label, **kw):
    return LongText(key, label, answer_label="", **kw)


BOUWSTENEN = (
    "Ontwikkelfocus (wat wil ik ontwikkelen en waarom is dat relevant voor mijn rol en ambities)",
    "Startsituatie (wat gaat al goed en waar zit de grootste hefboom)",
    "Doelstelling (zo concreet mogelijk, met een duidelijke tijdslijn)",
    "Acties (leren in het werk, oefenen, feedback ophalen, training of coaching waar nodig)",
    "Meetpunten (hoe weten we dat het beter gaat en wie kan dat zien)",
    "Ondersteuning (wat heb ik nodig van mijn manager, collega’s of organisatie)",
    "Ritme (wanneer checken we in en hoe leggen we voortgang vast)",
)

profiel = Part(
    key="profiel", title="Profiel", nav_title="Profiel",
    intro=(
        "Een POP is een Persoonlijk Ontwikkelplan waarin een medewerker vastlegt welke competenties, "
        "kennis of vaardigheden hij of zij wil ontwikkelen, waarom dat belangrijk is, en welke concrete "
        "acties daarvoor nodig zijn.",
    ),
    sections=(
        Section("De 7 bouwstenen van een sterk POP", items=(
            Info(text="Een goed POP is compact, concreet en gericht op uitvoering.", bullets=BOUWSTENEN,
                 numbered=True),
        )),
        Section("Profiel", items=(
            Text("rol", "Rol", prefill="employee.functie"),
            Text("ambitie", "Ambitie"),
            _long("ontwikkelfocus", "Ontwikkelfocus", lines=3, max_length=CELL_CHARS,
                  intro="wat wil ik ontwikkelen en waarom is dat relevant voor mijn rol en ambities",
                  help=("Maak de ontwikkelfocus scherp: Kies één vaardigheid of gedrag dat de grootste "
                        "impact heeft op de rol en samenwerking.",)),
            _long("startsituatie", "Startsituatie",
                  intro="wat gaat al goed en waar zit de grootste hefboom",
                  help=("Beschrijf de startsituatie: Wat zie je nu in gedrag en wat is het effect op "
                        "resultaten of relaties.",)),
        )),
    ),
)

ADVICE = "Kies liever één of twee ontwikkelfocuspunten en maak die zichtbaar in gedrag."

# The seed's format table: (key, Onderdeel, Invulling, Tip voor kwaliteit).
FORMAT = (
    ("doel", "Doel / ontwikkelfocus", "Welke vaardigheid, competentie of werkwijze wil je versterken",
     "Maak het specifiek voor de rol en huidige context"),
    ("waarom", "Waarom (impact)", "Waarom is dit belangrijk voor resultaat, samenwerking of klantwaarde",
     "Koppel aan concreet gedrag en effect"),
    ("acties", "Acties in het werk", "Oefenen, experimenteren, verantwoordelijkheden pakken",
     "Minimaal 70% leren door doen"),
    ("ondersteuning", "Ondersteuning", "Wat heb je nodig van manager, collega’s, tools of budget",
     "Maak afspraken expliciet en haalbaar"),
    ("meetpunten", "Meetpunten", "Welke signalen tonen progressie en wie kan dat observeren",
     "Gebruik concrete voorbeelden en momenten"),
    ("tijdslijn", "Tijdslijn", "Startdatum, tussenmomenten, eindmoment",
     "Werk met korte iteraties van 4 tot 8 weken"),
    ("reflectie", "Reflectie", "Wat ging goed, wat leert dit mij, wat pas ik aan",
     "Maak reflectie een vaste agenda-item"),
)

doelen = Part(
    key="doelen", title="Doelen", nav_title="Doelen",
    intro=(
        "Een POP wordt krachtiger wanneer doelen aansluiten op concrete Ontwikkeldoelen die je kunt "
        "bespreken, volgen en bijstellen.",
    ),
    sections=(
        Section("Doelstelling", intro=("zo concreet mogelijk, met een duidelijke tijdslijn",), items=(
            Table("doelen", "Doel", layout="blocks", row_title="Doel", add_label="Doel toevoegen",
                  rows_word="doelen", min_rows=1, spare_rows=0, advised_rows=2, advice=ADVICE,
                  columns=tuple(
                      _long(key, label, intro=invulling, help=(tip,), lines=3, max_length=CELL_CHARS)
                      for key, label, invulling, tip in FORMAT) + (smart_field(),)),
        )),
        Section("Ondersteuning", intro=("wat heb ik nodig van mijn manager, collega’s of organisatie",),
                items=(costs_field(),)),
    ),
)

REFLECTIE = FORMAT[-1]
GROW = (
    ("goal", "Goal", "Wat wil je over 6 tot 12 weken anders doen of beter kunnen"),
    ("reality", "Reality", "Wat gebeurt er nu, en wat is het effect daarvan"),
    ("options", "Options", "Welke acties zijn mogelijk, ook kleine experimenten"),
    ("will", "Will", "Wat ga je deze week doen, en wanneer evalueren we dat"),
)

ritme = Part(
    key="ritme", cycle="voortgang", title="Ritme", nav_title="Ritme",
    intro=("wanneer checken we in en hoe leggen we voortgang vast",),
    sections=(
        Section(
            "POP in de praktijk bespreken met het GROW-model",
            intro=(
                "Een POP wordt sterker wanneer je het gesprek erover goed voert. Het GROW-model is "
                "hiervoor een praktische structuur, omdat het eigenaarschap bij de medewerker houdt en "
                "tegelijk concreet maakt wat de volgende stap is.",
            ),
            items=(
                Table("checkins", "Check-ins", layout="blocks", spare_rows=0, row_title="Check-in",
                      add_label="Check-in toevoegen", max_rows=PROGRESS_TALKS, rows_word="check-ins",
                      sort_by="datum", records_author=True, columns=(
                          Date("datum", "Datum check-in"),
                          *(_long(key, label, intro=question, lines=3, max_length=TALK_ANSWER_CHARS)
                            for key, label, question in GROW),
                          # The format's Reflectie, "een vaste agenda-item" of each check-in: the goal's
                          # own Reflectie is agreed with the plan, this one follows the year.
                          _long("reflectie", "Reflectie", intro=REFLECTIE[2], help=(REFLECTIE[3],),
                                lines=3, max_length=TALK_ANSWER_CHARS),
                      )),
            ),
            outro=("Wanneer je dit ritme vasthoudt, wordt een POP geen plan, maar een leerproces.",),
        ),
    ),
)

POP_COMPACT = FormDefinition(
    key="pop-compact",
    title="Persoonlijk Ontwikkelplan (POP)",
    short_title="POP (compact)",
    description="Het compacte POP: profiel, één of twee doelen volgens het POP format (waarom, acties, "
                "ondersteuning, meetpunten, tijdslijn, reflectie) en check-ins volgens het GROW-model.",
    parts=(profiel, doelen, ritme, akkoord_part(), checklist_part()),
    goals_field="doelen",
    next_talk_field="volgend_gesprek_datum",
    next_talk_kind_field="volgend_gesprek",
    costs_field="kosten_pob",
)
