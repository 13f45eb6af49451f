"""How much one plan may hold: every limit of the forms, here and nowhere else.

The kinds (forms/kinds.py) take their defaults from here and the definitions (forms/pop_uitgebreid.py)
name the ones that differ; the pages show them from the definition, and the tests read them from here.

Why these numbers. The paper POP is some ten A4 pages, most of it printed questions; an A4 page of
running text holds about 3.500 characters. A plan with every answer written out at length (each open
question a long paragraph, twelve progress talks) holds about 60.000 characters and prints as 32
pages. Each limit below sits well above what one real answer needs; the plan total keeps them from
all being used at once. Measured with bench/bench_plan_size.py: the largest plan these limits allow
(63 pages) exports to PDF in 2 to 5 seconds, mostly LibreOffice starting; the largest the limits
before allowed (100 progress talks of 4 answers of 20.000 characters, 8,9 million characters, 1.954
pages) took 40 to 50 seconds, close to the 90 after which the PDF export gives up.
"""

# A line on paper: a name, a department, a job title.
TEXT_CHARS = 200

# One of the open questions on its own (Meer doen, Wat ga ik ontwikkelen?, ...): on paper a box of
# ten lines, here more than a full A4 page, so an answer pasted from a report still fits.
LONG_ANSWER_CHARS = 4_000

# One question of a progress talk: a few paragraphs about what was done, learnt, and comes next.
TALK_ANSWER_CHARS = 3_000

# A cell of a grid table (a strength, a point to improve, a goal): a sentence or two.
CELL_CHARS = 1_000

# Rows of a grid table: the paper has three lines; nobody pursues more than twenty goals in a year.
TABLE_ROWS = 20

# Progress talks in one plan: two a month for a year.
PROGRESS_TALKS = 24

# The manager's reaction to one phase (pop/cycle.py): a few paragraphs, more than one open answer.
REACTION_CHARS = 5_000

# Everything typed into one plan together, some 45 A4 pages of text: two and a half times a plan
# written out at length. The limits above add up to far more (about 410.000); this one keeps a plan
# from being long everywhere at once.
PLAN_CHARS = 150_000

# Blank rows a page offers at most below a table's filled ones (each "Rij toevoegen" adds one).
BLANK_ROWS = 20

# Before these limits a table could hold 100 rows (and a single answer 20.000 characters), and plans
# saved then keep what they have: a save may keep as many rows or characters as are already stored,
# only not add to them. So a save still reads up to this many rows, and never drops one silently.
ROWS_STORED_BEFORE = 100


def number(n: int) -> str:
    """12.345: the Dutch way, as every limit is shown to the user."""
    return f"{n:,}".replace(",", ".")


def characters(n: int) -> str:
    """"1 teken", "1.200 tekens"."""
    return f"{number(n)} {'teken' if n == 1 else 'tekens'}"
