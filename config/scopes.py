"""The OAuth2 scopes of the partner API: one list, read by settings, permissions and the schema."""

SCOPES = {
    "cases:read": "Read cases and their parts",
    "cases:write": "Create and change cases and their parts",
    "shares:read": "Read outgoing shares",
    "shares:write": "Request, approve and revoke shares",
    "inbox:read": "Read received shared records",
    "inbox:write": "Acknowledge, accept and decline received records",
    "audit:read": "Read the audit trail and its flags",
    "audit:write": "Review audit flags",
}
