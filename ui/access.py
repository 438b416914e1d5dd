"""Who may change the library: readers ask, read and quiz; administrators also upload and remove documents.

Users live in a JSON file (`users_file` setting; `speechqa user NAME --role admin|reader` writes it) with scrypt
password hashes. With no users, the app serves one local user, the administrator, and only on a loopback address:
started on any other address without users it refuses to start. Every library change is recorded in the library's
change log (ingest/audit.py; `speechqa changes` shows it). The users file is read again when it changes: a user
added, demoted or removed counts from the next request (adding the first user needs a restart, which turns sign-in
on).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ADMIN, READER = "admin", "reader"
ROLES = (ADMIN, READER)
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
LOCAL_USER = "本机用户"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # scrypt's interactive-login parameters (16 MiB, ~50 ms a check)


class AccessError(Exception):
    """A configuration the app must not start with; the message says why and what to do."""


def hash_password(password: str, salt: bytes | None = None) -> str:
    """'scrypt$<salt hex>$<hash hex>' (standard library: no password package ships a better default here)."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    scheme, salt, _ = (stored.split("$") + ["", ""])[:3]
    return scheme == "scrypt" and hmac.compare_digest(hash_password(password, bytes.fromhex(salt)), stored)


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password_hash: str


def load_users(path: Path | None) -> dict[str, User]:
    """The users file ({"name": {"role": …, "password": hash}}); none configured = no users."""
    if path is None or not path.exists():
        return {}
    entries = json.loads(path.read_text(encoding="utf-8"))
    users = {name: User(name, e["role"], e["password"]) for name, e in entries.items()}
    unknown = sorted(u.name for u in users.values() if u.role not in ROLES)
    if unknown:
        raise AccessError(f"{path}: unknown role for {', '.join(unknown)} (roles: {', '.join(ROLES)})")
    return users


def save_user(path: Path, name: str, role: str, password: str) -> None:
    """Add or change one user in the users file."""
    if role not in ROLES:
        raise AccessError(f"unknown role {role!r} (roles: {', '.join(ROLES)})")
    entries = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    entries[name] = {"role": role, "password": hash_password(password)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(entries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


@dataclass
class Access:
    users: dict[str, User]
    users_file: Path | None = None  # read again when its modification time changes
    _stamp: float | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._stamp = self._file_stamp()

    @classmethod
    def for_host(cls, users: dict[str, User], host: str, users_file: Path | None = None) -> Access:
        """The access rules to serve with, or AccessError when serving this host without users is unsafe."""
        if not users and host not in LOOPBACK:
            raise AccessError(
                f"refusing to serve on {host} without users: anyone who can reach it could change the library. "
                "Add users (speechqa user NAME --role admin) or serve on 127.0.0.1."
            )
        return cls(users, users_file)

    def _file_stamp(self) -> float | None:
        return self.users_file.stat().st_mtime if self.users_file and self.users_file.exists() else None

    def _current(self) -> dict[str, User]:
        stamp = self._file_stamp()
        if stamp != self._stamp and self.users_file is not None:
            # a half-written or broken file: keep the last good users (and read it again next time)
            with contextlib.suppress(AccessError, ValueError, KeyError):
                self.users, self._stamp = load_users(self.users_file), stamp
        return self.users

    def login(self, name: str, password: str) -> bool:
        """Gradio's auth callable. An unknown name costs the same scrypt check, so timing does not reveal names."""
        user = self._current().get(name)
        matches = password_matches(password, user.password_hash if user else _UNKNOWN_USER_HASH)
        return user is not None and matches

    def who(self, request: Any) -> str:
        """The signed-in name (the local user when there are no users)."""
        return (getattr(request, "username", None) or "") if self._current() else LOCAL_USER

    def may_change_library(self, request: Any) -> bool:
        if not self._current():
            return True  # one local user, on loopback only (for_host)
        user = self.users.get(self.who(request))
        return user is not None and user.role == ADMIN


_UNKNOWN_USER_HASH = hash_password(secrets.token_hex(16))
