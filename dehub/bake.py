"""docker-bake files (`docker-bake.hcl`, `docker-bake.json`, `*.bake.hcl`, ...): the images
BuildKit pulls for a target's named contexts.

HCL files are read by `dehub.hcl`, JSON files by `dehub.jsonc`, both with exact spans; a
file is JSON when its first character (after blanks) is `{`.

Sites: `target.contexts` values `docker-image://<ref>` (BuildKit pulls the image as that
named context; site `build-context`), and `target.dockerfile-inline` (the Dockerfile is in
this file: it is read by the Dockerfile kind, `FROM`, `COPY --from`, `--mount from=` and
`# syntax=`, and each offset is taken back to the bake file). Values are evaluated as bake
does, as far as the file tells: string templates and heredocs of literals and `${NAME}`
where NAME is a `variable` with a `default` (or a top-level attribute); the fix goes on the
default's literal. A default that something besides an image reads too (a tag, an arg, a
second place in an inline Dockerfile) gets an unsafe fix: the fix would change that as well.
Anything else (function calls, operators, matrix values, `target.x.args`) is unknown. A
target that `inherits` another inherits its contexts: each is reported once, where it is
written.

Not read: `target.args` feed the target's Dockerfile (a `FROM ${BASE}` there takes a `BASE`
arg from here), but that Dockerfile is another file, and a kind reads only its own file: such
args are not reported here (the Dockerfile's own `ARG` defaults are checked as a Dockerfile).
An inline Dockerfile is read with its own `ARG` defaults, not the target's `args`, likewise.
Not pulls: `tags` (pushed), `cache-from` / `cache-to` (`type=registry,ref=...`: a cache
import that BuildKit skips when it fails, of your own image, which a mirror has no copy of),
`output`, `context` (a folder or a Git URL).

Suppression: `# dehub ignore=DH001` (or `//`, `/* */`) on its own line covers the next
attribute or block (to its end); at the end of a line it covers that line. JSON has no comments
(bake rejects them there): use the configuration's `allow` or `ignore`.
"""

from __future__ import annotations

from . import hcl, jsonc
from .document import Document, ParseProblem, PragmaComment
from .expand import Budget, fits
from .imageuse import ImageUse
from .source import SourceText
from .value import SYNTHETIC, UNKNOWN, Builder, Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

MAX_INHERIT_VISITS = 100_000  # targets visited for inherited contexts, per file
DOCKER_IMAGE = "docker-image://"
INLINE = "dockerfile-inline"
SITE = "build-context"


def sniff(text: str) -> bool:
    """HCL with a top-level `target "name" {` block, or JSON whose top-level object has a
    `target` object (and nothing but `target`, `group`, `variable`, `function` besides)."""
    stripped = text.lstrip(" \t\r\n\ufeff")
    if stripped.startswith("{"):
        try:
            root = jsonc.parse(text).root
        except jsonc.JsoncError:
            return False
        if not isinstance(root, jsonc.Object):
            return False
        keys = {key.text for key, _ in root.members}
        return "target" in keys and keys <= {"target", "group", "variable", "function"}
    if 'target "' not in text and "target '" not in text:
        return False
    try:
        body = hcl.parse(text).body
    except hcl.HclError:
        return False
    return any(isinstance(item, hcl.Block) and item.type == "target" and item.labels for item in body)


