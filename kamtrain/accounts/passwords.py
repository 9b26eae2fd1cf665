"""Password hashing with Argon2id (argon2-cffi's tuned defaults)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
MIN_LENGTH = 10


def hash_password(password):
    return _hasher.hash(password)


def verify_password(stored_hash, password):
    if not stored_hash:
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash):
    return _hasher.check_needs_rehash(stored_hash)


# Argon2 work for an unknown user as for a known one, so timing does not reveal who exists.
_DUMMY_HASH = _hasher.hash("kamtrain-timing-equaliser")


def burn_time(password):
    verify_password(_DUMMY_HASH, password)
