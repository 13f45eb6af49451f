"""The six-step plan: "Persoonlijk Ontwikkelingsplan (POP) | Voorbeeld & tips" of
shared/seeds/002_70d0dfa5a950bb84.txt.

Steps 1-3 (huidige situatie, leerbehoeften, ontwikkelingsmogelijkheden with the three kinds of
training) prepare; step 4 is the plan van aanpak, each leerdoel checked SMART on the seed's letters
(Specifiek, Meetbaar, Bereikbaar, Relevant, Tijdsgebonden) with its consultant example as help; step 5
the learning log, entries added during the year (cycle "voortgang"); step 6 the four evaluation
questions (cycle "evaluatie"). Texts verbatim from the seed (tests/test_seed_forms.py); the shared parts
come from forms/common.py.
"""
from .common import (SMART_002, SMART_002_INTRO, akkoord_part, checklist_part, costs_field,
                     smart_field)
from .definition import FormDefinition, Part, Section
from .kinds import Choice, Date, Info, LongText, Table, Text
from .limits import CELL_CHARS, PROGRESS_TALKS, TALK_ANSWER_CHARS


def _long(key, label, **kw):
    return LongText(key, label, answer_label="", **kw)


TRAININGEN = (
    "Bedrijfstrainingen brengen je op de hoogte van nieuwe producten, processen of apparatuur.",
    "Functiegerichte trainingen helpen je je werk beter te doen. Dit kan een gezondheids- en "
    "veiligheidstraining voor een beveiliger zijn, maar ook een verkooptraining voor een callcenter "
    "medewerker.",
    "Trajecten voor persoonlijke ontwikkeling concentreren zich op jou als persoon. Het betreft alles wat "
    "jou als medewerker in het algemeen veerkrachtiger kan maken. Van een cursus hulpverlening tot een "
    "training in leiderschapsvaardigheden.",
)
SOORTEN = (
    ("bedrijf", "Bedrijfstrainingen"),
    ("functie", "Functiegerichte trainingen"),
    ("persoonlijk", "Trajecten voor persoonlijke ontwikkeling"),
)

voorbereiding = Part(
    key="stappen-1-3", title="Hoe maak je een persoonlijk ontwikkelplan?", nav_title="Stap 1-3",
    intro=(
        "Wie het maximale uit zijn eigen ontwikkeling wil halen, moet zeer specifiek in kaart brengen "
        "welke prestatiegebieden verbeterd moeten worden. De volgende stappen helpen je bij het opstellen "
        "van je eigen POP.",
    ),
    sections=(
        Section(
            "1. Evalueer je huidige situatie",
            intro=(
                "Maak een analyse van de huidige stand van zaken en toekomstige mogelijkheden binnen je "
                "(toekomstige) vakgebied of sector. Schakel zo nodig de hulp in van een leidinggevende, "
                "mentor, loopbaancoach, collega's of vrienden.",
            ),
            items=(
                _long("huidige_situatie", "In welke vaardigheden wil je je verder bekwamen?", help=(
                    "Wil je een andere richting op?",
                    "Misschien wil je een betere baan, hogere functie of hoger salaris?",
                    "Neem je persoonlijke normen en waarden mee in je evaluatie, net als je privéleven, "
                    "inkomen en mogelijke beperkingen in relatie tot woon- en werkverkeer.",
                )),
            ),
        ),
        Section(
            "2. Breng je leerbehoeften in kaart",
            intro=(
                "Je ontwikkelingsbehoeften zullen grotendeels bepaald worden door je carrièredoelen. "
                "Ontwikkeling kan noodzakelijk zijn als je een andere baan krijgt, maar ook voortkomen uit "
                "je ontevredenheid over bestaande werkwijzen en -processen. Bovendien kan het nuttig zijn "
                "ter voorbereiding op een promotie, carrièreswitch of toekomst als zelfstandig ondernemer.",
            ),
            items=(
                _long("leerbehoeften", "Wat wil je leren?", help=(
                    "Met onder andere persoonlijkheids- en vaardigheidstests kun je je sterke en zwakke "
                    "punten in kaart brengen.",
                )),
            ),
        ),
        Section(
            "3. Identificeer ontwikkelingsmogelijkheden",
            intro=(
                "Stel op basis van je evaluatie een lijst op van de kennis en vaardigheden die je wilt "
                "aanleren, verbeteren en/of aanvullen. Vergelijk de lijst met je competentieprofiel en "
                "identificeer mogelijke hiaten in je ontwikkeling.",
            ),
            items=(
                Info(text="Neem daarna deze drie verschillende soorten training in overweging:",
                     bullets=TRAININGEN),
                Table("ontwikkelingsmogelijkheden", "Ontwikkelingsmogelijkheden", min_rows=3,
                      add_label="Rij toevoegen", columns=(
                          LongText("kennis", "Kennis en vaardigheden", answer_label="", lines=2,
                                   max_length=CELL_CHARS),
                          Choice("training", "Soort training", options=SOORTEN),
                      )),
            ),
        ),
    ),
)

