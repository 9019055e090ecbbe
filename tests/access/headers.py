"""The security headers every page and API answer must carry, whatever its status.

Checked on every request of the access-matrix walk (tests/test_access_matrix.py) and on the
error answers of tests/test_security_headers.py.
"""

# Sources a directive may list: our own origin or nothing; images may also be data: URLs.
ALLOWED_SOURCES = {"'self'", "'none'"}
EXTRA_SOURCES = {"img-src": {"data:"}}
REQUIRED_DIRECTIVES = {
    "default-src",
    "script-src",
    "style-src",
    "frame-ancestors",
    "form-action",
    "base-uri",
    "object-src",
}


def parse_csp(value: str) -> dict[str, list[str]]:
    directives = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def _path(response) -> str:
    request = getattr(response, "wsgi_request", None)
    return request.path if request is not None else ""


def header_problems(response) -> list[str]:
    problems = []
    csp = response.headers.get("Content-Security-Policy")
    if not csp:
        problems.append("no Content-Security-Policy")
    else:
        directives = parse_csp(csp)
        missing = REQUIRED_DIRECTIVES - set(directives)
        if missing:
            problems.append(f"CSP lacks {sorted(missing)}")
        for name, sources in directives.items():
            allowed = ALLOWED_SOURCES | EXTRA_SOURCES.get(name, set())
            if name == "script-src" and _path(response).startswith("/vault/"):
                allowed = allowed | {"'wasm-unsafe-eval'"}  # Argon2id runs as WebAssembly
            other = [s for s in sources if s not in allowed]
            if other:
                problems.append(f"CSP {name} allows {other}")
        if directives.get("frame-ancestors") != ["'none'"]:
            problems.append("CSP frame-ancestors is not 'none'")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("X-Content-Type-Options is not nosniff")
    if response.headers.get("Referrer-Policy") not in ("same-origin", "no-referrer"):
        problems.append(f"Referrer-Policy is {response.headers.get('Referrer-Policy')!r}")
    if response.headers.get("X-Frame-Options") != "DENY":
        problems.append(f"X-Frame-Options is {response.headers.get('X-Frame-Options')!r}")
    # Every page and API answer may show personal content: never stored by any cache; only
    # answers a view marked `cacheable` (public data, e.g. the crisis lexicons) may be kept.
    cacheable = getattr(response, "cacheable", False)
    if not cacheable and "no-store" not in response.headers.get("Cache-Control", ""):
        problems.append(f"Cache-Control is {response.headers.get('Cache-Control')!r}")
    return problems
