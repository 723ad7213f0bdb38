from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from audit import guards, registry, security  # noqa: F401 - signal receivers

        registry.register_domain_models()
