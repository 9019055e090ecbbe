"""PostgreSQL prepares the statements a connection runs again (settings.database_from_url)."""

import os
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
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
