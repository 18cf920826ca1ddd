"""JSON from outside (a server's answer, a cache file, the Docker config, a helper's output).

`json.loads` raises RecursionError, not ValueError, for arrays nested past the stack (`[[[[…`),
so every reader of untrusted JSON had to know to catch both; here is the one place that does.
"""

from __future__ import annotations

import json


def loads(data: bytes | str) -> object:
    """The parsed value; ValueError for anything that is not JSON, however it fails."""
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
