"""PostgreSQL prepares the statements a connection runs again (settings.database_from_url)."""

import os
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from reattune.settings import database_from_url

URL = "postgresql://app:secret@db.example.org:5432/reattune"


def test_it_binds_on_the_server_and_prepares_from_the_second_run():
    with mock.patch.dict(os.environ, {"REATTUNE_DB_PREPARED_STATEMENTS": ""}):
        options = database_from_url(URL)["OPTIONS"]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 2


def test_a_host_behind_a_pooler_can_turn_it_off():
    with mock.patch.dict(os.environ, {"REATTUNE_DB_PREPARED_STATEMENTS": "off"}):
        options = database_from_url(URL + "?sslmode=require")["OPTIONS"]
    assert options == {"sslmode": "require"}


def test_the_url_may_set_both_options_in_words_django_and_psycopg_read():
    with mock.patch.dict(os.environ, {"REATTUNE_DB_PREPARED_STATEMENTS": "off"}):
        options = database_from_url(URL + "?server_side_binding=true&prepare_threshold=5")
        assert options["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5}
        with pytest.raises(ImproperlyConfigured, match="server_side_binding"):
            database_from_url(URL + "?server_side_binding=maybe")
    options = database_from_url(URL + "?server_side_binding=off")["OPTIONS"]
    assert options["server_side_binding"] is False  # the URL wins over the default


@pytest.mark.django_db
def test_a_query_run_again_is_prepared_on_the_running_database():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no prepared statements to ask about (the PostgreSQL pass runs it)")
    users = get_user_model().objects
    for _ in range(3):
        users.filter(email="nobody@example.org").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("email" in statement for statement in prepared), prepared


@pytest.mark.django_db(transaction=True)
def test_a_stale_prepared_plan_costs_one_request_not_the_connections_lifetime():
    """A migration that changes a column's type under a running process: the statements that
    process prepared then fail on its connection until it closes. The request that meets the
    error closes it when it ends (core/stale_plans.py), so the next one works."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite prepares nothing that could go stale (the PostgreSQL pass runs it)")
    from django.core.signals import got_request_exception, request_finished
    from django.db import DatabaseError

    from reattune.core.stale_plans import STALE_PLAN

    query = "SELECT name FROM stale_plan_probe"

    def read():
        with connection.cursor() as cursor:
            cursor.execute(query)
            return cursor.fetchall()

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE stale_plan_probe (name varchar(10))")
        cursor.execute("INSERT INTO stale_plan_probe VALUES ('kept')")
    try:
        for _ in range(3):  # prepared from the third run (prepare_threshold 2)
            assert read() == [("kept",)]
        other = connection.get_new_connection(connection.get_connection_params())
        try:  # as a migration run by another process would
            other.execute("ALTER TABLE stale_plan_probe ALTER COLUMN name TYPE varchar(200)")
            other.commit()
        finally:
            other.close()
        for _ in range(2):  # without the hook, every later run on this connection fails
            with pytest.raises(DatabaseError, match=STALE_PLAN):
                read()
        try:
            read()
        except DatabaseError:  # what Django does when a request ends with an error
            got_request_exception.send(sender=None, request=None)
        request_finished.send(sender=None)  # Django's close_old_connections
        assert read() == [("kept",)]

        # The API answers its unexpected errors itself (no got_request_exception): the same.
        from django.test import RequestFactory

        from reattune.api.base import on_unexpected

        for _ in range(3):
            assert read() == [("kept",)]
        other = connection.get_new_connection(connection.get_connection_params())
        try:
            other.execute("ALTER TABLE stale_plan_probe ALTER COLUMN name TYPE varchar(300)")
            other.commit()
        finally:
            other.close()
        try:
            read()
        except DatabaseError as error:
            answer = on_unexpected(RequestFactory().get("/api/v1/journal"), error)
            assert answer.status_code == 500
        else:
            pytest.fail("the stale plan was not met")
        request_finished.send(sender=None)
        assert read() == [("kept",)]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS stale_plan_probe")
