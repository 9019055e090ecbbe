"""Which tests run once (on SQLite) and which run on both database engines.

The SQLite pass of `make test` runs everything. The PostgreSQL pass runs every test module
except those listed here, whose outcome the database engine cannot change: they touch no
database at all, or they check what a page says or how text is routed, from rows that the
PostgreSQL pass already reads and writes through the same queries elsewhere (the access
matrix walks every route as every persona, the API fuzz and the no-GET-writes walk call every
operation, and the write, race, key, token, import and backup tests all run there).

A new test module runs on both engines until it is listed here, so forgetting to list one costs
time, never coverage. tests/test_engine_selection.py keeps the list honest: every entry exists,
and no listed module uses anything whose behaviour differs between engines (transactions across
threads, row locks, integrity errors, raw SQL, a server or database of its own, DATABASE_URL).
"""

from pathlib import Path

TESTS = Path(__file__).resolve().parent

NO_DATABASE = "touches no database"
PAGE_TEXT = "what a page says or how it is marked up, from rows read the same way on both engines"
TEXT_ROUTING = "how written text is checked and where support is shown, not how it is stored"
STATIC = "reads the source, not the running app"

# Paths relative to tests/; a folder stands for everything in it.
ONCE_ON_SQLITE: dict[str, str] = {
    "domain": NO_DATABASE,
    "browser": "pages already covered by HTTP tests that run on both engines; a browser run "
    "per engine would check the same markup twice",
    "test_crisis_js_parity.py": NO_DATABASE,
    "test_crisis_lexicons_cache.py": "a file of public data kept on disk; its view reads no rows",
    "test_crisis_analysis_cache.py": NO_DATABASE,
    "test_vault_format.py": NO_DATABASE,
    "test_vault_honest_copy.py": NO_DATABASE,
    "test_action_error.py": NO_DATABASE,
    "test_static_collect.py": NO_DATABASE,
    "test_plan_leaks.py": NO_DATABASE,
    "test_cli_coach.py": NO_DATABASE,
    "test_static_analysis.py": STATIC,
    "test_import_cycles.py": STATIC,
    "test_views_not_libraries.py": STATIC,
    "test_docs_true.py": STATIC,
    "test_conftest_log_check.py": "checks the suite's own log check",
    "test_page_text.py": PAGE_TEXT,
    "test_phone_checklist.py": PAGE_TEXT,
    "test_plural_words.py": PAGE_TEXT,
    "test_emergency_line.py": PAGE_TEXT,
    "test_country_names.py": PAGE_TEXT,
    "test_fragments.py": PAGE_TEXT,
    "test_page_weight.py": PAGE_TEXT,
    "test_page_methods.py": PAGE_TEXT,
    "test_security_headers.py": PAGE_TEXT,
    "test_xss.py": PAGE_TEXT,
    "test_csrf.py": PAGE_TEXT,
    "test_results.py": PAGE_TEXT,
    "test_plan.py": PAGE_TEXT,
    "test_plan_without_space.py": PAGE_TEXT,
    "test_today_panel.py": PAGE_TEXT,
    "test_first_day_axes.py": PAGE_TEXT,
    "test_learn_search.py": PAGE_TEXT,
    "test_care_help.py": PAGE_TEXT,
    "test_care_resources.py": PAGE_TEXT,
    "test_derived_leaks.py": "text derived from answers in Python; the answers' storage is "
    "tested on both engines",
    "test_free_text_safety_registry.py": TEXT_ROUTING,
    "test_save_actions_check_text.py": TEXT_ROUTING,
    "test_rituals_crisis.py": TEXT_ROUTING,
    "test_coach_crisis.py": TEXT_ROUTING,
    "test_care_crisis.py": TEXT_ROUTING,
}


def runs_once(path: Path) -> bool:
    """True for a test file or folder the PostgreSQL pass leaves to the SQLite pass."""
    try:
        relative = path.resolve().relative_to(TESTS)
    except ValueError:
        return False
    parts = relative.parts
    return bool(parts) and (parts[0] in ONCE_ON_SQLITE or relative.as_posix() in ONCE_ON_SQLITE)
