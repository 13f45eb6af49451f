"""Het opstellen van een Persoonlijk Ontwikkelingsplan (POP-uitgebreid).

Transcribed from the paper form (shared/seeds/003_71ca0095a1902dfb.txt). Texts are verbatim, spelling
slips of the paper included, so that what HR recognises on paper is what the employee reads on screen;
tests/test_form_definition.py checks every text below against the paper. The one deliberate change:
the paper's option "Achter 'bewijzen' leveren" reads "Achteraf" here, as its own introduction says.

Beside the paper, the parts every form shares (forms/common.py, texts from their own seeds): a SMART
check on each development goal, the planned costs in euros and hours (summed against the POB) in Fase
II section 3, and the manager's conversation checklist. No field of the paper changed its key, so plans
stored before keep every answer.
"""
from .common import COSTS_KEY, akkoord_part, checklist_part, costs_field, smart_field
from .definition import AskColleagues, FormDefinition, Part, Section
from .limits import CELL_CHARS, PROGRESS_TALKS, TALK_ANSWER_CHARS
from .kinds import (Choice, Date, Info, LongText, Matrix, MatrixRow, Rank, Table, Text)

PLUS_MINUS = (("plus", "+"), ("matig", "±"), ("min", "–"))
JA_NEE = (("ja", "ja"), ("nee", "nee"))

kop = Part(
    key="gegevens", title="Het opstellen van een Persoonlijk Ontwikkelingsplan (POP-uitgebreid)",
    nav_title="Gegevens",
    sections=(
        Section("Medewerker", columns=2, items=(
            Text("medewerker_naam", "Naam:", prefill="employee.naam"),
            Text("medewerker_afdeling", "Afdeling:", prefill="employee.afdeling"),
            Text("medewerker_functie", "Functie:", prefill="employee.functie"),
        )),
        Section("Leidinggevende", columns=2, items=(
            Date("datum_pop_gesprek", "Datum POP-gesprek:"),
            Text("leidinggevende_naam", "Naam leidinggevende:", prefill="manager.naam"),
            Text("leidinggevende_functie", "Functie leidinggevende:", prefill="manager.functie"),
        )),
    ),
)

UW_ANTWOORD = "Uw antwoord:"

