"""Asking a container registry whether a reference exists (`dehub check --verify`).

Nothing here is imported on the normal `dehub check` path: the network code is loaded only
when a run asks the registry. The public API is `outcome` (the answer states and `Outcome`)
and `verify` (`Request`, `VerifyOptions`, `verify()`); the other modules each do one job
(`transport`: one HTTP exchange with retries and a rate cap; `auth`: challenges, tokens and
Docker credentials; `manifests`: the manifest HEAD and what its answer means; `cache`: the
on-disk memory of answers).
"""
