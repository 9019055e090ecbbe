"""The error every domain data file loader raises: it names the file, the field and the problem.

A host who drops a malformed file into a folder reads, at start-up, exactly where to look:
``connection_check.yaml: items[3].scale: unknown scale 'freq5'``.
"""

from __future__ import annotations

from pathlib import Path


class DataFileError(ValueError):
    def __init__(self, file: str | Path, field: str, problem: str):
        self.path = Path(str(file))
        self.file = self.path.name
        self.field = field
        self.problem = problem
        super().__init__(f"{self.file}: {field}: {problem}")
