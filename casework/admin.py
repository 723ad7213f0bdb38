# Case content is deliberately absent from the Django admin: platform operators run the
# deployment and never browse cases, persons, notes, indicators or consents.
