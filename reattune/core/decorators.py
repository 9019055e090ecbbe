"""View guards. Every personal page is wrapped in partner_required."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404


def partner_required(view):
    """Logged-in partner accounts only. Anyone else gets the log-in page (or 404 for roles)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.role != user.Role.PARTNER:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def signed_in_required(view):
    """Any logged-in account, whatever its role: pages about the account itself."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper
