"""Guards for therapist pages (partner pages use core.decorators.partner_required)."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404


def therapist_required(view):
    """Logged-in therapist accounts only; anonymous -> log-in page, anyone else -> 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.role != user.Role.THERAPIST:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
