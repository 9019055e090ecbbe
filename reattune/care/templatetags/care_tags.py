from django import template

register = template.Library()


@register.inclusion_tag("care/includes/country_section.html", takes_context=True)
def care_country_section(context):
    from reattune.care import support
    from reattune.care.views import country_choices
    from reattune.domain.safety.resources import country_from_locale

    request = context.get("request")
    user = context.get("user")
    listed, others = country_choices()
    browser = country_from_locale(request.META.get("HTTP_ACCEPT_LANGUAGE", "")) if request else None
    return {
        "csrf_token": context.get("csrf_token"),
        "chosen": getattr(user, "country", "") or "",
        "browser": browser,
        "listed": listed,
        "others": others,
        "current": support.country_for(user, request),
    }
