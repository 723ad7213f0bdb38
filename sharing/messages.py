"""The sharing services' refusals, in the reader's language.

The services (shared with the API) word their ``ValidationError`` messages in English and quote
what they refer to (an organization's slug, a purpose, a status). The browser shows the same
refusal in words: each message is recognised by its pattern, and said again from the catalogue
with the purpose or status by its label.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_noop

from casework.messages import localize as localize_casework
from sharing.choices import Purpose, RecordStatus, ShareStatus

PATTERNS = [
    (
        r"No active sharing agreement with (?P<org>[\w-]+) covers the purpose '(?P<purpose>\w+)'\.",
        gettext_noop(
            "No active sharing agreement with %(org)s covers the purpose “%(purpose)s”. "
            "Choose another purpose, or ask your organization admin about the agreement."
        ),
    ),
    (
        r"The agreement with (?P<org>[\w-]+) does not cover the case summary\.",
        gettext_noop("The agreement with %(org)s does not cover the case summary, so nothing can be shared with it."),
    ),
    (
        r"The consent does not cover (?P<org>[\w-]+) or its sector\.",
        gettext_noop("This consent does not cover %(org)s or its sector."),
    ),
    (
        r"The consent was given for '(?P<given>\w+)', not '(?P<purpose>\w+)'\.",
        gettext_noop("This consent was given for “%(given)s”, not for “%(purpose)s”."),
    ),
    (
        r"The share is (?P<status>\w+), not awaiting approval\.",
        gettext_noop("The share is %(status)s, not awaiting approval."),
    ),
    (r"The share is already (?P<status>\w+)\.", gettext_noop("The share is already %(status)s.")),
    (
        r"The record is (?P<rstatus>\w+); it cannot be (?P<verb>acknowledged|accepted|declined)\.",
        gettext_noop("The record is %(rstatus)s; it can no longer be answered."),
    ),
]
FIXED = [
    gettext_noop("A share on the basis of consent names the consent."),
    gettext_noop("That consent belongs to another case."),
    gettext_noop("That consent is withdrawn, expired or not yet given."),
    gettext_noop("A consent is only named for a share on the basis of consent."),
    gettext_noop("An emergency share needs a written justification."),
    gettext_noop("A mandatory report goes to law enforcement or child welfare only."),
    gettext_noop("A mandatory report needs a minor in the case."),
    gettext_noop("A case is not shared with its own organization."),
    gettext_noop("Only a supervisor approves a share."),
    gettext_noop("A share is approved by someone other than the account that requested it."),
    gettext_noop("Say why the record is declined."),
    gettext_noop("Only a supervisor assigns inbox items."),
    gettext_noop("Assign to a caseworker or supervisor of your organization."),
]


def _label(kind, code: str) -> str:
    try:
        return str(kind(code).label)
    except ValueError:
        return code


def localize(error) -> str:
    message = error.message % error.params if getattr(error, "params", None) else str(error.message)
    for pattern, template in PATTERNS:
        match = re.fullmatch(pattern, message)
        if match:
            values = match.groupdict()
            for key in ("purpose", "given"):
                if key in values:
                    values[key] = _label(Purpose, values[key])
            if "status" in values:
                values["status"] = _label(ShareStatus, values["status"]).lower()
            if "rstatus" in values:
                values["rstatus"] = _label(RecordStatus, values["rstatus"]).lower()
            return gettext(template) % values
    return localize_casework(error)


def localized_messages(exc: ValidationError) -> list[str]:
    """Every message of a refusal, whether it names fields or not."""
    if hasattr(exc, "error_dict"):
        return [localize(e) for errors in exc.error_dict.values() for e in ValidationError(errors).error_list]
    return [localize(e) for e in exc.error_list]
