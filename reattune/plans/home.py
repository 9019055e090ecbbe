from reattune.couples.membership import active_membership
from reattune.plans.queries import current_plan


def plan_panel(request):
    plan = current_plan(request.user)
    if plan is None:
        return None
    from reattune.care.safety import safety_mode
    from reattune.plans.present import plan_context

    today = active_membership(request.user).space.today()
    context = plan_context(plan, today, safety_mode(request.user))
    panel = {"week": context["this_week"], "number": context["current_week"]}
    # Vault safety check (reattune/vault/rest.py): the resting variant too, for the
    # browser to choose from; only for this person, and only when they have one.
    from reattune.core.request_context import vault_rest

    rest = vault_rest(request)
    if rest:
        panel["vault_rest"] = rest
        panel["resting_week"] = plan_context(plan, today, True)["this_week"]
    return "plans/home_panel.html", panel
