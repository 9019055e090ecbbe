"""Safety mode for a safety check kept in the vault (docs/vault.md, "Safety mode
for a vault safety check").

The server cannot tell whether a safety check in the vault was positive, and must never learn
it. So for a person who has one (and is not in safety mode already through a safety check the
server holds), the parts of a page that rest in safety mode are rendered in both variants,
marked `data-vault-rest="usual"` and `data-vault-rest="resting"` (hidden); the browser
(static/reattune/vault-rest.js) opens the newest vault safety check with the key kept in it and
shows the variant that fits. No request carries the result.

Only ever the person's own pages: whether a page carries both variants depends on the
viewer's own vault alone, so a partner's pages stay exactly as they were.
"""

from reattune.core.prepared import Prepared
from reattune.vault.models import VaultItem
from reattune.vault.session import session_tag, session_wrap


def _safety_check(owner_id: int):
    rows = VaultItem.objects.filter(owner_id=owner_id, kind=VaultItem.Kind.SAFETY)
    return rows.order_by().values_list("pk", flat=True)[:1]


_SAFETY_CHECK = Prepared(_safety_check, owner_id=0)


def vault_rest(request) -> dict | None:
    """What a page needs to let the browser choose (None: render the usual variant only)."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    from reattune.care.safety import safety_mode

    if safety_mode(user):
        return None  # resting already, from a safety check the server holds
    if not _SAFETY_CHECK.rows(owner_id=user.pk):
        return None
    return {"tag": session_tag(request), "wrap": session_wrap(request), "api": "/api/v1/vault"}
