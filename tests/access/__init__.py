"""The expected-access table (one YAML file per app) and the code that walks it.

tests/test_access_matrix.py compares every route x method x persona with these files;
tests/test_guards.py, tests/test_security_headers.py, tests/test_no_get_changes.py and
tests/test_xss.py reuse the same routes and kwargs. See tests/access/matrix.py.
"""
