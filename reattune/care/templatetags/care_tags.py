from django import template

register = template.Library()


@register.filter
def country_display(code: str | None) -> str:
    """A country as every page names it: the English name the account page lists
    ("Netherlands"), not the name a help-line file gives it in its own language."""
    from reattune.care.present import country_name

    return country_name(code)


@register.inclusion_tag("care/includes/country_section.html", takes_context=True)
def care_country_section(context):
    from reattune.care import support
    from reattune.care.present import country_choices, country_name
    from reattune.domain.safety.resources import country_from_locale

    request = context.get("request")
    user = context.get("user")
    listed, others = country_choices()
    browser = country_from_locale(request.META.get("HTTP_ACCEPT_LANGUAGE", "")) if request else None
    return {
        "csrf_token": context.get("csrf_token"),
        "chosen": getattr(user, "country", "") or "",
        "browser": country_name(browser),
        "listed": listed,
        "others": others,
        "current": support.country_for(user, request),
    }


#: Why individual support is suggested, per cause of insight's individual_support rule.
INDIVIDUAL_REASONS = {
    "mental_health": (
        "Some of your answers were about low mood or worry weighing on you. A psychologist, "
        "psychotherapist or counsellor who sees you on your own, or your family doctor as a "
        "first step, can help with that directly."
    ),
    "learned_avoidance": (
        "Some of your answers were about keeping feelings to yourself, perhaps for a long "
        "time. A therapist who sees you on your own can help you find words for what you "
        "feel, at your own pace."
    ),
}


@register.inclusion_tag("care/includes/results_help.html", takes_context=True)
def care_results_help(context, insight):
    """The results page's help card: the signs that stand out, individual support when the
    check-up computed it (what kind of professional and why), crisis lines with hopelessness,
    and a link to Support. In the person's own safety mode it never suggests couples therapy."""
    from reattune.care import safety, support
    from reattune.domain.instruments.insight import CAUSE_LEVEL

    request = context.get("request")
    user = context.get("user")
    help_info = insight.get("help") or {}
    signals = insight.get("signals") or {}
    individual = [
        text
        for cause, text in INDIVIDUAL_REASONS.items()
        if (signals.get(f"cause:{cause}") or 0) >= CAUSE_LEVEL
    ]
    signs = help_info.get("signs") or []
    pol = safety.policy(user)
    hopeless = any(s.get("id") == "hopelessness" for s in signs)
    return {
        "signs": signs,
        "suggested": bool(signs),
        "individual": individual if help_info.get("individual_support") or individual else [],
        "couples_ok": not pol.couples_therapy,
        "safety_mode": pol.active,
        "res": support.resources_for_user(user, request) if hopeless else None,
    }
