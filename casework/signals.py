"""What casework tells the rest of the deployment, without knowing who listens.

Sharing subscribes in its ``AppConfig.ready``; casework never imports sharing. Both are sent by
the services inside their transaction, so a receiver's writes commit or roll back with the change.
"""

from django.dispatch import Signal

# A case or one of its parts changed. Kwargs: ``case_id``.
case_changed = Signal()

# A consent was withdrawn (the consent row is locked by the sender). Kwargs: ``consent``, ``actor``.
# Receivers return how many shares they ended, reported in the ``consent.withdrawn`` event.
consent_withdrawn = Signal()
