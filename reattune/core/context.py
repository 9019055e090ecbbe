from django.conf import settings

from reattune import __version__


def app_context(request):
    return {"reattune_version": __version__, "open_signup": settings.OPEN_SIGNUP}