class BakeDocument(Document):
    kind = "bake"

    def __init__(self, source: SourceText) -> None:
        super().__init__(source)
        text = source.text
        self.is_json = text.lstrip(" \t\r\n\ufeff").startswith("{")
        self.hcl: hcl.Parsed | None = None
        self.json: jsonc.Parsed | None = None
        try:
            if self.is_json:
                self.json = jsonc.parse(text)
            else:
                self.hcl = hcl.parse(text)
        except (hcl.HclError, jsonc.JsoncError) as err:
            offset = err.offset
            what = "JSON" if self.is_json else "HCL"
            self.problems.append(
                ParseProblem(offset, min(offset + 1, len(text)), f"not a valid bake file ({what}): {err.message}")
            )

    def pragmas(self) -> list[PragmaComment]:
        from .commentpragmas import add_extent, pragmas

        extents: dict[int, int] = {}
        source = self.source
        if self.hcl is not None:
            comments = list(self.hcl.comments)
            stack: list[hcl.Attribute | hcl.Block] = list(self.hcl.body)
            while stack:
                item = stack.pop()
                add_extent(extents, source, item.start, item.end)
                if isinstance(item, hcl.Block):
                    stack.extend(item.body)
                else:
                    for expr in hcl.walk(item.expr):
                        if isinstance(expr, hcl.ObjectExpr):
                            for key, value in expr.items:
                                add_extent(extents, source, key.start, value.end)
                        elif isinstance(expr, hcl.TupleExpr):
                            for element in expr.items:
                                add_extent(extents, source, element.start, element.end)
        elif self.json is not None:
            comments = self.json.comments
            for node in jsonc.walk(self.json.root):
                if isinstance(node, jsonc.Object):
                    for name, member in node.members:
                        add_extent(extents, source, name.start, member.end)
        else:
            return []
        return pragmas(source, comments, extents)

    def image_uses(self, build_args: dict[str, str]) -> list[ImageUse]:
        if self.hcl is not None:
            return _HclReader(self.hcl, self.source.text).uses()
        if self.json is not None and isinstance(self.json.root, jsonc.Object):
            return _JsonReader(self.json.root, len(self.source.text)).uses()
        return []


def _context_use(value: Value, start: int, end: int) -> ImageUse | None:
    """The image of a `docker-image://` context value, written at [start, end); None for any
    other context (a folder, `target:x`, `oci-layout://`, a URL, or one whose start is unknown)."""
    if not value.text.startswith(DOCKER_IMAGE):
        return None
    cut = len(DOCKER_IMAGE)
    image = Value(value.text[cut:], value.origins[cut:], value.variables, value.unresolved)
    if value.source_run(0, cut) == (start, start + cut):
        start += cut  # the reference as written starts after the scheme
    return ImageUse(SITE, image, start, end)


def _inline_uses(value: Value, start: int, end: int, spans: dict[str, tuple[int, int]]) -> list[ImageUse]:
    """The images a `dockerfile-inline` Dockerfile pulls, read by the Dockerfile kind, with
    every offset taken back to the bake file through the inline text's origins. The target's
    `args` are not passed in: its `FROM ${ARG}` take the Dockerfile's own `ARG` defaults. A
    part bake cannot know (`${VAR}` without a default) is escaped (`\\$`) so that the
    Dockerfile keeps it as written, unknown, rather than expanding it to nothing."""
    from .dockerfile import DockerfileDocument

    chars: list[str] = []
    index: list[int] = []  # position in the text given to the Dockerfile kind -> position in `value`
    for at, (char, origin) in enumerate(zip(value.text, value.origins, strict=True)):
        if char == "$" and origin == UNKNOWN:
            chars.append("\\")
            index.append(at)
        chars.append(char)
        index.append(at)
    document = DockerfileDocument(SourceText("".join(chars)))
    origins = [value.origins[at] for at in index]
    uses = []
    for use in document.image_uses({}):
        inner = use.value
        mapped = [origins[origin] if origin >= 0 else origin for origin in inner.origins]
        use_start, use_end = _written_span(origins, use.start, use.end, start, end)
        fed = [name for name, (first, last) in spans.items() if any(first <= at < last for at in mapped)]
        unknown = tuple(name for name in value.unresolved if "${" + name + "}" in inner.text)
        if UNKNOWN in mapped and not unknown:
            unknown = value.unresolved[:1]
        moved = ImageUse(
            use.site,
            Value(inner.text, mapped, tuple(dict.fromkeys((*fed, *inner.variables))), (*unknown, *inner.unresolved)),
            use_start,
            use_end,
            use.problem,
        )
        uses.append(moved)
    return uses


def _not_named_contexts(uses: list[ImageUse], found: tuple[set[str], bool]) -> list[ImageUse]:
    """Drop the images of an inline Dockerfile that the target's named contexts replace: BuildKit
    looks up `context:<name>` for a `FROM` or `--from` image by its familiar name, `:latest`
    trimmed (`FROM base_image` with `contexts = { base_image = "target:base" }`). When the
    contexts were not all read (`found[1]` False), any other image may be one: unknown (DH003)."""
    keys, complete = found
    if not keys and complete:
        return uses
    kept = [use for use in uses if use.site == "syntax" or _familiar(use.value.text) not in keys]
    return kept if complete else [use if use.site == "syntax" else _maybe_context(use) for use in kept]


