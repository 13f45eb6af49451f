"""Parts and fields every form of the seeds shares: the SMART letters, the costs of a plan against the
personal development budget (POB), the manager's conversation checklist and the akkoord part.

Texts are verbatim from the seed each comes from (shared/seeds), as in forms/pop_uitgebreid.py:
- the SMART letters of 004 §2.4.1 (Specifiek, Meetbaar, Acceptabel, Realistisch, Tijdgebonden) and of
  002 step 4 (Specifiek, Meetbaar, Bereikbaar, Relevant, Tijdsgebonden, explained by the seed's example
  of a beginning consultant);
- the cost aspects of 003 Fase II section 3 (Tijd / Geld) and the POB sentence of 004 §2.5.2;
- the checklist of 001 (Voorbereiding, Tijdens de bijeenkomst, Na de bijeenkomst, Do not forget, How do
  you follow up on this conversation?), in the seed's own words, English headings included;
- the next talk and the akkoorden of 003's last page.
tests/test_seed_forms.py and tests/test_form_definition.py check each text against its seed; the few
words that are the program's own (a date line where the paper has none) are listed there.
"""
from .definition import Part, Section
from .kinds import Checklist, Choice, Costs, Date, MatrixRow, Signature, Smart, Table, Text
from .limits import PROGRESS_TALKS

# ---------------------------------------------------------------- SMART

# 004 §2.4.1 "SMART doelen stellen". The seed explains no letter on its own.
SMART_004 = (("s", "Specifiek", ""), ("m", "Meetbaar", ""), ("a", "Acceptabel", ""),
             ("r", "Realistisch", ""), ("t", "Tijdgebonden", ""))
SMART_004_INTRO = ("Dit voorkomt dat de doelen zo vaag geformuleerd worden, dat ze naderhand niet te "
                   "evalueren zijn.")

# 002 step 4, each letter with the seed's example of a beginning consultant as its help. The A is the
# seed's "haalbaar (Attainable)", listed in its example as Bereikbaar: key "a", so the overview still
# reads S M A R T.
SMART_002 = (
    ("s", "Specifiek", "ik ga in mijn netwerk op zoek naar bedrijven die mijn adviesdiensten nodig hebben."),
    ("m", "Meetbaar", "binnen een maand wil ik op 6 pitches per week zitten."),
    ("a", "Bereikbaar", "ik scherp mijn dienstenportfolio aan en perfectioneer mijn sales pitch."),
    ("r", "Relevant", "ik concentreer me op mijn dromen terwijl ik doe wat ik leuk vind."),
    ("t", "Tijdsgebonden", "binnen een maand heb ik mijn eerste betalende klant."),
)
SMART_002_INTRO = ("Voorbeeld van een professioneel SMART leerdoel voor een beginnend consultant: binnen "
                   "een maand wil ik mijn eerste opdracht(en) binnenhalen op basis van een goed "
                   "voorbereide elevator pitch.")


def smart_field(key: str = "smart", letters=SMART_004, intro: str = SMART_004_INTRO) -> Smart:
    """A goal checked against SMART: one explanation per letter (a column of a goals table)."""
    return Smart(key, "SMART", letters=letters, intro=intro)


# ---------------------------------------------------------------- costs (POB)

# The cost aspects of 003 Fase II section 3, the keys those of its ja/nee grid ("kosten").
KOSTEN_ASPECTEN = (
    MatrixRow("werktijd", "Werktijd die u niet kunt besteden aan productief werk", group="Tijd"),
    MatrixRow("vrije_tijd", "Vrije tijd van uzelf", group="Tijd"),
    MatrixRow("tijd_anderen", "Tijd van de docent, coach, collegae, et cetera.", group="Tijd"),
    MatrixRow("materialen", "Kosten voor materialen (zelfstudiemateriaal)", group="Geld"),
    MatrixRow("reis", "Reis- en verblijfskosten", group="Geld"),
    MatrixRow("opleiding", "Opleidings- / trainingskosten", group="Geld"),
    MatrixRow("middelen", "Kosten voor Audio/Video-middelen, gebruik of huur van computers",
              group="Geld"),
    MatrixRow("coach", "Kosten voor inschakelen externe coach", group="Geld"),
)
# 004 §2.5.2 Kosten.
POB_INTRO = ("Iedere medewerker heeft zijn eigen budget en weet dus hoeveel hij op kosten van de baas "
             "kan uitgeven aan zijn ontwikkeling.")
COSTS_KEY = "kosten_pob"


def costs_field(key: str = COSTS_KEY, label: str = "Kosten", intro: str = POB_INTRO,
                rows: tuple[MatrixRow, ...] = KOSTEN_ASPECTEN) -> Costs:
    """The planned costs of a plan, in euros and hours per cost aspect: what FormDefinition.costs_field
    names, summed against the employee's POB."""
    groups = {r.group for r in rows} - {""}
    return Costs(key, label, intro=intro, rows=rows, group_heading="Aspecten" if groups else "",
                 row_heading="Voorbeelden" if groups else "Aspecten")


# ---------------------------------------------------------------- the conversation checklist (001)

