"""The error of a broken crisis data file (a lexicon or the second stage's model file).

On its own so that crisis.py and crisis_model.py can both raise it without importing each
other (crisis.py asks the model only when its rules found nothing).
"""

from __future__ import annotations

from pathlib import Path

from ..datafile import DataFileError


class LexiconError(DataFileError):
    """A crisis lexicon file is malformed: ``en/crisis.yaml: rules[3].pattern: problem``."""

    def __init__(self, file: str | Path, field: str, problem: str):
        super().__init__(file, field, problem)
        path = Path(str(file))
        self.file = f"{path.parent.name}/{path.name}" if path.parent.name else path.name
        self.args = (f"{self.file}: {field}: {problem}",)
