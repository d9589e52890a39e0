"""SECRET_KEY: from the environment, or generated on first start and kept in DATA_DIR (mode 0600).

A public or short key lets anyone sign login tokens, so it is refused whenever the server is reachable
beyond loopback or DEBUG is off. See README "Secret key" for rotating it.
"""

import ipaddress
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# Values shipped in earlier examples and documentation: public, so never secret.
EXAMPLE_SECRET_KEYS = {"my_super_secret_key", "change-me", "changeme", "secret"}
MIN_SECRET_KEY_LENGTH = 50
KEY_FILE_NAME = "secret_key"


def stored_secret_key(data_dir: Path) -> str:
    """The key kept in `data_dir`, written first (atomically, mode 0600) if there is none yet."""
    path = data_dir / KEY_FILE_NAME
    if path.exists():
        key = path.read_text().strip()
        if key:
            return key
    candidate = data_dir / f".{KEY_FILE_NAME}.{os.getpid()}"
    descriptor = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_urlsafe(64) + "\n")
    try:
        # A hard link never replaces an existing file: when workers start together, the first key wins.
        os.link(candidate, path)
    except FileExistsError:
        pass
    finally:
        candidate.unlink()
    return path.read_text().strip()


def is_loopback(binds: str) -> bool:
    """Whether bind addresses such as 127.0.0.1:8000,[::1]:8000 or localhost are only reachable locally."""
    return bool(binds) and all(_is_loopback(bind.strip()) for bind in binds.split(","))


def _is_loopback(bind: str) -> bool:
    host = bind.rsplit(":", 1)[0] if bind.count(":") == 1 or bind.startswith("[") else bind
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name, a unix socket path we cannot judge, or nothing: assume reachable


def weak_key_reason(key: str) -> str | None:
    if key in EXAMPLE_SECRET_KEYS:
        return "is the public example value"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"is shorter than {MIN_SECRET_KEY_LENGTH} characters"
    return None


def check_key(name: str, key: str, *, debug: bool, bind: str) -> None:
    """Refuse a weak key unless this is a debug server bound to loopback only."""
    reason = weak_key_reason(key)
    if reason and (not debug or not is_loopback(bind)):
        where = "DEBUG is off" if not debug else f"the server listens on {bind or 'an unknown address'}"
        raise ImproperlyConfigured(
            f"{name} {reason} and {where}: refusing to start (anyone could sign login tokens). Unset it to "
            "have a key generated and kept in DATA_DIR, or set a long random value, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
