"""`dehub inventory`: every image each workflow job pulls, and the Docker Hub pulls one run makes.

The number a platform team compares with Docker Hub's anonymous quota (per IP address and
time window: `dehub explain limits`): per job, the job container, services, `docker://`
steps, `run:` pulls and the images actions pull by default (setup-buildx's BuildKit), each
once per matrix combination that pulls it; summed per workflow. Images dehub cannot resolve
are listed as unknown and not counted; a matrix that is not static counts as one
combination, and the total says "at least".

An image that may be any of several (`${{ github.event_name == 'push' && 'node:20' ||
'node:18' }}`) lists each, with the combinations that may pull it; a run pulls one of them, so
they count once per combination: as a Docker Hub pull when all of them are, and not at all,
with the total "at least", when only some are.
"""

from __future__ import annotations

from .document import Document
from .kinds import PIPELINE_NAMES
from .policy import NOT_HUB, Policy
from .reference import ReferenceError, parse
from .resolve import Subject, resolve
from .source import SourceText

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypedDict

    from typing_extensions import Required

    class PullEntry(TypedDict):
        image: str
        site: str
        phase: str
        line: int
        column: int
        combinations: int  # matrix combinations that pull it
        docker_hub: bool | None  # None: unknown

    class JobEntry(TypedDict):
        job: str
        line: int
        column: int
        matrix_size: int | None  # None: the matrix is not static
        pulls: list[PullEntry]
        docker_hub_pulls_per_run: int

    class FileEntry(TypedDict, total=False):
        """A file's inventory, or (with `error` and no counts) a file that could not be read."""

        path: Required[str]
        kind: Required[str]
        jobs: list[JobEntry]
        docker_hub_pulls_per_run: int
        exact: bool
        error: str

INVENTORY_KINDS = PIPELINE_NAMES  # kinds with jobs and steps


def file_inventory(path: str, document: Document, policy: Policy) -> FileEntry:
    """One file's entry: its jobs, each job's pulls, and the per-run Docker Hub pull count."""
    source = document.source
    jobs: list[JobEntry] = []
    exact = not document.problems
    for job in document.pipeline.jobs if document.pipeline is not None else ():
        pulls: dict[tuple[object, ...], PullEntry] = {}
        hub = 0
        for run in job.runs:
            choices: dict[tuple[object, ...], list[bool | None]] = {}  # where it is written -> its images
            for use in run:
                key = (use.site, use.start, use.end, use.value.text)
                entry = pulls.get(key)
                if entry is None:
                    phase = use.context.phase.value if use.context is not None else "step"
                    hub_pull = _is_hub(resolve(use, policy))
                    entry = pulls[key] = _entry(use.site, use.value.text, phase, use.start, source, hub_pull)
                entry["combinations"] += 1
                choices.setdefault((use.site, use.start, use.end), []).append(entry["docker_hub"])
            for verdicts in choices.values():
                hub += all(verdicts)
                exact = exact and len(set(verdicts)) == 1  # Docker Hub in some runs only: at least 0
        for hidden in job.hidden:  # one per matrix combination that pulls it
            hidden_key = ("hidden", hidden.start, hidden.image)
            entry = pulls.get(hidden_key)
            if entry is None:
                hub_pull = _hidden_is_hub(hidden.image, policy)
                entry = pulls[hidden_key] = _entry(hidden.action, hidden.image, "step", hidden.start, source, hub_pull)
            entry["combinations"] += 1
            hub += bool(entry["docker_hub"])
        listed = sorted(pulls.values(), key=lambda entry: (entry["line"], entry["column"]))
        line, column = source.position(job.start)
        jobs.append(
            {
                "job": job.id,
                "line": line,
                "column": column,
                "matrix_size": job.combinations,
                "pulls": listed,
                "docker_hub_pulls_per_run": hub,
            }
        )
    total = sum(job["docker_hub_pulls_per_run"] for job in jobs)
    exact = (
        exact
        and all(job["matrix_size"] is not None for job in jobs)
        and not any(pull["docker_hub"] is None for job in jobs for pull in job["pulls"])
    )
    return {"path": path, "kind": document.kind, "jobs": jobs, "docker_hub_pulls_per_run": total, "exact": exact}


def _entry(site: str, image: str, phase: str, start: int, source: SourceText, docker_hub: bool | None) -> PullEntry:
    line, column = source.position(start)
    return {
        "image": image, "site": site, "phase": phase, "line": line, "column": column, "combinations": 0,
        "docker_hub": docker_hub,
    }  # fmt: skip


def _is_hub(subject: Subject) -> bool | None:
    """True for a Docker Hub pull (allowed ones included: they still count), None when unknown."""
    decision = subject.decision
    if decision is None:
        return False if subject.registry is not None else None
    return decision.verdict != NOT_HUB


def _hidden_is_hub(image: str, policy: Policy) -> bool | None:
    try:
        return policy.decide(parse(image)).verdict != NOT_HUB
    except ReferenceError:
        return None


def render_text(files: list[FileEntry]) -> str:
    """The inventory for a person; file names, job names and image text shown printable
    (report.printable): they come from the repository."""
    from .report.printable import printable

    out = []
    grand = 0
    for entry in files:
        out.append(f"{printable(entry['path'])} ({entry['kind']})")
        if "error" in entry:
            out.append(f"  not read: {printable(entry['error'])}")
            continue
        for job in entry["jobs"]:
            size = job["matrix_size"]
            combos = "matrix not static" if size is None else f"{size} combination{'s' if size != 1 else ''}"
            out.append(f"  job {printable(job['job'])} ({combos})")
            for pull in job["pulls"]:
                where = "Docker Hub" if pull["docker_hub"] else "unknown" if pull["docker_hub"] is None else "elsewhere"
                times = f" x{pull['combinations']}" if pull["combinations"] != 1 else ""
                location = f"{pull['line']}:{pull['column']}"
                columns = f"{location:<8} {pull['phase']:<12} {pull['site']:<26}"
                out.append(f"    {columns} {printable(pull['image'])}  [{where}]{times}")
            if not job["pulls"]:
                out.append("    (no image pulls)")
            out.append(f"    Docker Hub pulls per run: {job['docker_hub_pulls_per_run']}")
        prefix = "" if entry["exact"] else "at least "
        out.append(f"  total Docker Hub pulls per run: {prefix}{entry['docker_hub_pulls_per_run']}")
        grand += entry["docker_hub_pulls_per_run"]
    out.append(f"Docker Hub pulls per run of every CI file above: {grand}")
    return "\n".join(out) + "\n"


def render_json(files: list[FileEntry]) -> str:
    import json

    total = sum(entry.get("docker_hub_pulls_per_run", 0) for entry in files)
    return json.dumps({"version": 1, "files": files, "docker_hub_pulls_per_run": total}, indent=2) + "\n"
