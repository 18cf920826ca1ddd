"""`dehub lsp`: the language server editors use to lint Dockerfiles and workflows as you type.

The engine already does the work (`dehub.runner.check_bytes`, `dehub.fixer`); this package only
translates between it and the Language Server Protocol, one job per module:

- `positions`: code-point offsets <-> LSP positions (UTF-16 by default, or the encoding the
  client and pygls agreed on), with LSP's idea of a line break.
- `workspace`: which configuration applies to a document, loaded once and reloaded when a
  configuration file changes; configuration errors, kept for display.
- `documents`: what the server knows about one open document, and linting it (kind detection,
  `exclude`, max-file-size, a cache that skips work when nothing changed).
- `diagnostics`: a finding as a Diagnostic, built as plain JSON data (fast to send).
- `markdown`: a rule's documentation as Markdown, for hovers.
- `edits`: text changes as minimal TextEdits and WorkspaceEdits.
- `actions`: code actions (a quick fix per fixable finding, fix all, suppress on this line).
- `worker`: linting off the event loop, one job at a time; a newer text supersedes an older one.
- `framing`: LSP's base protocol read from a broken or hostile byte stream (bounded memory).
- `stdio`: the server on standard input and output with that reader, answering malformed
  JSON-RPC with the proper errors (-32700, -32600, -32602).
- `strict`: the message converter, which checks every value's JSON type instead of converting
  it (a line of "3" is invalid params, not line 3).
- `warmup`: the engine imported and the message types compiled in the worker while it is idle.
- `server`: the pygls wiring: handlers, debounce, publishing, error containment.

pygls is an optional dependency (`pip install '.[lsp]'` in your dehub clone); only `server`
imports it at module level, so the other modules can be tested and benchmarked on their own.
"""
