from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "reattune.vault"
    label = "vault"
    verbose_name = "Vault (end-to-end encrypted)"
