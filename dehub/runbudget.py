"""A per-file budget on the matrix job runs a CI file makes dehub read.

A job is read once per matrix combination, because each combination may pull other images.
Combinations multiply (a GitHub matrix may make 256 of one job, and a dozen lines of YAML can
ask for that in every job, or in a hundred jobs aliased to one `&job`), so the work of
reading a file is not bounded by its size: 100 aliased jobs in 12 KB took 22 s and 876 MB.
Two things bound it. A job that is the very node of a job already read (`j1: *j`) is not
read again: the kinds copy the earlier job under the new name (`alias_of`). And every run
past a job's first spends the job's size in characters from one budget per file; when it is
spent, the job's remaining combinations are read once together with their matrix values
unknown, so their images are reported the way any unknown value is (DH003, or a DH001 without
a fix), and the unknown value's name says why: nothing is dropped silently, nothing guessed.

The first run of every job is free, so the total work stays linear in the file's size.
"""

from __future__ import annotations

from .value import UNKNOWN, Value

TYPE_CHECKING = False
if TYPE_CHECKING:  # the pipeline model is for CI kinds: DH003 reads REASON on a Dockerfile's path too
    from .pipeline import Job

MAX_WORK = 500_000  # characters of job text read again across one file's extra matrix runs
RUN_COST = 100  # what any run costs besides its characters: at most MAX_WORK / RUN_COST extra runs
REASON = "not read: dehub's per-file budget of matrix combinations is spent"
# a template's script read again for each job that extends it with other values of its variables
RESCAN_REASON = "not read: dehub's per-file budget of scripts read again per job is spent"


class RunBudget:
    """What one file may still spend on extra matrix runs; `over` says whether any job
    went over it (its remaining combinations were read as unknown)."""

    __slots__ = ("left", "over")

    def __init__(self, limit: int = MAX_WORK) -> None:
        self.left = limit
        self.over = False

    def runs(self, wanted: int, size: int) -> int:
        """How many of a job's `wanted` runs (each reading about `size` characters) to read
        with their values; the rest, if any, are read once with the values unknown. Each run
        past the first spends `size + RUN_COST`."""
        if wanted <= 1:
            return wanted
        size += RUN_COST
        extra = min(wanted - 1, self.left // size)
        self.left -= extra * size
        if extra < wanted - 1:
            self.over = True
        return extra + 1


    def more(self) -> bool:
        """Whether a job may read one more run past its first (then `spend` what it cost):
        for kinds that learn a run's cost by reading it."""
        if self.left > 0:
            return True
        self.over = True
        return False

    def spend(self, size: int) -> None:
        self.left -= size + RUN_COST


def unknown_name(name: str, reason: str = REASON) -> str:
    """How a matrix value of a combination past the budget is named in a message."""
    return f"{name} ({reason})"


def unread_value(name: str, shown: str = "", reason: str = REASON) -> Value:
    """A variable's value in the combinations past the budget: unknown, shown as `shown`
    (`$NAME` by default), and named with the reason."""
    shown = shown or f"${name}"
    return Value(shown, [UNKNOWN] * len(shown), (), (unknown_name(name, reason),))


def alias_of(job: Job, job_id: str, span: tuple[int, int], label: str = "") -> Job:
    """A job written as an alias of one already read (`j1: *j`): the same runs, pulls and
    events (read-only once read, so shared, not copied), under its own name and key."""
    from .pipeline import Job

    copy = Job(job_id, span, job.combinations, label, job.notes)
    copy.runs, copy.hidden, copy.events = job.runs, job.hidden, job.events
    return copy