plan_van_aanpak = Part(
    key="stap-4", title="4. Schrijf een plan van aanpak met persoonlijke leerdoelen", nav_title="Stap 4",
    intro=(
        "Stel leerdoelen vast voor elk van de door jou vastgestelde vaardigheids- en kennishiaten. Gebruik "
        "het SMART acroniem om ervoor te zorgen dat je doelstellingen zowel specifiek (Specific) als "
        "meetbaar (Measurable), haalbaar (Attainable), Relevant en tijdsgebonden (Timely) zijn.",
    ),
    sections=(
        Section("4. Schrijf een plan van aanpak met persoonlijke leerdoelen", items=(
            Table("leerdoelen", "Leerdoelen", layout="blocks", row_title="Leerdoel",
                  add_label="Leerdoel toevoegen", rows_word="leerdoelen", min_rows=1, spare_rows=0,
                  columns=(
                      _long("leerdoel", "Leerdoel", lines=2, max_length=CELL_CHARS),
                      smart_field(letters=SMART_002, intro=SMART_002_INTRO),
                  )),
        )),
        Section("Kosten", items=(costs_field(label="Wat gaat dit kosten?",
                                             intro="Hierbij gaat het zowel om tijd als geld."),)),
    ),
)

monitoren = Part(
    key="stap-5", cycle="voortgang", title="5. Monitoren en registreren", nav_title="Stap 5",
    intro=(
        "Breng je plan in de praktijk. Naast trainingen zijn detachering, functieruil, projectwerk, "
        "netwerken en maatschappelijk wellicht opties. Leg resultaten vast om jezelf en anderen, zoals "
        "potentiële werkgevers, eraan te herinneren wat je hebt gedaan.",
    ),
    sections=(
        Section("5. Monitoren en registreren", intro=(
            "Registreer de datum, de leerbehoefte, gekozen leermethode, de datum of data waarop de actie "
            "werd ondernomen, de resultaten en eventuele verdere relevante informatie.",
        ), items=(
            Table("leerlog", "Registreer", layout="blocks", spare_rows=0, row_title="Registratie",
                  add_label="Registratie toevoegen", max_rows=PROGRESS_TALKS, rows_word="registraties",
                  sort_by="datum", records_author=True, columns=(
                      Date("datum", "Datum"),
                      Text("leerbehoefte", "Leerbehoefte"),
                      Text("leermethode", "Gekozen leermethode"),
                      Text("data_actie", "De datum of data waarop de actie werd ondernomen"),
                      _long("resultaten", "De resultaten", lines=3, max_length=TALK_ANSWER_CHARS),
                      _long("overig", "Eventuele verdere relevante informatie", lines=2,
                            max_length=TALK_ANSWER_CHARS),
                  )),
        )),
    ),
)

evalueren = Part(
    key="stap-6", cycle="evaluatie", title="6. Evalueren en beoordelen", nav_title="Stap 6",
    intro=(
        "De evaluatie is de belangrijkste fase in de cyclus. De vraag is of de door jou ondernomen "
        "ontwikkelingsactiviteit passend en de moeite waard was. Er zijn een aantal zaken waarover je moet "
        "nadenken:",
    ),
    sections=(
        Section("6. Evalueren en beoordelen", items=tuple(
            _long(key, label) for key, label in (
                ("effectief", "Hoe effectief is je aanpak geweest?"),
                ("verbeterd", "Hoe heeft deze activiteit je vaardigheden en professionele gedrag verbeterd?"),
                ("nieuwe_leerbehoeften", "Heeft deze ervaring nieuwe leerbehoeften opgeleverd?"),
                ("opnieuw", "Zou je de aanpak opnieuw volgen?"),
            )),
            outro=("Een diepgaande analyse levert je vaak belangrijke aanwijzingen voor de toekomst op. "
                   "Doelen veranderen, taken variëren en er zullen nieuwe behoeften ontstaan. Het is "
                   "daarom belangrijk om je persoonlijke ontwikkelingsplan periodiek te herzien.",)),
    ),
)

POP_ZES_STAPPEN = FormDefinition(
    key="pop-zes-stappen",
    title="Persoonlijk Ontwikkelingsplan (POP)",
    short_title="POP (zes stappen)",
    description="Het POP in zes stappen: huidige situatie, leerbehoeften, ontwikkelingsmogelijkheden, "
                "SMART leerdoelen, een registratie van wat je doet en leert door het jaar, en de "
                "evaluatie.",
    parts=(voorbereiding, plan_van_aanpak, monitoren, evalueren, akkoord_part(), checklist_part()),
    goals_field="leerdoelen",
    next_talk_field="volgend_gesprek_datum",
    next_talk_kind_field="volgend_gesprek",
    costs_field="kosten_pob",
)
