"""Mounts every feature's router on the v1 API. Feature issues add one line each."""

from reattune.accounts.api import router as me_router
from reattune.api.base import api
from reattune.couples.api import router as couple_router
from reattune.journal.api import router as journal_router

api.add_router("/me", me_router)
api.add_router("/couple", couple_router)
api.add_router("/journal", journal_router)
