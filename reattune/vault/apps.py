from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "reattune.vault"
    label = "vault"
    verbose_name = "Vault (end-to-end encrypted)"

    def ready(self):
        from reattune.hooks import install

        # Pages ask core.request_context.vault_rest(request), which reads vault.rest.
        install(self.label)
