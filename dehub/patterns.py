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
    """Whether a `/`-separated relative path is covered by an exclude pattern.

    A pattern matches the whole path, or a leading directory of it (`build` excludes
    `build/Dockerfile`); a pattern without `/` also matches any single path component.
    """
    pattern = pattern.replace("**", "*").strip("/")
    if pattern.startswith("./"):
        pattern = pattern[2:]
    if wildcard(pattern, path):
        return True
    parts = path.split("/")
    for index in range(1, len(parts)):
        if wildcard(pattern, "/".join(parts[:index])):
            return True
    if "/" not in pattern:
        return any(wildcard(pattern, part) for part in parts)
    return False