fase1 = Part(
    key="fase-1", title="Fase I: Zelfanalyse", nav_title="Fase I",
    intro=(
        "Dit onderdeel is gericht op de vraag: ‘Op welk gebied wil ik me het komende jaar verder "
        "ontwikkelen?’ De paragrafen 1 t/m 3 bevatten vragen om daar een antwoord op te vinden. Dit "
        "gebeurt aan de hand van de volgende drie vragen:",
    ),
    intro_list=(
        "Waar ben ik goed in en wat kan ik verbeteren?",
        "Hoe kan ik mijn huidige werk aanpassen om het uitdagender te maken?",
        "Wil ik (op korte of lange termijn) misschien ook andersoortig werk gaan doen?",
    ),
    intro_after=(
        "De (voorlopige) conclusie(s) noteert u. Dit vormt de voorbereiding op het ontwikkelgesprek "
        "met uw leidinggevende.",
    ),
    sections=(
        Section(
            "1. Persoonlijke kwaliteiten: sterke punten / verbeterpunten",
            intro=(
                "In dit onderdeel is het de bedoeling om vast te stellen waar u goed in bent in uw "
                "huidige werk en wat u wilt verbeteren. Om daar achter te komen zijn er verschillende "
                "mogelijkheden.",
            ),
            items=(
                Info("Terugblikken op eigen praktijksituaties", "Ga voor uzelf na:", (
                    "Wat zijn situaties of activiteiten die me erg goed af gaan (waarvoor u bijvoorbeeld "
                    "complimenten krijgt of door anderen gevraagd wordt)?",
                    "Wat zijn situaties / activiteiten waarin ik regelmatig merk dat ik me daarin moet "
                    "verbeteren (waar bijv. conflicten ontstaan, het werk vaak niet tijdig afkomt of ik "
                    "veel hulp vraag)?",
                )),
                Info("Nalezen van recente beoordelings- of functioneringsgesprekken",
                     "U bespreekt waarschijnlijk regelmatig met uw leidinggevende hoe uw werk verloopt. "
                     "Als van deze gesprekken verslagen zijn gemaakt, kunt u deze prima gebruiken om "
                     "sterke – en verbeterpunten uit te halen."),
                # The two questions colleagues are asked in the app too (pop/feedback.py); their
                # answers are shown beside the table of Sterke punten / Verbeterpunten below.
                AskColleagues(
                    "Vraag voorleggen aan collega’s",
                    "Collega’s kunnen vaak prima aangeven waar iemand sterk en minder sterk in is! Vaak "
                    "vragen we daar niet naar. Kies twee à drie collega’s uit met wie u in de afgelopen "
                    "tijd regelmatig hebt gewerkt en waarmee u goed contact hebt. Zeg dat u bezig bent uw "
                    "POP voor te bereiden en maak met elk van hen een afspraak. Vraag hen voorafgaand aan "
                    "het gesprek:", (
                        "Wat zijn zaken waarvan u vindt dat ik die goed doe, waar u mij sterk in vindt?",
                        "Op welke gebieden zou ik me moeten verbeteren?",
                    ), beside="kwaliteiten"),
                Info("Uw activiteiten buiten het werk bekijken",
                     "Misschien doet u buiten uw werk dingen waar u erg goed in bent (bijv. coachen van "
                     "een voetbalelftal), die u ook binnen uw werk zou kunnen gebruiken (bijv. voor het "
                     "instrueren van nieuwe medewerkers). Ga voor jezelf na wat u buiten het werk doet, "
                     "dat ook voor het werk zinvol is."),
                Table("kwaliteiten", "Antwoorden", min_rows=3, columns=(
                    LongText("sterk", "Sterke punten", answer_label="", lines=2, max_length=CELL_CHARS),
                    LongText("verbeter", "Verbeterpunten", answer_label="", lines=2, max_length=CELL_CHARS),
                )),
            ),
        ),
        Section(
            "2. Uitdagend werk",
            intro=(
                "Uw sterke en verbeterpunten kunnen leiden tot ontwikkelingsdoelen. Maar ook uitdagingen "
                "in uw huidige werk kunnen u op leerpunten brengen. Noteer uw antwoorden in het lege vak.",
            ),
            items=(
                LongText("meer_doen", "Meer doen", intro=(
                    "Welke onderdelen / activiteiten in uw huidige werk zou u vaker willen doen om "
                    "zichzelf daarmee verder te kunnen ontwikkelen?")),
                LongText("nieuwe_ontwikkelingen", "Nieuwe ontwikkelingen", intro=(
                    "Aan welke nieuwe ontwikkelingen in uw werk (Uw functie of uw afdeling) zou u meer "
                    "aandacht willen besteden?")),
            ),
        ),
        Section(
            "3. Toekomstig werk",
            intro=(
                "Een derde aanleiding voor ontwikkeling kan een eventuele volgende functie zijn. Noteer "
                "uw antwoorden weer in de lege vakken.",
            ),
            items=(
                LongText("werk_over_3_jaar", "Hoe ziet uw werk er over 3 jaar uit?", help=(
                    "Wat voor soort werk zou u dan willen doen? Dit werk of in een andere functie?",
                    "Waarom? Wat spreekt u daarin aan?",
                )),
                LongText("nieuwe_eisen", "Welke nieuwe eisen stelt dat aan uzelf?", help=(
                    "Welke eisen stelt deze functie aan medewerkers?",
                    "Aan welke eisen voldoet u wel en aan welke nog niet?",
                    "Is het redelijk om aan te nemen dat u aan alle eisen kunt gaan voldoen?",
                    "Voor welke eisen is u dat nog onbekend?",
                )),
                LongText("voorbereiding_functie",
                         "Wat zou u het komende jaar willen doen om zich voor te bereiden op uw "
                         "beoogde nieuwe functie?", help=(
                             "Is het nodig dat u zich nader oriënteert? Bijvoorbeeld door gesprekken te "
                             "voeren met mensen die dit werk doen of een gesprek met een manager aan te "
                             "vragen?",
                             "Gaat u zich voorbereiden door specifieke vaardigheden te gaan leren?",
                         )),
            ),
        ),
        Section(
            "4. Samengevat: voorlopig ontwikkeldoel",
            intro=(
                "U heeft gekeken naar uw eigen kwaliteiten en uitdagingen in uw huidige werk en uw werk "
                "op de langere termijn. Formuleer één of meer doelen waar u het komend jaar aan wilt "
                "werken. Ga voor uzelf na:",
            ),
            items=(
                Info("Welke persoonlijke kwaliteiten wil ik verder ontwikkelen?", bullets=(
                    "Wil ik minder sterke kanten verbeteren? Welke zijn dit?",
                    "Wil ik sterke kanten verder uitbouwen? Welke zijn dit?",
                )),
                Info("Welke uitdagende werkzaamheden passen daar eventueel goed bij?"),
                Info("Wil ik me met name richten op ontwikkeling in mijn huidige werk of wil ik me ook "
                     "voorbereiden op een volgende functie?"),
                Table("ontwikkeldoelen", "Ontwikkeldoelen",
                      intro="Geef in de rechterkolom de volgorde van belang aan in een cijfer, waarbij 1 "
                            "het meest belangrijk is.",
                      min_rows=3, sort_by="belang", add_label="Ontwikkeldoel toevoegen",
                      rows_word="ontwikkeldoelen", columns=(
                          LongText("doel", "Ontwikkeldoel", answer_label="", lines=2, max_length=CELL_CHARS),
                          Rank("belang", "Belang"),
                          smart_field(),  # forms/common.py, seed 004 §2.4.1
                      )),
            ),
        ),
    ),
)

