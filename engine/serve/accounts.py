"""Learners of a served class and their sign-in codes.

``lectio learners add NAME`` makes a random code (96 bits, URL-safe) and keeps only its SHA-256
digest in the store, so a copy of the database does not let anyone sign in. A code is long and
random, which is why a fast digest suffices (a slow password hash guards guessable secrets).
The code is the learner's to keep; ``lectio learners reset NAME`` replaces it.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from engine.store.base import Accounts, StoreError

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
"""A learner name: letters, digits, ``.``, ``_``, ``-``; at most 64; not starting with a sign."""
MAX_CODE = 64


def new_code() -> str:
    return secrets.token_urlsafe(12)


def digest(code: str) -> str:
    return hashlib.sha256(b"lectio-learner-code:" + code.encode()).hexdigest()


def accounts(store: object) -> Accounts:
    if not isinstance(store, Accounts):
        raise StoreError("this store keeps no learner accounts")
    return store


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise StoreError(
            f"{name!r}: a learner name is 1 to 64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def add_learner(store: object, name: str) -> str:
    """A new learner; their code (shown once: only its digest is kept)."""
    code = new_code()
    accounts(store).add_learner(check_name(name), digest(code))
    return code


def reset_learner(store: object, name: str) -> str:
    code = new_code()
    if not accounts(store).set_learner_secret(name, digest(code)):
        raise StoreError(f"{name}: no such learner (lectio learners add {name})")
    return code


def sign_in(store: object, code: str) -> str | None:
    """The learner whose code this is, else None (any text is safe to pass)."""
    code = code.strip()
    if not code or len(code) > MAX_CODE:
        return None
    return accounts(store).learner_for_secret(digest(code))
