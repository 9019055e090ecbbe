from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reattune.core import access
from reattune.core.decorators import partner_required
from reattune.domain.plan import alternatives, load_ladder, load_practices
from reattune.plans import actions
from reattune.plans.models import Plan


def plan_context(plan: Plan, today):
    """Plan data joined with practice titles, for the page, the API and the report."""
    library = load_practices()
    ladder = load_ladder()
    current = actions.week_number(plan, today)
    solo = plan.kind == Plan.Kind.SOLO

    def item(entry):
        practice = library[entry["practice_id"]]
        return {
            **entry,
            "title": practice.title,
            "duration": practice.duration_minutes,
            "alternatives": [
                (a, library[a].title)
                for a in alternatives(entry["practice_id"], library, solo=solo)
            ],
        }

    weeks = []
    for week in plan.data["weeks"]:
        step = (
            ladder.steps[min(week["ladder_step"], len(ladder.steps)) - 1]
            if week.get("ladder_step")
            else None
        )
        weeks.append(
            {
                "number": week["number"],
                "current": week["number"] == current,
                "focus": [item(f) for f in week["focus"]],
                "ladder": step,
            }
        )
    return {
        "plan": plan,
        "kind": plan.get_kind_display(),
        "current_week": current,
        "daily": item(plan.data["daily"]),
        "weeks": weeks,
        "this_week": next((w for w in weeks if w["current"]), weeks[0]),
    }


@partner_required
def plan_page(request):
    plan = actions.current_plan(request.user)
    if plan is None:
        return render(request, "plans/none.html")
    from reattune.couples.actions import active_membership

    today = active_membership(request.user).space.today()
    return render(request, "plans/plan.html", plan_context(plan, today))


@partner_required
@require_POST
def plan_swap(request):
    plan = actions.current_plan(request.user)
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
