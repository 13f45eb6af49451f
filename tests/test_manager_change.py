"""Only the current manager acts as manager: a move to another manager takes the plans along and ends
the former manager's access; a leidinggevende made medewerker loses manager rights at once; the record
of who co-signed stays."""
from conftest import text_of
from support import part_url, set_state
from test_people import edit_data, ids


def co_sign(manager, plan_id):
    page = manager.get(part_url(plan_id, "afronding"))
    assert page.status_code == 200
    from support import as_post, shown_values
    data = {**as_post(shown_values(page)), "akkoord_leidinggevende": "y", "go": "stay"}
    response = manager.post(part_url(plan_id, "afronding"), data=data)
    assert response.status_code == 302, text_of(response)[:300]


def test_moving_an_employee_moves_the_plans_and_ends_the_former_managers_access(app, org, login):
    marco, mira, hr = login(org["m1"]), login(org["m2"]), login(org["hr"])
    plan = org["plan_a"]
    set_state(app, plan, "ontwikkelgesprek")
    co_sign(marco, plan)
    assert mira.get(f"/plans/{plan}").status_code == 404
    who = ids(app, org)
    assert hr.post(f"/mensen/{who['a']}",
                   data=edit_data(app, org["a"], manager=str(who["m2"]))).status_code == 302

    # Marco, already logged in, loses the plan at once: not in his list, not on any of its pages.
    assert "Anna Alfa" not in text_of(marco.get("/"))
    for url in (f"/plans/{plan}", part_url(plan, "fase-1"), f"/plans/{plan}/download.docx"):
        assert marco.get(url).status_code == 404, url
    assert marco.post(part_url(plan, "fase-1") + "/reactie", data={"reactie": "Marco nog"}) \
        .status_code == 404
    assert "Anna Alfa" not in text_of(marco.get("/plans/nieuw"))

    # Mira now holds the talks, and Marco's co-signature is still on record.
    assert "Anna Alfa" in text_of(mira.get("/"))
    page = mira.get(part_url(plan, "afronding"))
    assert page.status_code == 200 and "Marco Een" in text_of(page)
    response = mira.post(part_url(plan, "fase-1") + "/reactie", data={"reactie": "Mira's reactie"})
    assert response.status_code == 302
    assert "Mira's reactie" in text_of(mira.get(part_url(plan, "fase-1")))


def test_a_manager_made_medewerker_loses_manager_rights_at_once(app, org, login):
    marco, hr = login(org["m1"]), login(org["hr"])
    plan = org["plan_a"]
    set_state(app, plan, "ontwikkelgesprek")
    assert marco.get(f"/plans/{plan}").status_code == 200
    who = ids(app, org)
    assert hr.post(f"/mensen/{who['m1']}",
                   data=edit_data(app, org["m1"], role="medewerker")).status_code == 302
    # Anna still has Marco entered as her manager, but he is no leidinggevende any more.
    assert marco.get(f"/plans/{plan}").status_code == 404
    assert "Anna Alfa" not in text_of(marco.get("/"))
    assert "Anna Alfa" not in text_of(marco.get("/plans/nieuw"))
