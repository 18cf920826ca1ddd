"""Wildcard matching for image patterns (`myorg/*`) and path globs (`vendor/**`).

Hand-written rather than fnmatch: fnmatch compiles regular expressions, and importing `re`
alone costs more than dehub's whole single-file check.
"""

from __future__ import annotations


def wildcard(pattern: str, text: str) -> bool:
    """`*` matches any run of characters (slashes too), `?` any one character."""
    if "*" not in pattern and "?" not in pattern:
        return pattern == text
    p = t = 0
    star = -1
    mark = 0
    while t < len(text):
        if p < len(pattern) and (pattern[p] == "?" or pattern[p] == text[t]):
            p += 1
            t += 1
        elif p < len(pattern) and pattern[p] == "*":
            star = p
            mark = t
            p += 1
        elif star != -1:
            p = star + 1
            mark += 1
            t = mark
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


def path_matches(pattern: str, path: str) -> bool:
    """Whether a `/`-separated relative path is covered by an exclude pattern (gitignore-like).

    `*` and `?` stay within one path segment, `**` spans any number of segments (zero too);
    a pattern without a `/` (other than a trailing one) matches at any depth; a pattern that
    matches a folder covers everything below it (`build` excludes `build/Dockerfile`).
    """
    pattern = pattern.strip()
    while pattern.startswith("./"):
        pattern = pattern[2:]
    anchored = "/" in pattern.rstrip("/")
    segments = [segment for segment in pattern.strip("/").split("/") if segment]
    if not segments:
        return False
    if not anchored:
        segments.insert(0, "**")
    segments.append("**")
    return _segments_match(tuple(segments), tuple(path.split("/")), {})


def tail_matches(pattern: str, path: str) -> bool:
    """Whether a `/`-separated path ends with what `pattern` describes (`*` and `?` within a
    segment, `**` any number of segments): `.github/workflows/*.yml` matches
    `app/.github/workflows/ci.yml`, not `.github/workflows/old/ci.yml`."""
    segments = ("**", *(segment for segment in pattern.split("/") if segment))
    return _segments_match(segments, tuple(path.split("/")), {})


def _segments_match(pattern: tuple[str, ...], parts: tuple[str, ...], memo: dict[tuple[int, int], bool]) -> bool:
    key = (len(pattern), len(parts))
    found = memo.get(key)
    if found is not None:
        return found
    if not pattern:
        found = not parts
    elif pattern[0] == "**":
        found = any(_segments_match(pattern[1:], parts[index:], memo) for index in range(len(parts) + 1))
    else:
        found = bool(parts) and _segment(pattern[0], parts[0]) and _segments_match(pattern[1:], parts[1:], memo)
    memo[key] = found
    return found


def _segment(pattern: str, part: str) -> bool:
    """One path segment: `**` inside a segment (`a**b`) acts as `*`."""
    return wildcard(pattern.replace("**", "*"), part)
