from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _forget_permission_ids(**kwargs) -> None:
    from casework.permissions import case_permission_id

    case_permission_id.cache_clear()


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        # After a flush the permissions come back under new ids (see ``case_permission_id``).
        post_migrate.connect(_forget_permission_ids, dispatch_uid="casework.forget_permission_ids")
