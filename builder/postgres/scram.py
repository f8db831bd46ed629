"""SCRAM-SHA-256 verifiers: a login's password is sent to the server as the verifier it stores, so
the plaintext never reaches the server, its logs or its statistics."""

import base64
import hashlib
import hmac
import secrets

ITERATIONS = 4096  # Postgres's own default (scram_iterations)


def verifier(password: str, iterations: int = ITERATIONS) -> str:
    """The string Postgres keeps in pg_authid.rolpassword for `password` (a new random salt)."""
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    b64 = base64.b64encode
    return f"SCRAM-SHA-256${iterations}:{b64(salt).decode()}${b64(stored_key).decode()}:{b64(server_key).decode()}"


def matches(password: str, stored: str | None) -> bool:
    """Whether `stored` (a SCRAM verifier) is the verifier of `password`."""
    try:
        head, keys = (stored or "").split("$", 2)[1:]
        iterations, salt = head.split(":")
        stored_key = keys.split(":")[0]
    except ValueError:
        return False
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    return hmac.compare_digest(base64.b64encode(hashlib.sha256(client_key).digest()).decode(), stored_key)
