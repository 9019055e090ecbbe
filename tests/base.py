"""The shared test base: named personas, as in every reattune test.

alex and sam share one couple space; casey and jordan share another; anonymous is nobody.
Each persona has a private and a shared journal entry whose text is unique to them.
"""

from django.test import Client, TestCase

from reattune.accounts.actions import do_create_token, do_create_user
from reattune.couples import actions as couples
from reattune.journal.actions import do_create_entry

PASSWORD = "correct horse battery staple"
PERSONAS = ("alex", "sam", "casey", "anonymous")
WORLD_TIMEZONE = "Europe/Berlin"  # alex and sam's (tests/clock.py starts its clock by it)


def make_couple(first: str, second: str, timezone_name: str = WORLD_TIMEZONE):
    a = do_create_user(f"{first}@example.org", PASSWORD, first.title(), timezone_name)
    b = do_create_user(f"{second}@example.org", PASSWORD, second.title(), timezone_name)
    couples.do_join_space(b, couples.do_create_invite(a))
    return a, b


def make_world():
    """Create the personas and their content; returns a dict of named objects."""
    world = {}
    world["alex"], world["sam"] = make_couple("alex", "sam")
    world["casey"], world["jordan"] = make_couple("casey", "jordan", "America/Los_Angeles")
    for name in ("alex", "sam", "casey"):
        user = world[name]
        world[f"{name}_private"], _ = do_create_entry(
            user, f"{name} private secret text", visibility="private", title=f"{name} private"
        )
        world[f"{name}_shared"], _ = do_create_entry(
            user, f"{name} shared text for the couple", visibility="shared", title=f"{name} shared"
        )
        _, world[f"{name}_token"] = do_create_token(user, "tests")
    return world


class BaseTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        world = make_world()
        for key, value in world.items():
            setattr(cls, key, value)

    def client_for(self, persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(getattr(self, persona))
        return client

    def api(self, persona: str, method: str, path: str, json=None):
        client = Client()
        headers = {}
        if persona != "anonymous":
            headers["Authorization"] = f"Bearer {getattr(self, f'{persona}_token')}"
        call = getattr(client, method.lower())
        if json is not None:
            return call(path, data=json, content_type="application/json", headers=headers)
        return call(path, headers=headers)