fase2 = Part(
    key="fase-2", title="Fase II: Ontwikkelgesprek en opstellen POP", nav_title="Fase II",
    intro=(
        "In het ontwikkelgesprek met uw leidinggevende komt u tot afspraken over uw ontwikkeling. Dat "
        "leidt tot afspraken die u vast kunt leggen in het POP formulier. Dat gebeurt aan de hand van de "
        "volgende vragen.",
    ),
    sections=(
        Section(
            "1. Wat ga ik ontwikkelen?",
            intro=("De basis van het POP is u ontwikkeldoel(en), dat wat u wilt gaan leren "
                   "(ontwikkelen):",),
            items=(
                Info(bullets=(
                    "Informeer uw leidinggevende over uw voorbereiding op dit gesprek: wat u hebt gedaan "
                    "en tot welke Persoonlijke ontwikkeldoelen bent u gekomen. Neem bij voorkeur uw "
                    "aantekeningen uit de voorbereiding met hem/haar door.",
                    "Vraag naar zijn/haar reactie: is uw leidinggevende het met u voorstel eens? Ziet "
                    "hij/zij andere of extra ontwikkeldoelen?",
                    "Kom met elkaar tot ontwikkeldoelen…",
                    "…waar u het over eens bent.",
                    "…die realistisch zijn. Resultaat op korte termijn stimuleert enorm! Stel uzelf de "
                    "vraag hoe groot de kans is dat u het geformuleerde doel binnen één jaar ook echt "
                    "bereikt zult hebben.",
                    "…die uitdagend zijn. uw eigen motivatie is de belangrijkste motor achter uw "
                    "ontwikkeling. Is dit doel iets waar u zich op verheugt, waar u zin in hebt?",
                )),
            ),
        ),
        Section(
            "2. Hoe ga ik dat ontwikkelen?",
            intro=(
                "Er bestaan verschillende manieren waarop u aan uw doelen kunt werken. De keuze van een "
                "geschikte manier hangt sterk af van de aard van uw leerdoel en uw eigen "
                "voorkeursmanier van leren. Gebruik onderstaande lijst om te bepalen welke aanpak u gaat "
                "kiezen. Noteer: + (goed), ± (matig), – (niet).",
            ),
            items=(
                Matrix("on_the_job", "Leeractiviteiten: On the job",
                       row_heading="Leeractiviteiten: On the job", scale=PLUS_MINUS,
                       columns=(("past", "Past bij mijn leerdoel?"), ("ligt", "Ligt deze vorm mij?")),
                       rows=(
                           MatrixRow("projecten", "Leren van projecten/experimenten",
                                     "samen met collegae werken aan een uitdagende, nieuwe klus. "
                                     "Bijvoorbeeld: leerproject of experiment."),
                           MatrixRow("coaching", "Coaching",
                                     "gesprekken met de leidinggevende of een interne of externe coach, "
                                     "die ervaren is op u ontwikkelingsdoel (kan bijv. ook een collega "
                                     "zijn)."),
                           MatrixRow("instructie", "Instructie op de werkplek",
                                     "korte gerichte activiteiten door een leidinggevende, ervaren "
                                     "collega of praktijkbegeleider"),
                           MatrixRow("elkaar", "Leren van elkaar",
                                     "het uitwisselen van kennis met collegae. Denk aan: intervisie, "
                                     "werkoverleg, nabespreken van het werk, meelopen."),
                       )),
                Matrix("off_the_job", "Leeractiviteiten: Off the job",
                       row_heading="Leeractiviteiten: Off the job", scale=PLUS_MINUS,
                       columns=(("past", "Past bij mijn leerdoel?"), ("ligt", "Ligt deze vorm mij?")),
                       rows=(
                           MatrixRow("trainingen", "Trainingen",
                                     "Vaak kort van duur (één of enkele dagen). Bijvoorbeeld: workshops, "
                                     "vaardigheidstraining, simulaties."),
                           MatrixRow("opleidingen", "Opleidingen",
                                     "Lang lopende trajecten, gericht op het leren van een vak of functie "
                                     "(brancheopleiding of regulier beroepsonderwijs)"),
                           MatrixRow("andere_afdelingen", "Leren van andere afdelingen of organisaties",
                                     "denk aan benchmarking, uitwisseling, taakroulatie, klantfeedback."),
                           MatrixRow("zelfstudie", "Zelfstudie",
                                     "zoals: leerboeken, computer programma’s, vakliteratuur, internet."),
                       )),
            ),
        ),
        Section(
            "POP-formulier",
            items=(
                LongText("pop_wat", "Wat ga ik ontwikkelen?"),
                LongText("pop_hoe", "Hoe ga ik dat ontwikkelen?"),
                LongText("pop_wanneer_voldaan", "Wanneer heb ik daaraan voldaan?"),
                LongText("pop_ondersteuning", "Welke ondersteuning heb ik nodig?"),
            ),
        ),
        Section(
            "3. Wat gaat dit kosten?",
            intro=(
                "Als duidelijk is welke leeractiviteit u gaat kiezen, is de volgende stap het inschatten "
                "van de kosten. Hierbij gaat het zowel om tijd als geld. Het kan hierbij gaan om:",
            ),
            items=(
                Matrix("kosten", "Aspecten", group_heading="Aspecten", row_heading="Voorbeelden",
                       scale=JA_NEE, columns=(("van_toepassing", "Van toepassing"),), rows=(
                           MatrixRow("werktijd", "Werktijd die u niet kunt besteden aan productief werk",
                                     group="Tijd"),
                           MatrixRow("vrije_tijd", "Vrije tijd van uzelf", group="Tijd"),
                           MatrixRow("tijd_anderen", "Tijd van de docent, coach, collegae, et cetera.",
                                     group="Tijd"),
                           MatrixRow("materialen", "Kosten voor materialen (zelfstudiemateriaal)",
                                     group="Geld"),
                           MatrixRow("reis", "Reis- en verblijfskosten", group="Geld"),
                           MatrixRow("opleiding", "Opleidings- / trainingskosten", group="Geld"),
                           MatrixRow("middelen", "Kosten voor Audio/Video-middelen, gebruik of huur van "
                                                 "computers", group="Geld"),
                           MatrixRow("coach", "Kosten voor inschakelen externe coach", group="Geld"),
                       )),
                # The amounts of the same aspects, summed against the POB (forms/common.py).
                costs_field(intro="Hierbij gaat het zowel om tijd als geld."),
                Info(text="Van belang is dat de kosten en uw ontwikkeldoel met elkaar in evenwicht zijn."),
                LongText("kosten_antwoord",
                         "Wat vraagt dit ontwikkeldoel aan tijd en geld? Wie zorg hiervoor? En hoe?"),
            ),
        ),
        Section(
            "4. Wanneer wil ik dit geleerd hebben?",
            intro=("Ga de volgende zaken na om te komen tot een goede planning:",),
            items=(
                Info(bullets=(
                    "Wanneer heb u de nieuwe kennis en vaardigheden nodig in het werk? (is er spraken van "
                    "een deadline, bijv. over 6 maanden wordt nieuwe apparatuur geïnstalleerd waarmee u "
                    "moet werken, of is komt er een bepaalde reorganisatie)?",
                    "Wanneer heb u tijd / ruimte in uw eigen agenda (wat is een niet te drukke periode "
                    "in het jaar)?",
                    "Welke ruimte biedt de agenda van andere betrokkenen (collegae, coach, "
                    "leidinggevende, opleidingsinstituut etc.).",
                )),
                LongText("wanneer_geleerd", "Wanneer geleerd? Eventueel: welke tussentijdse planning?"),
            ),
        ),
        Section(
            "5. Hoe evalueren?",
            intro=(
                "Hoe kunt u aantonen of uw ontwikkeldoel bereikt is? Grofweg zijn er twee verschillenden "
                "aanpakken: vooraf meetpunten bepalen of achteraf bewijzen leveren. Stel met uw "
                "leidinggevende vast welke optie u kiest.",
            ),
            items=(
                Choice("evaluatie_optie", "Evaluatie-opties", options=(
                    ("vooraf", "Vooraf meetpunten bepalen"),
                    ("achteraf", "Achteraf ‘bewijzen’ leveren"),
                )),
                LongText("evaluatie_vooraf", "Vooraf meetpunten bepalen",
                         applies_if=("evaluatie_optie", "vooraf"),
                         intro="Soms kunt u heel concrete meetpunten benoemen, zoals:", help=(
                             "Minder conflicten met collegae;",
                             "10% meer werk verricht in dezelfde tijd;",
                             "Geen hulpvragen meer aan andere collegae. u kunt het werk zelf doen",
                             "Klanten zijn meer tevreden over de manier waarop ik ze te woord sta.",
                         ),
                         answer_label="Hoe aantonen dat uw doel bereikt is? Wie zijn betrokken? "
                                      "Wanneer? Uw antwoord:"),
                LongText("evaluatie_achteraf", "Achteraf ‘bewijzen’ leveren",
                         applies_if=("evaluatie_optie", "achteraf"),
                         intro="In andere gevallen is dit veel minder eenvoudig (meer ontspannen werken, "
                               "meer zelfvertrouwen) en is het prima om met elkaar de voortgang te "
                               "bespreken. Vaak kunt u dan achteraf via concrete voorbeelden aangeven "
                               "waarom u vindt dat het doel is bereikt. Dan is het raadzaam om uw "
                               "ervaringen tussentijds iets vaker te bespreken of (bijvoorbeeld "
                               "maandelijks) in een logboek op te schrijven.",
                         answer_label="Hoe aantonen dat uw doel bereikt is? Wie zijn betrokken? "
                                      "Wanneer? Uw antwoord:"),
            ),
        ),
    ),
)

