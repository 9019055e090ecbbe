"""Hooks for the data-rights lifecycle: leaving a couple space and deleting an account.

do_leave_space (couples/actions.py) and do_delete_account (accounts/actions.py) call these,
inside their transaction, before anything is changed. Each app may add to its
`reattune/<app>/portability.py` (docs/export.md, "For developers"):

    def on_leave_space(user, space) -> None:
        '''`user` leaves `space` (it closes for both partners): revoke what was granted
        through it, e.g. a therapist's access to the couple's shared material.'''

    def on_delete_user(user) -> None:
        '''`user` is being deleted: remove what a database cascade from the user does not
        (rows not keyed on the user, files, grants the user gave to others).'''

Both must not log or return any text a person wrote. A hook that raises aborts the whole
leave or deletion (nothing changes), so a grant is never left behind silently.
"""

from reattune.exports.registry import portability_modules


def on_leave_space(user, space) -> None:
    for entry in portability_modules():
        hook = getattr(entry.module, "on_leave_space", None)
        if hook is not None:
            hook(user, space)


def on_delete_user(user) -> None:
    for entry in portability_modules():
        hook = getattr(entry.module, "on_delete_user", None)
        if hook is not None:
            hook(user)
