# The change log is django-auditlog's LogEntry; access logs and the hash chain come with the
# audit issue.
