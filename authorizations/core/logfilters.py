"""Log filters: what no log line may carry, whoever wrote it.

A token's stored hash is key material (issue 23 N13). The admin no longer
puts it in an address, but a hand-typed address, a 404's warning or a
library's message could still carry it: the handlers redact it."""

from __future__ import annotations

import logging
import re

# djangorestframework-api-key's stored form, "sha512$$<hex>", and the admin's
# quoting of it in an address ("$" -> "_24").
_KEY_HASH = re.compile(r"(sha512)(?:\$|_24){2}[0-9a-f]{32,}", re.IGNORECASE)
REDACTED = r"\1$$[redacted]"


class RedactKeyMaterial(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _KEY_HASH.search(message):
            record.msg, record.args = _KEY_HASH.sub(REDACTED, message), None
        return True