fase3 = Part(
    key="fase-3", cycle="voortgang", title="Fase III: Voortgangsgesprek POP", nav_title="Fase III",
    intro=(
        "Het voortgangsgesprek POP is het volgende POP-gesprek. Nu draait het om de kernvraag: ‘Hoe gaat "
        "het met de voortgang in mijn Persoonlijke Ontwikkeling Plan?’ Hieronder geven we een agenda voor "
        "het voortgangsgesprek en mogelijkheid voor verslaglegging.",
    ),
    sections=(
        Section("Voortgangsgesprekken", items=(
            # A blank talk only while there is none; another one is one click on "toevoegen".
            Table("voortgangsgesprekken", "Voortgangsgesprekken", layout="blocks", spare_rows=0,
                  row_title="Voortgangsgesprek", add_label="Voortgangsgesprek toevoegen",
                  max_rows=PROGRESS_TALKS, rows_word="voortgangsgesprekken",
                  sort_by="datum", records_author=True, columns=(
                      Date("datum", "Datum voortgangsgesprek"),
                      LongText("gedaan", "Wat heeft u in de afgelopen tijd gedaan?",
                               max_length=TALK_ANSWER_CHARS, help=(
                          "Welke activiteiten heeft u uitgevoerd?",
                          "Wie heeft u daarbij betrokken?",
                          "……..?",
                      )),
                      LongText("opgeleverd", "Wat heeft dat opgeleverd?",
                               max_length=TALK_ANSWER_CHARS, help=(
                          "Wat was het resultaat?",
                          "Wat bent u te weten gekomen?",
                          "Wat heeft u geleerd?",
                          "……..?",
                      )),
                      LongText("tevreden", "Hoe tevreden bent u over de voorlopige resultaten?",
                               max_length=TALK_ANSWER_CHARS, help=(
                          "Voldoet de voortgang aan uw verwachtingen?",
                          "Heeft u volgens uw POP kunnen werken?",
                          "Waar zit dat in? Waar komt dat door?",
                          "……..?",
                      )),
                      LongText("verder", "Hoe nu verder?",
                               max_length=TALK_ANSWER_CHARS, help=(
                          "Wat zijn uw volgende stap(pen)?",
                          "Wat verwacht u daarvan; welke mogelijkheden en belemmeringen ziet u?",
                          "Welke vragen heb u daarover?",
                          "In hoeverre moet uw POP worden bijgesteld?",
                          "Welke nieuwe afspraken maakt u?",
                          "……..?",
                      )),
                  )),
        )),
    ),
)

