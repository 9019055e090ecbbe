from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "reattune.accounts"
    label = "accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from reattune.accounts.actions import remember_session

        def on_login(sender, request, user, **kwargs):
            if request is not None and hasattr(request, "session"):
                remember_session(user, request.session.session_key)

        # weak=False: on_login is local to ready(); a weak reference would die with it.
        user_logged_in.connect(on_login, dispatch_uid="reattune-remember-session", weak=False)
