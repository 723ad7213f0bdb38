"""A dedicated hasher for OAuth2 client secrets.

Client secrets are 36 random bytes (``secrets.token_urlsafe(36)``, 288 bits): nobody can guess
them, so key stretching (PBKDF2's 10⁶ iterations, ~0.4 s of CPU a check) protects nothing and
turns every wrong secret sent to ``POST /o/token/`` into a cheap way to burn the server's CPU —
and, since an unknown client id was answered without hashing at all, into an oracle for which
client ids exist. A salted SHA-256 is enough for a secret of that entropy: a leaked hash cannot
be reversed by brute force. Passwords of people keep Django's PBKDF2.

The hash is computed here and stored with ``hash_client_secret=False`` (django-oauth-toolkit
would otherwise run it through ``PASSWORD_HASHERS`` again); ``accounts.oauth`` verifies it. It
is not in ``PASSWORD_HASHERS``, so no person's password can ever be stored or checked with it.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.crypto import constant_time_compare

ALGORITHM = "cb_client_sha256"


class ClientSecretHasher(BasePasswordHasher):
    algorithm = ALGORITHM

    def encode(self, password, salt):
        self._check_encode_args(password, salt)
        digest = hashlib.sha256(f"{salt}${password}".encode()).hexdigest()
        return f"{self.algorithm}${salt}${digest}"

    def decode(self, encoded):
        algorithm, salt, digest = encoded.split("$", 2)
        assert algorithm == self.algorithm
        return {"algorithm": algorithm, "hash": digest, "salt": salt}

    def verify(self, password, encoded):
        decoded = self.decode(encoded)
        return constant_time_compare(encoded, self.encode(password, decoded["salt"]))

    def safe_summary(self, encoded):
        decoded = self.decode(encoded)
        return {
            "algorithm": decoded["algorithm"],
            "salt": mask_hash(decoded["salt"]),
            "hash": mask_hash(decoded["hash"]),
        }

    def harden_runtime(self, password, encoded):
        pass

    def must_update(self, encoded):
        return False


CLIENT_SECRET_HASHER = ClientSecretHasher()


def hash_client_secret(secret: str) -> str:
    return CLIENT_SECRET_HASHER.encode(secret, CLIENT_SECRET_HASHER.salt())


# What an unknown client id is checked against, so that it costs what a known one costs.
DUMMY_ENCODED = CLIENT_SECRET_HASHER.encode("not-a-client-secret", "cbdummysalt0000000000")