fase4 = Part(
    key="fase-4", cycle="evaluatie", title="Fase IV: Evaluatie", nav_title="Fase IV",
    intro=(
        "In dit evaluatiegesprek kijkt u – na afronding van de looptijd van het POP – met uw "
        "leidinggevende terug naar uw ontwikkeling. Zaken die in dit gesprek standaard aan bod komen "
        "schetsen we hieronder.",
    ),
    sections=(
        Section("1. Ontwikkelresultaten",
                intro=("De kernvraag hier is: Heb ik mijn ontwikkeldoelen gehaald?",),
                items=(
                    LongText("doelen_gehaald", "Heb ik mijn ontwikkeldoelen gehaald?", help=(
                        "Hoe tevreden bent u over uw eigen ontwikkeling?",
                        "Aan de hand van welke meetpunten kunt u uw voortgang illustreren (zie hiervoor "
                        "uw oorspronkelijke POP)?",
                        "Welke persoonlijke indrukken of ervaringen heeft u opgedaan, waarmee u uw "
                        "ontwikkeling kunt aangeven?",
                        "Heeft u reacties gehad van collegae of klanten?",
                        "Heeft uw leidinggevende dezelfde mening?",
                    )),
                )),
        Section("2. Ontwikkelproces",
                intro=("De kernvraag hier is: Hoe heb ik geleerd? Door hier inzicht in te krijgen, kunt u "
                       "hiervan bij uw volgende POP profiteren.",),
                items=(
                    LongText("hoe_geleerd", "Hoe heb ik geleerd?", help=(
                        "Wat zijn situaties / activiteiten waarvan u veel heeft geleerd?",
                        "Wat zijn situaties / activiteiten waarvan u veel dacht te leren, maar wat "
                        "tegenviel?",
                        "Waardoor is uw leren bevorderd (bijv.: in uw werkomgeving, thuis of bij uzelf)?",
                        "Wat heeft het leren voor u lastig gemaakt?",
                    )),
                    LongText("pop_afsluiten", "Sluit uw POP af", help=(
                        "Wat houdt u vast in de gevolgde aanpak voor uw volgende POP?",
                        "Wat gaat u in uw volgende POP zeker anders doen?",
                    )),
                )),
    ),
)

# The next talk and both akkoorden (forms/common.py builds the same part for every form).
afronding = akkoord_part()

POP_UITGEBREID = FormDefinition(
    key="pop-uitgebreid",
    title="Het opstellen van een Persoonlijk Ontwikkelingsplan (POP-uitgebreid)",
    short_title="POP (uitgebreid)",
    description="Het uitgebreide POP: zelfanalyse, ontwikkelgesprek met leeractiviteiten en kosten, "
                "voortgangsgesprekken en evaluatie, in vier fasen.",
    # The manager's conversation checklist (seed 001) comes after the paper's last page.
    parts=(kop, fase1, fase2, fase3, fase4, afronding, checklist_part()),
    goals_field="ontwikkeldoelen",
    costs_field=COSTS_KEY,
    next_talk_field="volgend_gesprek_datum",
    next_talk_kind_field="volgend_gesprek",
)
