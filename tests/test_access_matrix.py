"""The access matrix: every route x method x persona against tests/access/*.yaml.

Pages are requested with a logged-in session; API routes once with a session (CSRF not
enforced here: tests/test_csrf.py covers it) and once with the persona's Bearer token. Each
request runs in a rolled-back savepoint. A route missing from the tables fails, and so does
a table entry for a route that no longer exists. The format is at the top of every YAML file.
"""

from django.test import TestCase

from tests.access import matrix
from tests.access.headers import header_problems

ADD_ROUTE_HINT = (
    "Add it to the YAML file of its app in tests/access/ (format at the top of each file): "
    "kwargs naming test-world objects, and per method the status for each persona."
)


class AccessMatrixTests(TestCase):
    maxDiff = None

    @classmethod
    def setUpTestData(cls):
        cls.tables = matrix.load_tables()
        cls.world = matrix.build_world(cls.tables)

    def test_the_tables_are_well_formed(self):
        self.assertEqual(self.tables.problems, [], "\n".join(self.tables.problems))
        problems = []
        for case in self.tables.all_cases():
            kwargs = matrix.resolve_kwargs(case.kwargs, self.world)
            for name in matrix.route_params(case.route):
                if f"<int:{name}>" in case.route and not isinstance(kwargs.get(name), int):
                    problems.append(
                        f"{case.source}: {case.route}: {name}={case.kwargs.get(name)!r} "
                        "names no object of the test world"
                    )
            for method in (*matrix.METHODS, "*"):
                spec = case.methods.get(method)
                for status in (spec or {}).get("expect", {}).values():
                    statuses = status if isinstance(status, list) else [status]
                    if any(s >= 500 for s in statuses):
                        problems.append(f"{case.source}: {case.route}: a 5xx is never expected")
        self.assertEqual(problems, [], "\n".join(problems))

    def test_every_route_in_the_url_map_is_in_the_tables(self):
        missing = sorted(set(matrix.url_routes()) - set(self.tables.cases))
        self.assertEqual(
            missing,
            [],
            "Routes without an expected-access entry:\n  "
            + "\n  ".join(repr(r) for r in missing)
            + "\n"
            + ADD_ROUTE_HINT,
        )

    def test_every_route_in_the_tables_exists(self):
        stale = sorted(set(self.tables.cases) - set(matrix.url_routes()))
        self.assertEqual(
            stale,
            [],
            "Table entries for routes that are no longer in the URL map (remove or rename):\n  "
            + "\n  ".join(f"{r!r} in {self.tables.cases[r][0].source}" for r in stale),
        )

    def _run(self, api: bool, auth: str) -> tuple[int, list[str]]:
        personas = matrix.Personas(self.world)
        checked, mismatches = 0, []
        for case in self.tables.all_cases():
            if case.api != api:
                continue
            url = matrix.case_url(case, self.world)
            for method in matrix.METHODS:
                for persona in matrix.PERSONAS:
                    expected = case.expected(method, persona, auth)
                    client, headers = personas.client(persona, auth)
                    response, error = matrix.request_rolled_back(
                        client, method, url, case.body(method), api, headers
                    )
                    checked += 1
                    got = error or response.status_code
                    # the same walk checks the security headers of every answer
                    for problem in [] if error else header_problems(response):
                        mismatches.append(f"{method} {url} as {persona} ({auth}): {problem}")
                    if got not in expected:
                        mismatches.append(
                            f"{case.source}: {method} {url} ({case.label()}) as {persona}"
                            f"{' with ' + auth if api else ''}: got {got}, the table says "
                            f"{'/'.join(map(str, expected))}"
                        )
        return checked, mismatches

    def _assert_matches(self, api: bool, auth: str):
        checked, mismatches = self._run(api, auth)
        self.assertGreater(checked, 0)
        self.assertEqual(
            mismatches,
            [],
            f"{len(mismatches)} of {checked} requests differ from tests/access/*.yaml:\n"
            + "\n".join(mismatches),
        )

    def test_pages_match_the_table(self):
        self._assert_matches(api=False, auth="session")

    def test_api_with_a_session_matches_the_table(self):
        self._assert_matches(api=True, auth="session")

    def test_api_with_a_bearer_token_matches_the_table(self):
        self._assert_matches(api=True, auth="bearer")

    def _private_cases(self):
        """Cases whose kwargs name a persona's private object, with that owner."""
        for case in self.tables.all_cases():
            for value in case.kwargs.values():
                if isinstance(value, str) and value.endswith("_private"):
                    owner = value[: -len("_private")]
                    if owner in matrix.PERSONAS:
                        yield case, owner

    def test_the_tables_hide_private_objects_from_everyone_else(self):
        """sam, casey and anonymous get 404 for everything of alex's private entries.

        A 405 is allowed only where the owner gets it too (the method does not exist at all,
        whatever the object); anonymous gets the log-in redirect on pages and 401 on the API.
        """
        cases = list(self._private_cases())
        self.assertTrue(any(owner == "alex" for _, owner in cases), "no alex_private cases")
        problems = []
        for case, owner in cases:
            for method in matrix.METHODS:
                for auth in matrix.auths_for(case):
                    owner_gets = case.expected(method, owner, auth)
                    for persona in matrix.PERSONAS:
                        if persona == owner:
                            continue
                        got = case.expected(method, persona, auth)
                        allowed = {404}
                        if persona == "anonymous":
                            allowed = {401} if case.api else {302}
                        if owner_gets == (405,):
                            allowed.add(405)
                        if not set(got) <= allowed:
                            problems.append(
                                f"{case.source}: {method} {case.label()} as {persona} ({auth}): "
                                f"table says {got}, must be one of {sorted(allowed)}"
                            )
        self.assertEqual(problems, [], "\n".join(problems))

    def test_private_objects_answer_exactly_like_missing_ones(self):
        """Existence is not revealed: same status (and same API body) as a nonexistent id."""
        personas = matrix.Personas(self.world)
        problems, compared = [], 0
        for case, owner in self._private_cases():
            real = matrix.resolve_kwargs(case.kwargs, self.world)
            missing = {k: (v + 10**6 if f"<int:{k}>" in case.route else v) for k, v in real.items()}
            real_url = matrix.build_url(case.route, real)
            missing_url = matrix.build_url(case.route, missing)
            for method in matrix.METHODS:
                for persona in matrix.PERSONAS:
                    if persona == owner:
                        continue
                    for auth in matrix.auths_for(case):
                        answers = []
                        for url in (real_url, missing_url):
                            client, headers = personas.client(persona, auth)
                            response, error = matrix.request_rolled_back(
                                client, method, url, case.body(method), case.api, headers
                            )
                            body = response.content if response is not None and case.api else b""
                            answers.append((error or response.status_code, body))
                        compared += 1
                        if answers[0] != answers[1]:
                            problems.append(
                                f"{method} {real_url} as {persona} ({auth}): {answers[0][0]} "
                                f"but {answers[1][0]} for a missing id"
                            )
        self.assertGreater(compared, 0)
        self.assertEqual(problems, [], "\n".join(problems))
