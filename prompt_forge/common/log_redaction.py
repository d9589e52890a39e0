"""Keep credentials out of log files.

WebSocket clients authenticate with `?token=<JWT>`, and uvicorn logs the path with its query
string (its access log, and its "WebSocket ... [accepted]" line). This filter rewrites every
record before any handler formats it.
"""

import logging
import re

REDACTED = "[redacted]"
_TOKEN_PARAM = re.compile(r"((?:^|[?&;\s])(?:token|access|refresh|access_token|refresh_token)=)[^&\s\"']+", re.I)
# A JWT anywhere else (three base64url parts, the first one a JSON header: "eyJ").
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+")


def redact(text: str) -> str:
    return _JWT.sub(REDACTED, _TOKEN_PARAM.sub(rf"\g<1>{REDACTED}", text))


def _redact_value(value):
    return redact(value) if isinstance(value, str) else value


class RedactTokensFilter(logging.Filter):
    """Redact tokens in the message and in each argument, keeping the arguments' shape.

    uvicorn's access formatter unpacks `record.args`, so they stay a tuple of the same length.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_value(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redact_value(value) for key, value in record.args.items()}
        return True
