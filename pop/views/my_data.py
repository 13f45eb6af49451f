"""Mijn gegevens (/mijn-gegevens): the logged-in person downloads everything POP stores about them
(pop/my_data.py). No route takes a person: nobody, not their manager and not HR, gets another's data
here."""
import io

from flask import Blueprint, render_template, send_file
from flask_login import current_user, login_required

from .. import audit, my_data

bp = Blueprint("my_data", __name__)


@bp.route("/mijn-gegevens")
@login_required
def page():
    return render_template("account/my_data.html", filename=my_data.zip_name(current_user))


@bp.route("/mijn-gegevens/download", methods=["POST"])
@login_required
def download():
    # A POST: the download writes a line in the log of each plan, as every download of a plan does.
    data, plans = my_data.build(current_user)
    audit.record_many(plans, current_user, "gedownload", "Mijn gegevens (Word, Excel en JSON)")
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                     download_name=my_data.zip_name(current_user), max_age=0)
