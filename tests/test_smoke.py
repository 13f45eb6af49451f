from conftest import text_of


def test_employee_sees_own_plan_and_every_part(org, login):
    anna = login(org["a"])
    for part in ("gegevens", "fase-1", "fase-2", "fase-3", "fase-4", "afronding"):
        response = anna.get(f"/plans/{org['plan_a']}/{part}")
        assert response.status_code == 200, part
