from django.apps import AppConfig


class CouplesConfig(AppConfig):
    name = "reattune.couples"
    label = "couples"

    def ready(self):
        from reattune.core.access import register_space_reader
        from reattune.couples.membership import active_space_id, space_for

        register_space_reader(active_space_id, space_for)
