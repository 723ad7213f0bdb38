from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "sharing"
    verbose_name = "Sharing"

    def ready(self) -> None:
        # Casework announces changes; sharing turns them into new versions of live shares.
        from casework import signals
        from sharing.services import outbox, shares

        signals.case_changed.connect(outbox.on_case_changed, dispatch_uid="sharing.case_changed")
        signals.consent_withdrawn.connect(shares.on_consent_withdrawn, dispatch_uid="sharing.consent_withdrawn")
