"""The browser's crisis patterns are built once per version of their inputs and kept on disk.

reattune/care/lexicons_json.py keeps the built document in REATTUNE_CACHE_DIR under a digest of
the lexicons, the model and the engine's own source, so a restart or a second process reads it
instead of spending seconds translating every pattern again; an edited lexicon gets a new file.
"""

import contextlib
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from django.test import override_settings

from reattune.care import lexicons_json
from reattune.domain.safety import crisis

URL = "/care/crisis-lexicons.json"


# own_lexicons: tests/conftest.py

SMALL = ("it", "nl")


@pytest.fixture(scope="module")
def two_lexicon_files(tmp_path_factory):
    """The Italian and Dutch lexicon files, copied once for this module: {path: (content,
    access and modification times)}."""
    root = tmp_path_factory.mktemp("lexicons")
    kept = {}
    for lang in SMALL:
        (root / lang).mkdir()
        path = root / lang / "crisis.yaml"
        shutil.copy2(crisis.LEXICON_ROOT / lang / "crisis.yaml", path)
        info = path.stat()
        kept[path] = (path.read_bytes(), info.st_atime_ns, info.st_mtime_ns)
    return root, kept


@pytest.fixture
def small_lexicons(two_lexicon_files, monkeypatch):
    """Lexicons nobody else edits, cut to two languages: the cache's rules are the same for any
    set, and a build of two small lexicons costs about a second of CPU instead of eight for all
    six. Every test gets the same two files as they were copied (content and modification time
    put back after a test edited them), so crisis.py's compiled form of them, kept per path,
    modification time and size, serves every test: each build here only translates."""
    root, kept = two_lexicon_files
    for folder in root.iterdir():
        if folder.name not in SMALL:
            shutil.rmtree(
                folder
            ) if folder.is_dir() and not folder.is_symlink() else folder.unlink()
    for path, (content, atime, mtime) in kept.items():
        path.parent.mkdir(exist_ok=True)
        if path.is_symlink() or not path.is_file() or path.read_bytes() != content:
            path.unlink(missing_ok=True)
            path.write_bytes(content)
        os.utime(path, ns=(atime, mtime))
    monkeypatch.setattr(crisis, "LEXICON_ROOT", root)
    lexicons_json._built.cache_clear()
    assert [p.parent.name for p in lexicons_json.lexicon_files()] == list(SMALL)
    yield root
    lexicons_json._built.cache_clear()


@pytest.fixture
def cache_dir(tmp_path):
    folder = tmp_path / "cache"
    with override_settings(CACHE_DIR=folder):
        yield folder


def _no_build(*args, **kwargs):
    raise AssertionError("built again although the cache holds this version")


@pytest.mark.django_db
def test_a_second_process_reads_the_document_the_first_one_built(
    client, small_lexicons, cache_dir, monkeypatch
):
    first = client.get(URL)
    assert first.status_code == 200
    (kept,) = cache_dir.glob("crisis-lexicons-*.json")
    assert kept.name == f"crisis-lexicons-{lexicons_json.content_key()}.json"
    assert kept.stat().st_mode & 0o777 == 0o600  # as every file in the data folder
    assert json.loads(kept.read_bytes()) == json.loads(first.content)

    lexicons_json._built.cache_clear()  # as a freshly started process
    monkeypatch.setattr(lexicons_json, "build", _no_build)
    second = client.get(URL)
    assert second.status_code == 200 and second.content == first.content


@pytest.mark.django_db
def test_an_edited_lexicon_is_built_again_and_the_old_file_goes(client, small_lexicons, cache_dir):
    before = json.loads(client.get(URL).content)
    old_key = lexicons_json.content_key()
    path = small_lexicons / "it" / "crisis.yaml"
    # The same size and a forced modification time would fool an mtime check; the key reads
    # the content.
    path.write_text(path.read_text(encoding="utf-8").replace("\n", "\n", 1) + "#\n", "utf-8")
    assert lexicons_json.content_key() != old_key

    # Files of another version are removed once they are older than a writer could still be
    # using them (ten minutes): this one is made an hour old.
    (old_file,) = cache_dir.glob("crisis-lexicons-*.json")
    os.utime(old_file, (time.time() - 3600, time.time() - 3600))
    lexicons_json._built.cache_clear()
    client.get(URL)
    names = [p.name for p in cache_dir.glob("crisis-lexicons-*.json")]
    assert names == [f"crisis-lexicons-{lexicons_json.content_key()}.json"]
    assert before["format"] == lexicons_json.FORMAT


