from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reattune.accounts.http import AuthedRequest
from reattune.core import access
from reattune.core.decorators import partner_required
from reattune.domain.plan import load_practices
from reattune.plans import actions, queries
from reattune.plans.models import Plan
from reattune.plans.present import plan_context


@partner_required
def plan_page(request: AuthedRequest) -> HttpResponse:
    plan = queries.current_plan(request.user)
    if plan is None:
        return render(request, "plans/none.html")
    couple = request.couple
    context = plan_context(plan, couple.today, couple.safety_mode)
    # Vault safety check (reattune/vault/rest.py): the resting variant too, for the browser to
    # choose from; only for this person, and only when they have one.
    from reattune.core.request_context import vault_rest

    rest = vault_rest(request)
    if rest:
        context.update(vault_rest=rest, resting_plan=plan_context(plan, couple.today, True))
    return render(request, "plans/plan.html", context)


@partner_required
@require_POST
def plan_swap(request: AuthedRequest) -> HttpResponse:
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
def plan_history(request: AuthedRequest) -> HttpResponse:
    plans = access.visible_to(Plan.objects.all(), request.user).filter(
        space_id=access.active_space_id(request.user)
    )
    return render(request, "plans/history.html", {"plans": plans})


@partner_required
def practice_page(request: AuthedRequest, practice_id: str) -> HttpResponse:
    library = load_practices()
    practice = library.get(practice_id)
    if practice is None:
        raise Http404
    return render(request, "plans/practice.html", {"practice": practice})
