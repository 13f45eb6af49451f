"""What "Mijn gegevens" costs for a person at the plan limits: `.venv/bin/python bench/bench_my_data.py`
(options --plans, --versions, --runs).

A person with --plans plans (one per form in turn), every table at its row limit and every answer at its
length limit (exports.uploads.sample_plans.full_plan_values, the upload check's largest plan), then all
of it shortened alike to the plan total (150,000 characters; --unbounded leaves it), each agreed
--versions times; downloads POST /mijn-gegevens/download through the test client and prints the
time (best and median of --runs), the zip's size and its number of files. It measures; it does not fail.
"""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from conftest import Client, make_person  # noqa: E402
from export_support import new_app  # noqa: E402
from exports.uploads.sample_plans import full_plan_values  # noqa: E402
from forms import FORMS  # noqa: E402
from pop import answers, cycle  # noqa: E402
from pop.models import Plan  # noqa: E402
from pop.plans import start_plan  # noqa: E402


def shortened(value, scale: float):
    if isinstance(value, str):
        return value[:int(len(value) * scale)]
    if isinstance(value, dict):
        return {k: shortened(v, scale) for k, v in value.items()}
    if isinstance(value, list):
        return [shortened(v, scale) for v in value]
    return value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", type=int, default=4)
    parser.add_argument("--versions", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--unbounded", action="store_true",
                        help="every answer at its own limit, past the plan total (as plans saved before it)")
    args = parser.parse_args()
    app = new_app(Path(tempfile.mkdtemp()))
    chars = 0
    with app.app_context():
        manager = make_person("m@bench.nl", "Mara", "Leiding", role="leidinggevende")
        person = make_person("p@bench.nl", "Piet", "Uiterst", manager=manager)
        forms = list(FORMS.values())
        for i in range(args.plans):
            definition = forms[i % len(forms)]
            plan = start_plan(person, definition.key, str(2020 + i))
            values = full_plan_values(definition, i)
            if not args.unbounded:  # every answer shortened alike until the plan holds its total
                values = shortened(values, definition.max_chars / definition.chars(values))
            chars += definition.chars(values)
            answers.save(plan, values)
            for number in range(1, args.versions + 1):
                Plan.update(version=number).where(Plan.id == plan.id).execute()
                cycle.freeze(Plan.get_by_id(plan.id))
            Plan.update(status="uitvoering").where(Plan.id == plan.id).execute()
    client = Client(app)
    assert client.login("p@bench.nl").status_code == 302
    times, data = [], b""
    for _ in range(args.runs):
        start = time.perf_counter()
        response = client.post("/mijn-gegevens/download")
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
        data = response.data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = archive.infolist()
        unpacked = sum(f.file_size for f in files)
    print(f"{args.plans} plans at every limit ({chars:,} characters typed), {args.versions} agreed versions "
          f"each: {len(files)} files")
    print(f"download: best {min(times):.2f} s, median {statistics.median(times):.2f} s over {args.runs} runs; "
          f"zip {len(data) / 1e6:.1f} MB ({unpacked / 1e6:.1f} MB unpacked)")


if __name__ == "__main__":
    main()