def test_the_key_covers_the_engine_the_model_reader_and_the_schema(own_lexicons, monkeypatch):
    sources = {path.name for path in lexicons_json._SOURCES}
    assert {"lexicons_json.py", "crisis.py", "check.py", "crisis_model.py"} <= sources
    assert "crisis_lexicon.schema.json" in sources
    before = lexicons_json.content_key()
    monkeypatch.setattr(crisis, "USE_MODEL", not crisis.USE_MODEL)
    assert lexicons_json.content_key() != before


def _kept_file(cache_dir: Path) -> Path:
    cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    return cache_dir / f"crisis-lexicons-{lexicons_json.content_key()}.json"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "planted",
    [
        b"SECRET=hunter2",  # not a document at all
        b'{"format": 1, "problems": [], "engine": {}, "lexicons": []}',  # no lexicons: no check
        b'{"format": 1, "problems": ["nl: broken"], "engine": {}, "lexicons": []}',
    ],
    ids=["not-json", "no-lexicons", "with-problems"],
)
def test_a_planted_or_partial_file_is_never_served(client, small_lexicons, cache_dir, planted):
    _kept_file(cache_dir).write_bytes(planted)
    response = client.get(URL)
    doc = json.loads(response.content)
    assert doc["problems"] == [] and len(doc["lexicons"]) == len(lexicons_json.lexicon_files())
    assert _kept_file(cache_dir).read_bytes() != planted  # replaced by the built document


@pytest.mark.django_db
def test_a_link_in_the_cache_folder_is_not_followed(client, small_lexicons, cache_dir, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET=hunter2")
    _kept_file(cache_dir).symlink_to(secret)
    response = client.get(URL)
    assert b"hunter2" not in response.content
    assert json.loads(response.content)["problems"] == []
    assert secret.read_text() == "SECRET=hunter2"  # the link was replaced, its target untouched


@pytest.mark.django_db
def test_a_folder_others_may_write_to_is_not_used(client, small_lexicons, cache_dir, monkeypatch):
    kept = _kept_file(cache_dir)
    first = client.get(URL).content
    kept.write_bytes(first)  # a good document, but in a folder anyone could have written to
    cache_dir.chmod(0o777)
    before = {p.name: p.stat().st_mtime_ns for p in cache_dir.iterdir()}
    counting = _CountingBuild()
    monkeypatch.setattr(lexicons_json, "build", counting)
    lexicons_json._built.cache_clear()
    assert client.get(URL).status_code == 200
    assert counting.calls == 1  # built, not read from the open folder
    after = {p.name: p.stat().st_mtime_ns for p in cache_dir.iterdir()}
    assert after == before  # and nothing written there, not even the build's lock


class _CountingBuild:
    def __init__(self):
        self.calls = 0
        self.real = lexicons_json.build

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.real(*args, **kwargs)


@pytest.mark.django_db
def test_a_cache_folder_that_cannot_be_written_still_serves_the_document(
    client, small_lexicons, tmp_path
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    with override_settings(CACHE_DIR=blocker / "cache"):
        response = client.get(URL)
    assert response.status_code == 200
    assert json.loads(response.content)["problems"] == []


@pytest.mark.django_db
def test_a_broken_lexicon_is_never_kept(client, small_lexicons, cache_dir):
    (small_lexicons / "nl" / "crisis.yaml").write_text("rules: [\n", encoding="utf-8")
    doc = json.loads(client.get(URL).content)
    assert any(problem.startswith("nl:") for problem in doc["problems"])
    assert list(cache_dir.glob("crisis-lexicons-*.json")) == []


@pytest.mark.django_db
def test_building_holds_a_lock_other_processes_wait_on(small_lexicons, cache_dir):
    import fcntl

    with lexicons_json._build_lock(cache_dir):
        lock_file = cache_dir / ".crisis-lexicons-lock"
        assert lock_file.stat().st_mode & 0o777 == 0o600
        other = os.open(lock_file, os.O_RDWR)  # another process's own opening of the file
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(other)
    other = os.open(lock_file, os.O_RDWR)
    try:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released once the build is done
    finally:
        os.close(other)


@pytest.mark.django_db
def test_a_process_that_waited_reads_what_the_other_one_built(
    client, small_lexicons, cache_dir, monkeypatch
):
    document = client.get(URL).content
    kept = _kept_file(cache_dir)
    kept.unlink()
    real_lock = lexicons_json._build_lock

    @contextlib.contextmanager
    def another_process_built_meanwhile(folder):
        with real_lock(folder):
            kept.write_bytes(document)  # what the process holding the lock before us kept
            yield

    monkeypatch.setattr(lexicons_json, "_build_lock", another_process_built_meanwhile)
    monkeypatch.setattr(lexicons_json, "build", _no_build)
    lexicons_json._built.cache_clear()
    assert lexicons_json._cached_build() == document
