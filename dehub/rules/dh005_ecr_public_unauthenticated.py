"""DH005 ecr-public-unauthenticated: a job pulls from ECR Public in its steps without logging in.

What it finds
  A job (in a workflow, a composite action, or any other CI file, shell script or Makefile
  dehub reads) whose steps pull from `public.ecr.aws` — `docker pull/run/create` in a script,
  a build whose inputs name `public.ecr.aws` (`docker/build-push-action`, `docker build`) —
  with no ECR Public login earlier in the job:
  `aws-actions/amazon-ecr-login` with `registry-type: public`, `docker/login-action` with
  `registry: public.ecr.aws`, or `docker login ... public.ecr.aws` in a script. One finding per
  job, at its first such pull. The job container, services and `docker://` steps are pulled
  while the job is set up, before any step, so a login step cannot cover them: they are
  mentioned in the message, never reported on their own.

Why it matters
  Anonymous ECR Public pulls are limited per IP address (pulls per second and data per
  month), authenticated ones far less (`dehub explain limits` has the numbers). Busy runners
  sharing one IP hit the anonymous limit after moving off Docker Hub. It is informational:
  anonymous pulls work.

The fix
  Log in before the first pull. In GitHub Actions, with OpenID Connect (no stored keys):

      permissions:
        id-token: write
        contents: read
      steps:
        - uses: aws-actions/configure-aws-credentials@v4
          with:
            role-to-assume: arn:aws:iam::123456789012:role/ecr-public-pull
            aws-region: us-east-1
        - uses: aws-actions/amazon-ecr-login@v2
          with:
            registry-type: public

  or, in a script: `aws ecr-public get-login-password --region us-east-1 | docker login
  --username AWS --password-stdin public.ecr.aws` (ECR Public authenticates in us-east-1
  only). The role needs this policy:

      {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": ["ecr-public:GetAuthorizationToken", "sts:GetServiceBearerToken"],
        "Resource": "*"}]}

  and a trust policy for GitHub's OIDC provider (`token.actions.githubusercontent.com`,
  audience `sts.amazonaws.com`, `sub` limited to your repository): see GitHub's "Configuring
  OpenID Connect in Amazon Web Services" and the aws-actions/configure-aws-credentials README.

How to suppress
  `# dehub ignore=DH005` before the step, `ignore: [DH005]` in `.dehub.yaml` where anonymous
  pulls are enough, or `severity: {DH005: warning}` to make it count.

Examples
  INFO  steps:
          - run: docker run --rm public.ecr.aws/docker/library/node:20 npm test
  PASS  steps:
          - uses: aws-actions/amazon-ecr-login@v2
            with: {registry-type: public}
          - run: docker run --rm public.ecr.aws/docker/library/node:20 npm test
"""

from __future__ import annotations

from dehub.findings import Finding, clip
from dehub.kinds import PIPELINE_NAMES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from dehub.document import Document
    from dehub.policy import Policy
    from dehub.resolve import Subject

CODE = "DH005"
NAME = "ecr-public-unauthenticated"
SEVERITY = "info"
FIX_SAFETY = "none"
KINDS = PIPELINE_NAMES
BUILD = ""  # stands for a build step among the pulls
LOGIN_COMMAND = (
    "aws ecr-public get-login-password --region us-east-1 | docker login --username AWS --password-stdin "
    "public.ecr.aws"
)
GITHUB_KINDS = ("workflow", "action")
LOGIN_HINT = (  # GitHub Actions: the action, or the command
    f"add `aws-actions/amazon-ecr-login` with `registry-type: public` (or `{LOGIN_COMMAND}`) before it; "
    "`dehub explain DH005` shows the IAM policy and OIDC role"
)
SCRIPT_LOGIN_HINT = (  # any other CI system, script or Makefile: the command, with AWS credentials
    f"run `{LOGIN_COMMAND}` before it, with AWS credentials allowed `ecr-public:GetAuthorizationToken` and "
    "`sts:GetServiceBearerToken`; `dehub explain DH005` shows the IAM policy"
)


def check_document(document: Document, subjects: list[Subject], policy: Policy) -> list[Finding]:
    out: list[Finding] = []
    if document.pipeline is None:
        return out
    from dehub.pipeline import ECR_PUBLIC, EventKind, Phase  # CI kinds only: not on a Dockerfile's path

    by_job: dict[int, list[Subject]] = {}
    for subject in subjects:
        context = subject.use.context
        ref = subject.ref
        if context is not None and ref is not None and ref.domain == ECR_PUBLIC:
            by_job.setdefault(id(context.job), []).append(subject)
    for job in document.pipeline.jobs:
        pulled = by_job.get(id(job), [])
        # Ordered by step, then by place in the step: a step reused through an alias sits
        # elsewhere in the file but runs where it is listed.
        step_pulls = [
            (context.step, s.use.start, s.use.end, s.image)
            for s in pulled
            if (context := s.use.context) is not None and context.phase is Phase.STEP
        ]
        step_pulls += [
            (event.step, event.start, event.end, BUILD)
            for event in job.events
            if event.kind is EventKind.BUILD and event.mentions_ecr_public
        ]
        if not step_pulls:
            continue
        # A pull is covered by any earlier login, so by the first: one comparison a pull, not one
        # a (pull, login) pair (n pulls, then n logins, took 5.4 s at 4,000 of each).
        first_login = min(
            ((e.step, e.start) for e in job.events if e.kind is EventKind.LOGIN and e.registry.startswith(ECR_PUBLIC)),
            default=None,
        )
        uncovered = sorted(pull for pull in step_pulls if first_login is None or not first_login < pull[:2])
        if not uncovered:
            continue
        _, start, end, image = uncovered[0]
        what = "runs an image build that pulls" if image == BUILD else f"pulls `{clip(image)}`"
        hint = LOGIN_HINT if document.kind in GITHUB_KINDS else SCRIPT_LOGIN_HINT
        message = (
            f"{clip(job.label)} {what} from ECR Public without logging in first, so it gets the anonymous "
            f"limits (`dehub explain limits`); {hint}"
        )
        if len(uncovered) > 1:
            message += f"; {len(uncovered) - 1} more pull(s) in this job are not covered either"
        if any(s.use.context is not None and s.use.context.phase.before_steps for s in pulled):
            what_first = (
                "its container, services and docker:// steps are" if document.kind in GITHUB_KINDS
                else "its image and services are"
            )  # fmt: skip
            message += f"; {what_first} pulled before any step, so a login step cannot cover them"
        out.append(Finding("", "", "", message, start, end, site="ecr-public-login"))
    return out
