"""Every write to case content. Keyword-only, ``actor=`` explicit, atomic, validated.

Each service authorizes through the ``restrict`` choke point itself, so a command or a task that
calls it cannot bypass the rules a view would apply.
"""

from casework.services.cases import case_assign, case_create, case_update
from casework.services.consents import consent_record, consent_withdraw
from casework.services.errors import VersionConflict
from casework.services.parts import indicator_add, need_add, need_update, note_add, note_amend, person_add
from casework.services.persons import person_update
from casework.services.tasks import task_complete, task_create, task_reopen, task_update
from casework.services.withdrawals import consent_withdraw_with_reason

__all__ = [
    "VersionConflict",
    "case_assign",
    "case_create",
    "case_update",
    "consent_record",
    "consent_withdraw",
    "consent_withdraw_with_reason",
    "indicator_add",
    "need_add",
    "need_update",
    "note_add",
    "note_amend",
    "person_add",
    "person_update",
    "task_complete",
    "task_create",
    "task_reopen",
    "task_update",
]
