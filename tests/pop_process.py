"""One process of tests/test_two_servers.py, with an instance folder of its own and its settings from the
environment, as on a server of its own:

    python tests/pop_process.py serve  <instance folder> <port>   the app (werkzeug's threaded server)
    python tests/pop_process.py worker <instance folder> [stuck]  `flask --app app worker`

stuck: a worker whose bulk exports stop after their first step and wait there, so that the test can stop
or kill it in the middle of one (the zip itself is exports/bulk.py's, unchanged)."""
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def own_instance(folder: str) -> None:
    # Flask finds the instance folder beside the app's package; a server of its own has its own.
    import flask

    flask.Flask.auto_find_instance_path = lambda self: folder


def main(role: str, instance: str, *rest: str) -> None:
    own_instance(instance)
    if role == "serve":
        from werkzeug.serving import make_server

        from app import create_app

        # No waiting in the request for the export to finish (pop/jobs.py): the test asks the pages.
        app = create_app({"EXPORT_WAIT_SECONDS": 0})
        make_server("127.0.0.1", int(rest[0]), app, threaded=True).serve_forever()
    elif role == "worker":
        if rest == ("stuck",):
            from exports import bulk

            def stuck(plans, target, render, progress=None, **kw):
                progress(0, len(plans))
                time.sleep(3600)

            bulk.write_zip = stuck
        from flask.cli import main as flask

        sys.argv = ["flask", "--app", "app", "worker", "--threads", "2", "--zonder-dagtaken"]
        flask()
    else:
        raise SystemExit(f"unknown role {role!r}")


if __name__ == "__main__":
    main(*sys.argv[1:])
