"""Keep personal text, passwords and tokens out of every log line.

Django attaches the request (with its POST body) to error records, and exception messages
can quote values. The filter drops the request, scrubs secrets that look like ours, and
keeps the rest of the record.
"""

import logging
import re

TOKEN_PATTERNS = [
    re.compile(r"(rt_|inv_|cal_|thr_|ics_)[A-Za-z0-9_\-]{16,}"),  # our own token prefixes
    re.compile(r"gAAAAA[A-Za-z0-9_\-=]{20,}"),  # Fernet ciphertext
    re.compile(r"(?i)(bearer\s+)[^\s'\"]+"),
    re.compile(r"(?i)(password|passwd|secret|token)(['\"]?\s*[:=]\s*['\"]?)[^\s'\",}]+"),
]


def scrub(text: str) -> str:
    for pattern in TOKEN_PATTERNS:
        if pattern.groups >= 2:
            text = pattern.sub(lambda m: m.group(1) + m.group(2) + "[redacted]", text)
        elif pattern.groups == 1:
            text = pattern.sub(lambda m: m.group(1) + "[redacted]", text)
        else:
            text = pattern.sub("[redacted]", text)
    return text


# Paths whose mere visit says something private (the safety check, crisis support, the journal,
# the vault, the therapist's pages). Every log line, the server's access log included, shows them only as
# PRIVATE_PATH, so a host reading logs cannot tell which of them a person opened.
PRIVATE_PREFIXES = (
    "/care/",
    "/journal/",
    "/therapist",  # the therapist's pages and /therapist-invite/
    "/api/v1/care/",
    "/api/v1/journal",
    "/api/v1/therapist",
    "/vault/",
    "/api/v1/vault",
)
PRIVATE_PATH = "/[private]"


def is_private_path(path: str) -> bool:
    bare = path.split("?", 1)[0]
    return any(bare == p.rstrip("/") or bare.startswith(p) for p in PRIVATE_PREFIXES)


def redact_path(path: str) -> str:
    """Paths such as /invite/<token>/ and /calendar/<token>.ics carry secrets; private paths
    (PRIVATE_PREFIXES) are not written at all."""
    if is_private_path(path):
        return PRIVATE_PATH
    return re.sub(r"/([A-Za-z0-9_\-]{20,})(?=[/.]|$)", "/[redacted]", path.split("?", 1)[0])


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            request = record.request
            record.request = None
            path = getattr(request, "path", "")
            record.path = redact_path(path)
            if record.exc_info and is_private_path(path):
                # A traceback names the view and its module, and so which private page was
                # opened: keep only the exception's type.
                exc_type = record.exc_info[0]
                record.exc_info = None
                record.exc_text = None
                record.msg = f"{record.msg} ({getattr(exc_type, '__name__', 'error')}; "
                record.msg += "traceback withheld on a private page)"
        if record.args:
            try:
                record.msg = record.msg % record.args
            except (TypeError, ValueError):
                record.msg = f"{record.msg} {record.args!r}"
            record.args = None
        record.msg = scrub(redact_path_in_message(str(record.msg)))
        if record.exc_info and record.exc_info[1] is not None:
            # Exception text can quote user input; keep the type, drop the message.
            exc_type, exc, tb = record.exc_info
            record.exc_text = None
            record.exc_info = (
                (exc_type, exc_type.__new__(exc_type), tb) if _safe_new(exc_type) else None
            )
        return True


def _safe_new(exc_type) -> bool:
    try:
        exc_type.__new__(exc_type)
        return True
    except Exception:
        return False


def redact_path_in_message(message: str) -> str:
    return re.sub(r"(/[A-Za-z0-9_\-/.]*)", lambda m: redact_path(m.group(1)), message)
