"""The POP table: "Voorbeeld van een persoonlijk ontwikkelingsplan" of shared/seeds/004_b396dcc4a9002874.txt
§4.11, with the tips of §2.10 as help.

One row per development goal: Ontwikkelingsdoel | Ontwikkelingsactiviteit | Gewenst resultaat | Planning
| Benodigde ondersteuning en faciliteiten, each goal marked korte or middellange termijn (the Tip! of
§2.3.1 and §2.10), with the optional Startniveau and Beloning of §2.10 and a SMART check (§2.4.1, §2.10
"SMARTe ontwikkelingsdoelen"). The tips of §2.10 stand above the table as the seed prints them, a point
per column: a grid shows its columns' headings only. Printed landscape, the Ondertekening under the
table, the planned costs after them. The execution and the evaluation of §2.5 and §2.5.1 follow, so
the plan goes round the whole cycle. Texts verbatim from the seed (tests/test_seed_forms.py); the shared parts come from
forms/common.py.
"""
from .common import akkoord_part, checklist_part, costs_field, smart_field
from .definition import FormDefinition, Part, Section
from .kinds import Choice, Date, Info, LongText, MatrixRow, Table
from .limits import CELL_CHARS, PROGRESS_TALKS, TALK_ANSWER_CHARS


def _cell(key, label):
    return LongText(key, label, answer_label="", lines=3, max_length=CELL_CHARS)


TERMIJN_TIP = ("Tip!: maak onderscheid tussen ontwikkelingsdoelen op de korte termijn (tot een jaar) en op "
               "de middellange termijn (tussen één en vijf jaar).")
TERMIJNEN = (
    ("kort", "korte termijn (tot een jaar)"),
    ("middellang", "middellange termijn (tussen één en vijf jaar)"),
)

# §2.10 "welke ondersteuning en faciliteiten je nodig hebt. Denk aan:", here the cost aspects.
FACILITEITEN = (
    MatrixRow("eigen_uren", "Je eigen uren (met name: extern te besteden uren)"),
    MatrixRow("uren_begeleiding", "Uren van je leidinggevende, docent, begeleider of coach"),
    MatrixRow("opleiding", "Budget voor een opleiding of cursus"),
    MatrixRow("leermiddelen", "Leermiddelen zoals een boek of studiepakket"),
)

STARTNIVEAU = ("Je startniveau met betrekking tot een bepaald ontwikkelingsdoel (wat weet je al en kun je "
               "al).")
BELONING = ("De beloning die je krijgt van je leidinggevende of van jezelf. Denk aan een salarisverhoging, "
            "een nieuwe verantwoordelijkheid, een huidige taak afstoten, vrije dagen of een vakantie, een "
            "cadeautje of gewoon een bos bloemen.")

plan = Part(
    key="plan", title="Persoonlijk Ontwikkelings Plan", nav_title="Plan",
    intro=(
        "Een POP (Persoonlijk Ontwikkelings Plan) is een 'ontwikkelingscontract' tussen werkgever en "
        "werknemer.",
    ),
    sections=(
        # §2.10 as the seed prints it, above the table: its points are the table's columns. The
        # section has the part's title, so it is not repeated as a heading.
        Section("Persoonlijk Ontwikkelings Plan", items=(
            Info("Tips voor het opstellen van een POP",
                 text="Benoem afzonderlijke SMARTe ontwikkelingsdoelen (specifiek, meetbaar, acceptabel, "
                      "realistisch, tijdgebonden)."),
            Info(text="Geef per doel aan:", bullets=(
                "welke concrete activiteit je gaat ondernemen.",
                "wat het gewenste resultaat is: wat zijn de zichtbare, waarneembare of zelfs meetbare "
                "kennis en vaardigheden die je wilt verwerven?",
                "wanneer je de ontwikkelingsactiviteiten gaat uitvoeren.",
                "welke ondersteuning en faciliteiten je nodig hebt. Denk aan:",
            )),
            Info(bullets=tuple(r.label for r in FACILITEITEN)),
            Info(text="Andere elementen die je in een POP kunt opnemen zijn:", bullets=(
                STARTNIVEAU,
                BELONING,
            )),
            Info(text=TERMIJN_TIP),
            Table("doelen", "Ontwikkelingsdoelen", min_rows=4, add_label="Ontwikkelingsdoel toevoegen",
                  rows_word="ontwikkelingsdoelen", columns=(
                      _cell("doel", "Ontwikkelingsdoel"),
                      _cell("activiteit", "Ontwikkelingsactiviteit"),
                      _cell("resultaat", "Gewenst resultaat"),
                      _cell("planning", "Planning"),
                      _cell("ondersteuning", "Benodigde ondersteuning en faciliteiten"),
                      Choice("termijn", "Termijn", options=TERMIJNEN),
                      _cell("startniveau", "Startniveau"),
                      _cell("beloning", "Beloning"),
                      smart_field(),
                  )),
        )),
    ),
)

