"""The pull limits of Docker Hub and ECR Public: the one place dehub states them.

Limits change; a number copied into a finding message, a rule's documentation or the README
goes stale separately from the others. So they live here, `dehub explain limits` prints them,
and everything else points to that command (the README's copy is checked against it by a test).
"""

from __future__ import annotations

CHECKED = "December 2026"
TOPIC = "limits"

TEXT = f"""\
Pull limits: Docker Hub and ECR Public (checked {CHECKED})

Docker Hub
  Anonymous: 100 pulls per 6 hours per IPv4 address, or per IPv6 /64 subnet.
  Signed in with a free Personal account: 200 pulls per 6 hours.
  The limits of 10 pulls per hour announced for April 2025 were never enforced.
  A pull is a GET of an image manifest; HEAD requests (what `dehub check --verify` sends to
  compare digests) do not count. Every manifest answer says where you stand:
    ratelimit-limit: 100;w=21600       pulls allowed in the window (21600 s = 6 hours)
    ratelimit-remaining: 76;w=21600    pulls left in it
  Past the limit, pulls fail with HTTP 429 `toomanyrequests`. CI runners behind one NAT, or
  cloud runners sharing addresses, share one quota: `dehub inventory` counts the Docker Hub
  pulls one run makes.

Amazon ECR Public (public.ecr.aws, the default mirror)
  Anonymous: 1 pull per second per IP address, and 500 GB of data per month.
  Authenticated (any AWS account; `docker login public.ecr.aws`): 10 pulls per second.
  DH005 reports jobs that pull from ECR Public without logging in first.
"""
