"""Import of people: 10,000 rows through the pages (upload, columns, preview, confirm) on a fresh
SQLite database (or --database-url), then the same file again with 1,000 changes. Prints the seconds
of each step and the queries of preview and confirm.

    .venv/bin/python bench/bench_import.py [--rows 10000] [--database-url URL]"""
import argparse
import io
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


def make_csv(rows: int, changed: int = 0) -> bytes:
    lines = ["Personeelsnummer;Voornaam;Tussenvoegsel;Achternaam;E-mail;Functie;Afdeling;Leidinggevende"]
    for i in range(rows):
        # 1 director, 100 managers under them, everyone else under one of the managers.
        manager = "" if i == 0 else ("P00000" if i <= 100 else f"P{(i % 100) + 1:05d}")
        functie = "Senior adviseur" if i < changed else "Adviseur"
        lines.append(f"P{i:05d};Voor{i};van;Achter{i};persoon{i}@bench.nl;{functie};Afdeling {i % 40};{manager}")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url")
    parser.add_argument("-v", action="store_true", help="the most frequent queries of confirm")
    args = parser.parse_args()
    from app import create_app
    from conftest import Client, make_person
    from pop.db import database

    folder = tempfile.mkdtemp()
    url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context(), database.connection_context():
        make_person("hr@bench.nl", "H", "R", role="hr")
    hr = Client(app)
    hr.login("hr@bench.nl")

    queries = []
    real = database.obj.execute_sql

    def counting(sql, *a, **kw):
        queries.append(sql)
        return real(sql, *a, **kw)

    database.obj.execute_sql = counting
    for label, data in (("eerste import", make_csv(args.rows)), ("opnieuw, 1000 gewijzigd", make_csv(args.rows, 1000))):
        t0 = time.perf_counter()
        r = hr.post("/mensen/importeren/", data={"file": (io.BytesIO(data), "export.csv")},
                    content_type="multipart/form-data")
        columns = r.headers["Location"]
        page = hr.get(columns).get_data(as_text=True)
        chosen = dict(re.findall(r'<select[^>]*name="(kolom_\d+)".*?<option selected value="([^"]*)"', page, re.S))
        chosen = {k: v for k, v in chosen.items()}
        if not chosen:  # attribute order differs: read the selected option per select
            import lxml.html
            doc = lxml.html.fromstring(page)
            chosen = {s.get("name"): (s.xpath(".//option[@selected]") or [s.xpath(".//option")[-1]])[0].get("value")
                      for s in doc.xpath("//select")}
        r = hr.post(columns, data=chosen)
        t1 = time.perf_counter()
        del queries[:]
        preview = hr.get(r.headers["Location"])
        t2 = time.perf_counter()
        preview_queries = len(queries)
        digest = re.search(r'name="digest"[^>]*value="([^"]+)"', preview.get_data(as_text=True)).group(1)
        action = re.search(r'action="([^"]*/bevestigen)"', preview.get_data(as_text=True)).group(1)
        del queries[:]
        done = hr.post(action, data={"digest": digest})
        t3 = time.perf_counter()
        confirm_queries = len(queries)
        if "-v" in sys.argv[1:]: from collections import Counter; print(Counter(q[:30] for q in queries).most_common(6))
        assert done.status_code == 302 and done.headers["Location"].endswith("/mensen/"), done.headers
        text = re.sub(r"<[^>]+>", " ", hr.get("/mensen/").get_data(as_text=True))
        summary = re.search(r"Geïmporteerd:[^.]*\.", text)
        print(f"{label}: {args.rows} rijen; upload+kolommen {t1 - t0:.2f} s, voorvertoning {t2 - t1:.2f} s "
              f"({preview_queries} queries, {len(preview.data) // 1024} KB), bevestigen {t3 - t2:.2f} s "
              f"({confirm_queries} queries); voorvertoning+bevestigen {t3 - t1:.2f} s. "
              f"{summary.group(0) if summary else ''}")


if __name__ == "__main__":
    main()
