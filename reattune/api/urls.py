"""Mounts every feature's router on the v1 API. Feature issues add one line each."""

from reattune.accounts.api import router as me_router
from reattune.api.base import api
from reattune.assessments.api import router as assessments_router
from reattune.care.api import router as care_router
from reattune.coach.api import router as coach_router
from reattune.couples.api import router as couple_router
from reattune.exports.api import router as exports_router
from reattune.journal.api import router as journal_router
from reattune.plans.api import router as plans_router
from reattune.reports.api import router as reports_router
from reattune.rituals.api import router as rituals_router
from reattune.vault.api import router as vault_router

api.add_router("/me", me_router)
api.add_router("/couple", couple_router)
api.add_router("/journal", journal_router)
api.add_router("/checkups", assessments_router)
api.add_router("/plan", plans_router)
api.add_router("/rituals", rituals_router)
api.add_router("/coach", coach_router)
api.add_router("/care", care_router)
api.add_router("/export", exports_router)
api.add_router("/reports", reports_router)
api.add_router("/vault", vault_router)
