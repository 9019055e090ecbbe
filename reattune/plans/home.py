from reattune.couples.membership import active_membership
from reattune.plans.queries import current_plan


def plan_panel(request):
    plan = current_plan(request.user)
    if plan is None:
        return None
    from reattune.care.safety import safety_mode
    from reattune.plans.present import this_week

    today = active_membership(request.user).space.today()
    week = this_week(plan, today, safety_mode(request.user))
    panel = {"week": week, "number": week["number"]}
    # Vault safety check (reattune/vault/rest.py): the resting variant too, for the
    # browser to choose from; only for this person, and only when they have one.
    from reattune.core.request_context import vault_rest

    rest = vault_rest(request)
    if rest:
        panel["vault_rest"] = rest
        panel["resting_week"] = this_week(plan, today, True)
    return "plans/home_panel.html", panel