CHECKLIST_GROUPS = (
    ("Voorbereiding", (
        ("doelen", "Bepaal de doelen van het POP: korte- en langetermijndoelen."),
        ("informatie", "Verzamel relevante informatie over de sterktes en zwaktes van de medewerker."),
        ("startbijeenkomst", "Plan een startbijeenkomst met de medewerker en leidinggevende."),
    )),
    ("Tijdens de bijeenkomst", (
        ("carrieredoelen", "Bespreek de carrièredoelen van de medewerker."),
        ("vaardigheden", "Identificeer de benodigde vaardigheden en competenties om deze doelen te "
                         "bereiken."),
        ("actiepunten", "Stel concrete, meetbare actiepunten op."),
        ("mogelijkheden", "Bespreek mogelijke trainings- en ontwikkelingsmogelijkheden."),
        ("verwachtingen", "Leg de verwachtingen en tijdlijnen vast."),
    )),
    ("Na de bijeenkomst", (
        ("documenteer", "Documenteer het POP en deel het met de medewerker en leidinggevende."),
        ("voortgangsbesprekingen", "Plan regelmatige voortgangsbesprekingen om de doelen en "
                                   "actiepunten te evalueren."),
        ("middelen", "Bied ondersteuning en middelen aan de medewerker om de actiepunten uit te voeren."),
        ("aanpassen", "Pas het plan indien nodig aan op basis van voortgang en feedback."),
    )),
    ("Do not forget", (
        ("evaluatieformulieren", "Evaluatieformulieren"),
        ("feedbacksessies", "Feedbacksessies"),
        ("modules", "Training- en ontwikkelingsmodules"),
        ("mentorschap", "Mentorschapprogramma’s"),
    )),
    ("How do you follow up on this conversation?", (
        ("monitor", "Monitor de voortgang en documenteer behaalde doelen."),
        ("analyseer", "Analyseer feedback en resultaten om verdere ontwikkelingsmogelijkheden te "
                      "identificeren."),
        ("deel", "Deel bevindingen met het HR-team en management."),
        ("verbeteringen", "Implementeer verbeteringen en aanpassingen waar nodig."),
        ("continue", "Zorg voor continue ondersteuning en evaluaties."),
    )),
)
CHECKLIST_TITLE = "What do you need to discuss?"


def checklist_part(key: str = "gesprekken") -> Part:
    """The manager's checklist of seed 001, ticked per conversation, a note per item: one block per
    conversation (its date, which conversation it was, the checklist). Cycle "gesprek": the manager
    fills it from the ontwikkelgesprek on (pop/cycle.py); the employee and HR read it."""
    return Part(
        key=key, cycle="gesprek", title="Gesprekken", nav_title="Gesprekken",
        sections=(
            Section("Gesprekken", items=(  # the part's title: not repeated as a heading
                Table("gesprekken", "Gesprekken", layout="blocks", spare_rows=0, row_title="Gesprek",
                      add_label="Gesprek toevoegen", max_rows=PROGRESS_TALKS, rows_word="gesprekken",
                      sort_by="datum", records_author=True, columns=(
                          Date("datum", "Datum gesprek"),
                          Text("gesprek", "Welk gesprek"),
                          Checklist("checklist", CHECKLIST_TITLE, groups=CHECKLIST_GROUPS),
                      )),
            )),
        ),
    )


# ---------------------------------------------------------------- the akkoord part (003's last page)

NEXT_TALK_OPTIONS = (
    ("doelstellingengesprek", "Doelstellingengesprek"),
    ("voortgangsgesprek", "Voortgangsgesprek"),
    ("beoordelingsgesprek", "Beoordelingsgesprek"),
)


def next_talk_fields() -> tuple:
    """Which talk comes next and when (FormDefinition.next_talk_kind_field / next_talk_field)."""
    return (
        Choice("volgend_gesprek", "Het volgende gesprek is een:", options=NEXT_TALK_OPTIONS),
        Date("volgend_gesprek_datum", "Dat gesprek zal gehouden worden op (datum):"),
    )


def signature_fields(employee: str = "Akkoord medewerker",
                     manager: str = "Akkoord leidinggevende") -> tuple[Signature, Signature]:
    """Both akkoorden: the cycle's agreement needs them (pop/cycle.py). The date is the signature's."""
    return (Signature("akkoord_medewerker", employee, signer="employee"),
            Signature("akkoord_leidinggevende", manager, signer="manager"))


def akkoord_part(key: str = "afronding", title: str = "Afronding en goedkeuring",
                 nav_title: str = "Afronding", section_title: str | None = None, next_talk: bool = True,
                 employee: str = "Akkoord medewerker", manager: str = "Akkoord leidinggevende",
                 intro: tuple[str, ...] = ()) -> Part:
    """The akkoord part (cycle "afronding"): optionally the next talk and its date, then the employee's
    and the manager's akkoord. The same field keys in every form, so overviews read them alike."""
    items = (next_talk_fields() if next_talk else ()) + signature_fields(employee, manager)
    return Part(key=key, cycle="afronding", title=title, nav_title=nav_title, intro=intro,
                sections=(Section(title if section_title is None else section_title, items=items),))
