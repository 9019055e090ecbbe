"""API fuzzing with schemathesis over /api/v1/openapi.json, in-process through the WSGI app.

1. Every operation, authenticated as alex with a bearer token: no response is a 5xx, and every
   response whose status the schema documents matches the documented schema and content type.
2. Replays: for every operation with ids in its path, generated requests aimed at alex's
   objects that the access tables (tests/access/*.yaml) say are alex's alone are sent as sam
   (the partner) and as casey (another couple): every one answers 404.

Bounded: REATTUNE_FUZZ_EXAMPLES examples per operation (default 5), no shrinking, derandomized,
so the whole file stays well under a minute. Runs inside one rolled-back test transaction.
"""

import os
import re

import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import TestCase
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from reattune.wsgi import application
from tests.access import matrix

EXAMPLES = int(os.environ.get("REATTUNE_FUZZ_EXAMPLES", "5"))
REPLAY_EXAMPLES = max(2, EXAMPLES // 2)
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
PATH_PARAM = re.compile(r"<(?:[^>:]+:)?([^>]+)>")


def openapi_path(route: str) -> str:
    """'api/v1/journal/<int:entry_id>' -> '/api/v1/journal/{entry_id}'"""
    return "/" + PATH_PARAM.sub(r"{\1}", route)


def body_refused(response) -> bool:
    """A 422 whose every error is about the request body: decided before any object is read,
    so it says nothing about whose object the path names. (Hypothesis writes strings for `$`
    in a pattern with a trailing newline that Python's regex allows and pydantic's does not.)"""
    if response.status_code != 422:
        return False
    try:
        errors = response.json()["detail"]
    except (ValueError, KeyError, TypeError):
        return False
    return bool(errors) and all(
        isinstance(e, dict) and list(e.get("loc", []))[:1] == ["body"] for e in errors
    )


def is_2xx(statuses) -> bool:
    return bool(statuses) and all(200 <= s < 300 for s in statuses)


class ApiFuzzTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tables = matrix.load_tables()
        cls.world = matrix.build_world(cls.tables)

    def setUp(self):
        super().setUp()
        # Django's WSGI handler closes "old" connections around each request; inside a test
        # transaction that would break it (the test Client disconnects these the same way).
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        self.addCleanup(signals.request_started.connect, close_old_connections)
        self.addCleanup(signals.request_finished.connect, close_old_connections)
        self.schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

    def bearer(self, persona: str) -> dict:
        return {"Authorization": f"Bearer {self.world[f'{persona}_token']}"}

    def operations(self):
        for result in self.schema.get_all_operations():
            yield result.ok()

    def test_it_finds_no_server_error_and_no_schema_violation(self):
        headers = self.bearer("alex")
        failures, operations = [], 0
        for operation in self.operations():
            operations += 1

            @FUZZ
            @given(case=operation.as_strategy())
            def fuzz(case):
                response = case.call(headers=headers)
                case.validate_response(response, checks=CHECKS, headers=headers)

            try:
                fuzz()
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as error:  # noqa: BLE001 - schemathesis raises FailureGroup
                failures.append((f"{operation.method.upper()} {operation.path}", error))
        self.assertGreater(operations, 5)
        self.assertEqual(
            [name for name, _ in failures],
            [],
            "\n\n".join(f"{name}:\n{error}" for name, error in failures),
        )

    def private_targets(self):
        """(operation, path parameters) for alex's objects no one else may touch."""
        by_path = {}
        for operation in self.operations():
            by_path.setdefault(operation.path, []).append(operation)
        for case in self.tables.all_cases():
            if not case.api or not matrix.route_params(case.route):
                continue
            kwargs = matrix.resolve_kwargs(case.kwargs, self.world)
            for operation in by_path.get(openapi_path(case.route), []):
                method = operation.method.upper()
                alex = case.expected(method, "alex", "bearer")
                others = [case.expected(method, p, "bearer") for p in ("sam", "casey")]
                if is_2xx(alex) and all(o == (404,) for o in others):
                    yield operation, kwargs

    def test_it_answers_404_to_the_partner_and_another_couple_on_alexs_objects(self):
        targets = list(self.private_targets())
        self.assertTrue(
            any(op.path == "/api/v1/journal/{entry_id}" for op, _ in targets),
            "alex's private journal entry should be among the replayed objects",
        )
        wrong = []
        for operation, kwargs in targets:
            strategy = operation.as_strategy(path_parameters=kwargs)

            @settings(FUZZ, max_examples=REPLAY_EXAMPLES)
            @given(case=strategy)
            def replay(case):
                for persona in ("sam", "casey"):
                    response = case.call(headers=self.bearer(persona))
                    if body_refused(response):
                        continue  # the body itself is invalid: the same for anyone, any object
                    if response.status_code != 404:
                        wrong.append(
                            f"{case.method.upper()} {case.formatted_path} as {persona}: "
                            f"{response.status_code}"
                        )

            replay()
        self.assertEqual(wrong, [], "\n".join(sorted(set(wrong))))