def _maybe_context(use: ImageUse) -> ImageUse:
    value = use.value
    unknown = Value(value.text, [UNKNOWN] * len(value.text), value.variables, ("the contexts the target inherits",))
    return ImageUse(use.site, unknown, use.start, use.end, use.problem)


def _familiar(name: str) -> str:
    for prefix in ("docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    return name.removesuffix(":latest")


def _written_span(origins: list[int], first: int, last: int, start: int, end: int) -> tuple[int, int]:
    """Where [first, last) of an inline text is written in the bake file: its characters that
    have a place; when none has (`FROM ${UNSET}`), just after the last one before it."""
    written = [origins[at] for at in range(first, last) if origins[at] >= 0]
    if written:
        return written[0], written[-1] + 1
    before = [origin for origin in origins[:first] if origin >= 0]
    after = [origin for origin in origins[last:] if origin >= 0]
    if before:
        at = before[-1] + 1
        return at, max(at + 1, after[0]) if after else at + 1
    return start, end


def _mark_shared(use: ImageUse, read_elsewhere: set[str], spans: dict[str, tuple[int, int]]) -> None:
    shared = {name: spans[name] for name in use.value.variables if name in read_elsewhere and name in spans}
    if shared:
        use.shared = shared


class _HclReader:
    """Evaluates what a bake HCL file tells: variable defaults and the contexts of targets."""

    def __init__(self, parsed: hcl.Parsed, text: str) -> None:
        self.text = text
        self.defaults: dict[str, hcl.Expr] = {}
        self.targets: list[hcl.Block] = []
        self.by_name: dict[str, list[hcl.Block]] = {}  # a target may be written in several blocks
        self.variable_exprs: list[hcl.Expr] = []
        self.other_exprs: list[hcl.Expr] = []
        # A default is evaluated once, however many references read it (`A1 = "${A0}${A0}"`,
        # `A2 = "${A1}${A1}"`, ... was 2^n evaluations), and values stay within MAX_EXPANDED
        # characters and the file's budget (past them a reference is unknown).
        self.memo: dict[str, Value] = {}
        self.budget = Budget(len(text))
        self._own: dict[str, tuple[set[str], list[str]]] = {}  # `own_keys`, by target name
        self.visits = [MAX_INHERIT_VISITS]
        for item in parsed.body:
            if isinstance(item, hcl.Attribute):
                self.defaults[item.name] = item.expr  # a top-level attribute is a value targets read
                self.variable_exprs.append(item.expr)
            elif item.type == "variable" and item.labels:
                default = item.attribute("default")
                if default is not None:
                    self.defaults[item.labels[0]] = default.expr
                    self.variable_exprs.append(default.expr)
                skip = default.expr if default is not None else None
                self.other_exprs.extend(expr for expr in _attribute_exprs(item) if expr is not skip)  # `validation`
            elif item.type == "target" and item.labels:
                self.targets.append(item)
                self.by_name.setdefault(item.labels[0], []).append(item)
            else:
                self.other_exprs.extend(_attribute_exprs(item))

    def uses(self) -> list[ImageUse]:
        uses: list[ImageUse] = []
        seeds: set[str] = set()
        for target in self.targets:
            contexts = target.attribute("contexts")
            inline = target.attribute(INLINE)
            for item in target.body:
                if isinstance(item, hcl.Block):
                    self.other_exprs.extend(_attribute_exprs(item))
                elif item is inline:
                    # one reference there is the FROM it feeds; more are read by other instructions too
                    counts: dict[str, int] = {}
                    for ref in _refs(item.expr):
                        counts[ref.name] = counts.get(ref.name, 0) + 1
                    seeds.update(name for name, count in counts.items() if count > 1)
                    value = self.evaluate(item.expr, frozenset())
                    inline_uses = _inline_uses(value, item.expr.start, item.expr.end, self.spans())
                    uses.extend(_not_named_contexts(inline_uses, self.context_keys(target.labels[0])))
                elif item is not contexts or not isinstance(item.expr, hcl.ObjectExpr):
                    self.other_exprs.append(item.expr)
            if contexts is None or not isinstance(contexts.expr, hcl.ObjectExpr):
                continue
            for key, expr in contexts.expr.items:
                self.other_exprs.append(key)
                use = self.context(expr)
                if use is None:
                    self.other_exprs.append(expr)
                else:
                    uses.append(use)
        read_elsewhere = self.read_elsewhere(seeds)
        spans = self.spans()
        for use in uses:
            _mark_shared(use, read_elsewhere, spans)
        return uses

    def context_keys(self, name: str) -> tuple[set[str], bool]:
        """The names of a target's named contexts, its own and those it inherits, and whether
        that is all of them (not, past the file's MAX_INHERIT_VISITS)."""
        return _inherited_keys(name, self.own_keys, self.visits)

    def own_keys(self, name: str) -> tuple[set[str], list[str]]:
        """A target's own context names and the targets it inherits (all its blocks), once."""
        found = self._own.get(name)
        if found is None:
            keys: set[str] = set()
            parents: list[str] = []
            for block in self.by_name.get(name, []):
                contexts = block.attribute("contexts")
                if contexts is not None and isinstance(contexts.expr, hcl.ObjectExpr):
                    keys.update(key for key in map(hcl.key_name, (k for k, _ in contexts.expr.items)) if key)
                inherits = block.attribute("inherits")
                if inherits is not None and isinstance(inherits.expr, hcl.TupleExpr):
                    for item in inherits.expr.items:
                        parent = self.evaluate(item, frozenset())
                        if parent.is_known:
                            parents.append(parent.text)
            found = self._own[name] = (keys, parents)
        return found

    def spans(self) -> dict[str, tuple[int, int]]:
        return {name: (expr.start, expr.end) for name, expr in self.defaults.items()}

    def context(self, expr: hcl.Expr) -> ImageUse | None:
        value = self.evaluate(expr, frozenset())
        quoted = isinstance(expr, hcl.Template) and not expr.heredoc
        start, end = (expr.start + 1, expr.end - 1) if quoted else (expr.start, expr.end)
        return _context_use(value, start, end)

    def read_elsewhere(self, seeds: set[str]) -> set[str]:
        """Variables that something besides an image site reads, directly or through another
        variable's default."""
        names = {ref.name for expr in self.other_exprs for ref in _refs(expr)} | seeds
        pending = list(names)
        while pending:
            default = self.defaults.get(pending.pop())
            if default is None:
                continue
            for ref in _refs(default):
                if ref.name not in names:
                    names.add(ref.name)
                    pending.append(ref.name)
        return names

    def evaluate(self, expr: hcl.Expr, seen: frozenset[str]) -> Value:
        if isinstance(expr, hcl.Template):
            parts = expr.parts
            if len(parts) == 1 and isinstance(parts[0], hcl.Expr) and not expr.heredoc:
                return self.evaluate(parts[0], seen)  # `"${X}"` is X
            out = Builder()
            for part in parts:
                if isinstance(part, Value):
                    out.extend(part)
                elif part is None:
                    out.add_unknown("%{...}", "%{...}")
                else:
                    found = self.evaluate(part, seen)
                    if fits(out, found, self.budget):
                        out.extend(found)
                    else:
                        name = part.name if isinstance(part, hcl.Ref) else "..."
                        out.add_unknown("${" + name + "}", name)
            value = out.build()
            return _unindent(value) if expr.flush else value
        if isinstance(expr, hcl.Paren):
            return self.evaluate(expr.inner, seen)
        if isinstance(expr, hcl.Literal) and expr.text != "null":
            return Value.literal(expr.text, expr.start)
        if isinstance(expr, hcl.Ref):
            name = expr.name
            default = self.defaults.get(name)
            if default is not None and name not in seen:
                memo = self.memo.get(name)
                if memo is not None:
                    return memo
                # (a cycle is a bake error: its value is whichever path came first)
                found = self.evaluate(default, seen | {name})
                memo = self.memo[name] = Value(found.text, found.origins, (name, *found.variables), found.unresolved)
                return memo
            return _unknown(name, name)
        written = self.text[expr.start : expr.end]
        if len(written) > 40 or not all(char.isalnum() or char in "._-()[]*" for char in written):
            # shown without blanks or quotes, so that an inline Dockerfile reads it as one word
            is_call = isinstance(expr, hcl.Other) and expr.what == "call"
            written = written[: written.find("(")] + "(...)" if is_call else "..."
        return _unknown(written, written)


def _attribute_exprs(block: hcl.Block) -> list[hcl.Expr]:
    out: list[hcl.Expr] = []
    stack: list[hcl.Attribute | hcl.Block] = list(block.body)
    while stack:
        item = stack.pop()
        if isinstance(item, hcl.Block):
            stack.extend(item.body)
        else:
            out.append(item.expr)
    return out


def _refs(expr: hcl.Expr) -> list[hcl.Ref]:
    return [node for node in hcl.walk(expr) if isinstance(node, hcl.Ref)]


def _unknown(shown: str, name: str) -> Value:
    out = Builder()
    out.add_unknown("${" + shown + "}" if not shown.startswith("$") else shown, name)
    return out.build()


def _unindent(value: Value) -> Value:
    """`<<-EOT`: remove the common leading blanks of the non-blank lines."""
    lines = value.text.split("\n")
    indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
    cut = min(indents, default=0)
    if not cut:
        return value
    chars: list[str] = []
    origins: list[int] = []
    at = 0
    for line in lines:
        skip = min(cut, len(line) - len(line.lstrip(" \t")))
        chars.append(line[skip:])
        origins.extend(value.origins[at + skip : at + len(line)])
        at += len(line)
        if at < len(value.text):
            chars.append("\n")
            origins.append(value.origins[at])
            at += 1
    return Value("".join(chars), origins, value.variables, value.unresolved)


class _JsonReader:
    """The same for the JSON form: `{"variable": {"X": {"default": ...}}, "target": {...}}`;
    strings are templates there too (`${X}`, `$${`)."""

    def __init__(self, root: jsonc.Object, size: int) -> None:
        self.root = root
        self.memo: dict[str, Value] = {}  # each default evaluated once, as in _HclReader
        self.budget = Budget(size)
        self.visits = [MAX_INHERIT_VISITS]
        self.defaults: dict[str, jsonc.Node] = {}
        for name, variable in _blocks(root.get("variable")):
            default = variable.get("default") if isinstance(variable, jsonc.Object) else None
            if default is not None:
                self.defaults[name] = default

    def uses(self) -> list[ImageUse]:
        uses: list[ImageUse] = []
        site_nodes: set[int] = set()
        targets = _blocks(self.root.get("target"))
        own_keys = _JsonTargets(targets).own_keys
        for name, target in targets:
            inline = target.get(INLINE)
            if isinstance(inline, jsonc.String):
                spans = {name: (node.start, node.end) for name, node in self.defaults.items()}
                inline_uses = _inline_uses(self.evaluate(inline, frozenset()), inline.start, inline.end, spans)
                uses.extend(_not_named_contexts(inline_uses, _inherited_keys(name, own_keys, self.visits)))
                site_nodes.add(id(inline))
            contexts = target.get("contexts")
            if not isinstance(contexts, jsonc.Object):
                continue
            for _, node in contexts.members:
                if isinstance(node, jsonc.String):
                    use = _context_use(self.evaluate(node, frozenset()), node.start + 1, node.end - 1)
                    if use is not None:
                        uses.append(use)
                        site_nodes.add(id(node))
        read_elsewhere = self.read_elsewhere(site_nodes)
        spans = {name: (node.start, node.end) for name, node in self.defaults.items()}
        for use in uses:
            _mark_shared(use, read_elsewhere, spans)
        return uses

    def read_elsewhere(self, site_nodes: set[int]) -> set[str]:
        defaults = {id(node) for node in self.defaults.values()}
        names: set[str] = set()
        for node in jsonc.walk(self.root):
            if isinstance(node, jsonc.String) and id(node) not in site_nodes and id(node) not in defaults:
                names.update(_json_refs(node.text))
        pending = list(names)
        while pending:
            default = self.defaults.get(pending.pop())
            if isinstance(default, jsonc.String):
                for name in _json_refs(default.text):
                    if name not in names:
                        names.add(name)
                        pending.append(name)
        return names

    def evaluate(self, node: jsonc.Node, seen: frozenset[str]) -> Value:
        if isinstance(node, jsonc.Scalar) and node.text != "null":
            return Value.literal(node.text, node.start)
        if not isinstance(node, jsonc.String):
            return _unknown("${...}", "a value")
        value = node.value
        text = value.text
        out = Builder()
        at = 0
        while at < len(text):
            if text.startswith("$${", at):
                out.add("$", SYNTHETIC)
                out.add("{", SYNTHETIC)
                at += 3
                continue
            if text.startswith("${", at):
                close = text.find("}", at + 2)
                if close == -1:
                    break
                name = text[at + 2 : close].strip()
                default = self.defaults.get(name)
                found = self.memo.get(name) if default is not None and name not in seen else None
                if default is not None and name not in seen and found is None:
                    evaluated = self.evaluate(default, seen | {name})
                    found = Value(evaluated.text, evaluated.origins, (name, *evaluated.variables), evaluated.unresolved)
                    self.memo[name] = found
                if found is not None and fits(out, found, self.budget):
                    out.extend(found)
                else:
                    out.add_unknown(text[at : close + 1], name)
                at = close + 1
                continue
            out.add(text[at], value.origins[at])
            at += 1
        for index in range(at, len(text)):
            out.add(text[index], value.origins[index])
        return out.build()


class _JsonTargets:
    """A JSON bake file's targets by name, for `_inherited_keys`."""

    def __init__(self, targets: list[tuple[str, jsonc.Object]]) -> None:
        self.by_name: dict[str, list[jsonc.Object]] = {}
        for label, body in targets:
            self.by_name.setdefault(label, []).append(body)

    def own_keys(self, name: str) -> tuple[set[str], list[str]]:
        keys: set[str] = set()
        parents: list[str] = []
        for body in self.by_name.get(name, []):
            contexts = body.get("contexts")
            if isinstance(contexts, jsonc.Object):
                keys.update(key.text for key, _ in contexts.members)
            inherits = body.get("inherits")
            if isinstance(inherits, jsonc.Array):
                parents.extend(item.text for item in inherits.items if isinstance(item, jsonc.String))
        return keys, parents


def _inherited_keys(
    name: str, own_keys: Callable[[str], tuple[set[str], list[str]]], visits: list[int]
) -> tuple[set[str], bool]:
    """The context names of target `name` and of every target it inherits, directly or not,
    and whether that is all of them.

    A walk with a stack, not recursion (a chain of 8,000 `inherits` overflowed Python's stack),
    and within the file's `visits` (MAX_INHERIT_VISITS): each target with an inline Dockerfile
    walks its ancestors, so a long chain of them would be quadratic. Past it, the names found
    so far (the target's own always) and False.
    """
    keys: set[str] = set()
    seen = {name}
    pending = [name]
    while pending:
        visits[0] -= 1
        if visits[0] < 0 and len(seen) > 1:
            return keys, False
        own, parents = own_keys(pending.pop())
        keys |= own
        for parent in parents:
            if parent not in seen:
                seen.add(parent)
                pending.append(parent)
    return keys, True


def _blocks(node: jsonc.Node | None) -> list[tuple[str, jsonc.Object]]:
    """`{"name": {...}}` (or a list of such objects, as HCL's JSON form allows) -> (name, body)."""
    objects = node.items if isinstance(node, jsonc.Array) else [node]
    out = []
    for item in objects:
        if isinstance(item, jsonc.Object):
            for key, body in item.members:
                if isinstance(body, jsonc.Object):
                    out.append((key.text, body))
    return out


def _json_refs(text: str) -> list[str]:
    names = []
    at = text.find("${")
    while at != -1:
        close = text.find("}", at)
        if close == -1:
            break
        if at == 0 or text[at - 1] != "$":  # `$${` is a literal
            names.append(text[at + 2 : close].strip())
        at = text.find("${", close)
    return names


def parse(source: SourceText) -> BakeDocument:
    return BakeDocument(source)
