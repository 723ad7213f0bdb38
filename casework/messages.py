"""The services' refusals, in the reader's language.

The services (shared with the API) word their ``ValidationError`` messages in English. The browser
shows the same words, translated: the messages are listed here so that ``makemessages`` collects
them, and ``localize`` looks each one up in the catalogue when a form shows it. Messages that quote
what was typed are recognised by their error code instead.
"""

from django.utils.translation import gettext, gettext_noop

SERVICE_MESSAGES = [
    gettext_noop("A date of birth cannot be in the future."),
    gettext_noop("Enter an age between 0 and 120."),
    gettext_noop("A note needs a body."),
    gettext_noop("An amendment belongs to the case of the note it amends."),
    gettext_noop("The person is not a party to this case."),
    gettext_noop("Consent is given by (or for) a survivor."),
    gettext_noop("A minor's consent is given by a guardian (method 'guardian')."),
    gettext_noop("Name at least one sector or organization the consent covers."),
    gettext_noop("Unknown organization."),
    gettext_noop("Consent cannot be given in the future."),
    gettext_noop("Must be after given_at."),
    gettext_noop("Cases can only be assigned to caseworkers and supervisors of your organization."),
    gettext_noop("Unknown team."),
    gettext_noop("Only a supervisor assigns cases."),
    gettext_noop("At least one value is required."),
    gettext_noop("Say why the consent is withdrawn."),
    gettext_noop("Enter a phone number."),
    gettext_noop("Enter a handle."),
    gettext_noop("Enter a value."),
]

BY_CODE = {
    "invalid_phone": gettext_noop("This is not a phone number we can read. Include the country code if it is foreign."),
    "invalid_url": gettext_noop("This is not a web address we can read."),
}


def localize(error) -> str:
    """One ``ValidationError`` (with its code and parameters) as the reader's language says it."""
    if getattr(error, "code", None) in BY_CODE:
        return gettext(BY_CODE[error.code])
    message = error.message % error.params if getattr(error, "params", None) else error.message
    return gettext(str(message))