# The planned costs (the POB of §2.5.2) are not in §4.11's table: they follow the Ondertekening, so that
# the signature lines stand right under the table, as on paper. Part of the plan all the same: agreed
# and frozen with it.
kosten = Part(
    key="kosten", title="Kosten", nav_title="Kosten",
    sections=(Section("Kosten", items=(costs_field(label="Benodigde ondersteuning en faciliteiten",
                                                   rows=FACILITEITEN),)),),
)

uitvoering = Part(
    key="uitvoering", cycle="voortgang", title="Uitvoering", nav_title="Uitvoering",
    intro=(
        "Het is dan ook goed als beide partijen de voortgang bewaken. Het POP kan bijvoorbeeld een vast "
        "agendapunt zijn voor de werkbesprekingen tussen de werknemer en de leidinggevende.",
    ),
    sections=(
        # The seed's sentence leads to the questions; as a heading it read as a question itself.
        Section("Werkbesprekingen", intro=("Vragen die daarbij aan de orde komen, zijn bijvoorbeeld:",),
                items=(
                Table("werkbesprekingen", "Werkbesprekingen", layout="blocks", spare_rows=0,
                      row_title="Werkbespreking", add_label="Werkbespreking toevoegen",
                      max_rows=PROGRESS_TALKS, rows_word="werkbesprekingen", sort_by="datum",
                      records_author=True, columns=(
                          Date("datum", "Datum:"),
                          *(LongText(key, label, answer_label="", lines=3, max_length=TALK_ANSWER_CHARS)
                            for key, label in (
                                ("stand", "Hoe staat het met de uitvoering van het POP?"),
                                ("bespoedigen", "Als het stagneert, hoe is de uitvoering te bespoedigen?"),
                                ("verwachtingen", "Voldoet de ontwikkelingsactiviteit aan de verwachtingen?"),
                                ("bijsturen", "Zo nee, hoe is dat bij te sturen?"),
                            )),
                      )),
        )),
    ),
)

evaluatie = Part(
    key="evaluatie", cycle="evaluatie", title="Evaluatie", nav_title="Evaluatie",
    intro=(
        "Aangezien de ontwikkelingsdoelen SMART zijn geformuleerd, is er een tijdstip waarop de doelen "
        "bereikt moeten zijn. Dan is het dus tijd om te evalueren:",
    ),
    sections=(
        Section("Evaluatie", items=tuple(
            LongText(key, label, answer_label="") for key, label in (
                ("doelen_bereikt", "Zijn de ontwikkelingsdoelen bereikt?"),
                ("effect_functioneren", "Welk effect heeft dat op het functioneren van de werknemer?"),
                ("effect_loopbaan", "En welk effect heeft het op zijn loopbaanperspectieven?"),
            )),
            outro=("Na de evaluatie is het logisch om te bekijken welke ontwikkelingsbehoeften er nog "
                   "meer zijn. Dan begint dus de cyclus opnieuw.",)),
    ),
)

POP_TABEL = FormDefinition(
    key="pop-tabel",
    title="Persoonlijk Ontwikkelings Plan",
    short_title="POP (tabel)",
    description="De POP-tabel: per ontwikkelingsdoel de activiteit, het gewenste resultaat, de planning "
                "en de benodigde ondersteuning op liggende pagina's, met de ondertekening eronder.",
    orientation="landscape",
    parts=(plan,
           akkoord_part("ondertekening", title="Ondertekening", nav_title="Ondertekening",
                        next_talk=False, employee="medewerker:", manager="Leidinggevende:"),
           kosten, uitvoering, evaluatie, checklist_part()),
    goals_field="doelen",
    costs_field="kosten_pob",
)
