"""`reattune serve` collects the static files only when their sources changed.

reattune.core.static_storage.collect() runs collectstatic and leaves a stamp (a digest of every
source file's path, size and modification time) beside the manifest; a start with the same
digest skips the step, any change to a source collects again.
"""

import os

import pytest
from django.core import management
from django.test import override_settings

from reattune.core import static_storage

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "reattune.core.static_storage.StaticStorage"},
}


@pytest.fixture
def sources(tmp_path, monkeypatch):
    source = tmp_path / "source"
    source.mkdir()
    (source / "app.css").write_text("body { color: #123; }\n")
    root = tmp_path / "collected"
    calls = []
    real = management.call_command

    def counting(name, *args, **kwargs):
        calls.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(management, "call_command", counting)
    finders = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    with override_settings(
        STATIC_ROOT=root, STATICFILES_DIRS=[source], STATICFILES_FINDERS=finders, STORAGES=STORAGES
    ):
        yield source, root, calls


def _hashed_css(root):
    return sorted(p.name for p in root.glob("app.*.css"))


def test_a_second_start_with_the_same_sources_collects_nothing(sources):
    source, root, calls = sources
    assert static_storage.collect() is True
    assert calls == ["collectstatic"] and len(_hashed_css(root)) == 1
    assert (root / static_storage.STAMP_NAME).stat().st_mode & 0o777 == 0o600
    manifest = (root / "staticfiles.json").stat().st_mtime_ns
    assert static_storage.collect() is False
    assert calls == ["collectstatic"]
    assert (root / "staticfiles.json").stat().st_mtime_ns == manifest


def test_a_changed_added_or_touched_source_collects_again(sources):
    source, root, calls = sources
    static_storage.collect()
    (source / "app.css").write_text("body { color: #456789; }\n")
    assert static_storage.collect() is True
    assert len(_hashed_css(root)) == 2  # the new version beside the old one, as collectstatic does
    (source / "new.js").write_text("// new\n")
    assert static_storage.collect() is True and (root / "new.js").is_file()
    later = (source / "new.js").stat().st_mtime_ns + 10**9
    os.utime(source / "new.js", ns=(later, later))
    assert static_storage.collect() is True
    assert calls == ["collectstatic"] * 4


def test_a_missing_manifest_or_a_foreign_stamp_collects_again(sources):
    source, root, calls = sources
    static_storage.collect()
    (root / "staticfiles.json").unlink()
    assert static_storage.collect() is True and (root / "staticfiles.json").is_file()
    (root / static_storage.STAMP_NAME).write_text("not a digest")
    assert static_storage.collect() is True
    (root / static_storage.STAMP_NAME).write_bytes(b"\xff\xfe")
    assert static_storage.collect() is True
    assert calls == ["collectstatic"] * 4


def test_another_way_of_processing_collects_again(sources, monkeypatch):
    source, root, calls = sources
    static_storage.collect()
    monkeypatch.setattr(static_storage, "BROTLI_QUALITY", static_storage.BROTLI_QUALITY - 1)
    assert static_storage.collect() is True
    monkeypatch.setattr("reattune.__version__", "0.0.0-other")
    assert static_storage.collect() is True
    assert calls == ["collectstatic"] * 3
