from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reattune.core import access
from reattune.core.decorators import partner_required
from reattune.domain.plan import load_practices
from reattune.plans import actions, queries
from reattune.plans.models import Plan
from reattune.plans.present import plan_context


@partner_required
def plan_page(request):
    plan = queries.current_plan(request.user)
    if plan is None:
        return render(request, "plans/none.html")
    from reattune.care.safety import safety_mode
    from reattune.couples.membership import active_membership

    today = active_membership(request.user).space.today()
    return render(request, "plans/plan.html", plan_context(plan, today, safety_mode(request.user)))


@partner_required
@require_POST
def plan_swap(request):
    plan = queries.current_plan(request.user)
    if plan is None or str(plan.pk) != request.POST.get("plan"):
        raise Http404
    try:
        actions.do_swap(
            request.user,
            plan,
            int(request.POST.get("week", 0)),
            request.POST.get("old", ""),
            request.POST.get("new", ""),
            version=int(request.POST.get("version", 0)) or None,
        )
    except actions.PlanError as error:
        messages.error(request, str(error))
    except ValueError:
        messages.error(request, "That swap is not possible.")
    else:
        messages.success(
            request,
            "Swapped. Your plan is updated for both of you."
            if plan.kind == Plan.Kind.COUPLE
            else "Swapped.",
        )
    return redirect("plan")


@partner_required
def plan_history(request):
    plans = access.visible_to(Plan.objects.all(), request.user).filter(
        space_id=access.active_space_id(request.user)
    )
    return render(request, "plans/history.html", {"plans": plans})


@partner_required
def practice_page(request, practice_id):
    library = load_practices()
    practice = library.get(practice_id)
    if practice is None:
        raise Http404
    return render(request, "plans/practice.html", {"practice": practice})
