"""Who may see and change what. Every plan route goes through here; a plan a person may not see is
answered with 404, so its existence is not revealed either."""
from peewee import JOIN

from .models import Person, Plan


def is_hr(user: Person) -> bool:
    return user.role == "hr"


def is_manager_of(user: Person, plan: Plan) -> bool:
    """The manager who holds the plan's talks: the one recorded on the plan, or the employee's manager
    now (after a reorganisation the new manager takes over the running plans)."""
    return user.id in (plan.manager_id, plan.employee.manager_id)


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


def visible_plans(user: Person):
    """Plans joined with their employee (Person), so callers can filter and sort on the employee."""
    query = Plan.select(Plan, Person).join(Person, on=(Plan.employee == Person.id), join_type=JOIN.INNER)
    if not is_hr(user):
        query = query.where((Plan.employee == user.id) | (Plan.manager == user.id)
                            | (Person.manager == user.id))
    return query


def can_create_plan_for(user: Person, employee: Person) -> bool:
    return employee.id == user.id or employee.manager_id == user.id or is_hr(user)
