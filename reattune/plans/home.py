from reattune.couples.membership import active_membership
from reattune.plans.queries import current_plan


def plan_panel(request):
    plan = current_plan(request.user)
    if plan is None:
        return None
    from reattune.care.safety import safety_mode
    from reattune.plans.present import plan_context

    context = plan_context(
        plan, active_membership(request.user).space.today(), safety_mode(request.user)
    )
    return "plans/home_panel.html", {
        "week": context["this_week"],
        "number": context["current_week"],
    }
