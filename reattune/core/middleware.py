"""Headers every response carries, the methods pages answer, and the sliding idle timeout."""

from django.http import HttpResponseNotAllowed
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"


def static_file_headers(headers, path: str, url: str) -> None:
    """WhiteNoise's hook (settings.WHITENOISE_ADD_HEADERS_FUNCTION) for static files.

    Static files never reach SecurityHeadersMiddleware, so they get the same policy here: an
    SVG or a stray HTML file opened directly can run no foreign script and cannot be framed.
    Their cache headers stay (they hold nothing personal).
    """
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["Cross-Origin-Resource-Policy"] = "same-origin"


class SecurityHeadersMiddleware:
    """CSP allowing only our own origin; no-store on everything dynamic.

    Static files are answered by WhiteNoise before this middleware runs, so they keep their
    cache headers and get their security headers from static_file_headers; every page and API answer may show personal content and is never stored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if not response.has_header("Cache-Control") or "no-store" not in response["Cache-Control"]:
            if not getattr(response, "cacheable", False):
                add_never_cache_headers(response)
                response["Cache-Control"] = "no-store, " + response["Cache-Control"]
        return response


PAGE_METHODS = ("GET", "HEAD", "POST")


class PageMethodsMiddleware:
    """Pages are read with GET and changed with POST forms; any other method gets 405.

    Without this, a thin view that checks only for POST treats PUT or DELETE like GET and
    answers 200 with the page, which tells a client nothing. The JSON API (/api/) declares
    its own methods per operation (django-ninja) and answers 405 itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in PAGE_METHODS and not request.path.startswith("/api/"):
            return HttpResponseNotAllowed(
                PAGE_METHODS,
                content=f"This address does not accept {request.method[:10]} requests.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class IdleSessionMiddleware:
    """Sliding idle timeout without writing the session on every request.

    The session is saved (and its expiry pushed forward by SESSION_COOKIE_AGE) at most once
    per hour of activity, so an idle session ends SESSION_COOKIE_AGE after last use.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            stamp = timezone.now().strftime("%Y%m%d%H")
            if request.session.get("_seen") != stamp:
                request.session["_seen"] = stamp
        return self.get_response(request)
