from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "reattune.accounts"
    label = "accounts"

    def ready(self):
        from reattune.hooks import install

        install(self.label)  # the user_logged_in receiver (reattune/hooks.py)
