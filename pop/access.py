"""Who may see and change what. Every plan route goes through here; a plan a person may not see is
answered with 404, so its existence is not revealed either."""
from peewee import JOIN

from .models import Person, Plan


def is_hr(user: Person) -> bool:
    return user.role == "hr"


def acts_as_manager(user: Person) -> bool:
    """Manager rights follow the role now: someone HR made medewerker loses them at once."""
    return user.role == "leidinggevende" and user.active


def is_manager_of(user: Person, plan: Plan) -> bool:
    """Only the employee's current manager acts as manager: when HR moves an employee, the plans go
    with the employee and the former manager loses access. plan.manager keeps who the manager was
    when the plan was made, and a co-signature keeps its signer's name: the record stays."""
    return acts_as_manager(user) and plan.employee.manager_id == user.id


def can_view(user: Person, plan: Plan) -> bool:
    return plan.employee_id == user.id or is_manager_of(user, plan) or is_hr(user)


def can_edit(user: Person, plan: Plan) -> bool:
    # HR follows and files plans but does not write in them: the plan is the employee's and manager's.
    return plan.employee_id == user.id or is_manager_of(user, plan)


def may_sign(user: Person, plan: Plan, signer: str) -> bool:
    if signer == "employee":
        return plan.employee_id == user.id
    if signer == "manager":
        return is_manager_of(user, plan)
    return False


def can_read_log(user: Person, plan: Plan) -> bool:
    # HR oversees how plans are handled; for the employee and manager the log is not part of the plan.
    return is_hr(user)


def visible_plans(user: Person):
    """Plans joined with their employee (Person), so callers can filter and sort on the employee."""
    query = Plan.select(Plan, Person).join(Person, on=(Plan.employee == Person.id), join_type=JOIN.INNER)
    if is_hr(user):
        return query
    if acts_as_manager(user):
        return query.where((Plan.employee == user.id) | (Person.manager == user.id))
    return query.where(Plan.employee == user.id)


def can_create_plan_for(user: Person, employee: Person) -> bool:
    return (employee.id == user.id or is_hr(user)
            or (acts_as_manager(user) and employee.manager_id == user.id))
