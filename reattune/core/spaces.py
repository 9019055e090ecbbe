"""Models that hold content written inside a couple space (subclasses of CoupleContent)."""

from django.apps import apps

from reattune.core.visibility import CoupleContent


def space_scoped_models():
    return [m for m in apps.get_models() if issubclass(m, CoupleContent)]
