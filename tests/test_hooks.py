"""reattune/hooks.py lists every extension point and every hook registered into it."""

import importlib.util

from django.conf import settings
from django.test import SimpleTestCase
from django.utils.module_loading import import_string

from reattune import hooks


class HooksListTests(SimpleTestCase):
    def test_every_registered_hook_is_listed_and_every_listed_hook_is_registered(self):
        for point in list(hooks.REGISTRIES) + list(hooks.SIGNALS):
            listed = sorted(h.target for h in hooks.HOOKS if h.point == point)
            with self.subTest(point=point):
                self.assertEqual(hooks.registered(point), listed)

    def test_every_point_a_hook_uses_is_a_known_point(self):
        known = set(hooks.REGISTRIES) | set(hooks.SIGNALS)
        for hook in hooks.HOOKS:
            with self.subTest(hook=hook):
                self.assertIn(hook.point, known)
                self.assertTrue(callable(import_string(hook.target)))
                self.assertIn(f"reattune.{hook.app}", settings.INSTALLED_APPS)

    def test_every_register_function_in_the_code_is_a_listed_point(self):
        # A new `register_*` function in core or an app is a new extension point: list it.
        import ast
        from pathlib import Path

        root = Path(hooks.__file__).parent
        found = set()
        for path in root.rglob("*.py"):
            if "migrations" in path.parts or "templatetags" in path.parts:
                continue
            module = ".".join(path.relative_to(root.parent).with_suffix("").parts)
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                if isinstance(node, ast.FunctionDef) and node.name.startswith("register_"):
                    found.add(f"{module}.{node.name}")
        self.assertLessEqual(found, set(hooks.REGISTRIES), found - set(hooks.REGISTRIES))

    def test_install_registers_nothing_twice(self):
        before = {point: hooks.registered(point) for point in hooks.REGISTRIES}
        for app in {h.app for h in hooks.HOOKS}:
            hooks.install(app)
        after = {point: hooks.registered(point) for point in hooks.REGISTRIES}
        self.assertEqual(after, before)
        self.assertEqual(
            hooks.registered("django.contrib.auth.signals.user_logged_in"),
            ["reattune.accounts.sessions.on_login"],
        )

    def test_every_module_found_by_convention_is_listed(self):
        present = set()
        for app in settings.FEATURE_APPS:
            for name in hooks.CONVENTIONS:
                module = f"reattune.{app}.{name}"
                if importlib.util.find_spec(module) is not None:
                    present.add(module)
        self.assertEqual(present, set(hooks.CONVENTION_MODULES))

    def test_only_hooks_install_registers(self):
        # One registration style: no decorator or import-time call registers a hook; every
        # hook goes through hooks.install from its app's AppConfig.ready().
        import ast
        from pathlib import Path

        names = {point.rsplit(".", 1)[1] for point in hooks.REGISTRIES}
        root = Path(hooks.__file__).parent
        found = []
        for path in root.rglob("*.py"):
            if path.name == "hooks.py" and path.parent == root or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                used = None
                if isinstance(node, ast.Name):
                    used = node.id
                elif isinstance(node, ast.Attribute):
                    used = node.attr
                elif isinstance(node, ast.ImportFrom):
                    used = next((a.name for a in node.names if a.name in names), None)
                if isinstance(node, ast.FunctionDef):
                    for deco in node.decorator_list:
                        call = deco.func if isinstance(deco, ast.Call) else deco
                        if getattr(call, "id", getattr(call, "attr", None)) == "receiver":
                            used = "@receiver"  # a signal receiver connected at import
                if used in names or used == "@receiver":
                    found.append(f"{path.relative_to(root.parent)}:{node.lineno}: {used}")
        self.assertEqual(found, [])
