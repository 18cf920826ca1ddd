"""`dehub data refresh` and `dehub data show` against a real HTTP server on loopback.

The server answers as the GitHub contents API and the Docker Hub API do (one scripted answer
per request: statuses, headers, bodies), so retries, pagination, refusals and the cache that a
failure must leave alone are all observed from outside, as a user would.
"""

from __future__ import annotations

import calendar
import json
import os
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from dehub import datarefresh, mirrordata
from dehub.hooks.cli import main
from dehub.registry.transport import BACKOFF_BASE

ROOT = Path(__file__).resolve().parent.parent
NOW = calendar.timegm((2026, 12, 2, 15, 0, 0, 0, 0, 0))  # the refresh's date: 2026-12-02
SHIPPED = sorted(mirrordata.shipped_list().names)
# The refreshed list: the shipped one without `node`, plus an image that joined since.
REFRESHED = sorted({*SHIPPED, "brandnewimage"} - {"node"})


class Answer:
    def __init__(self, status: int = 200, body: object = None, headers: dict[str, str] | None = None,
                 raw: bytes | None = None, stall: float = 0.0) -> None:  # fmt: skip
        self.stall = stall  # seconds to wait before answering
        self.status = status
        self.body = raw if raw is not None else json.dumps(body).encode()
        self.headers = headers or {}


class Server:
    """A loopback HTTP server: path (with query) -> answers, given in order, the last repeated."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Answer]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # the http.server name
                server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                answers = server.routes.get(self.path) or [Answer(404, {"message": "Not Found"})]
                answer = answers.pop(0) if len(answers) > 1 else answers[0]
                if answer.stall:
                    time.sleep(answer.stall)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.handle_error = lambda *args: None  # type: ignore[method-assign]  # a client that left
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def route(self, path: str, *answers: Answer) -> str:
        self.routes[path] = list(answers)
        return self.url + path

    def hits(self, path: str) -> int:
        return sum(1 for seen, _ in self.requests if seen == path)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def github(names: list[str]) -> list[dict[str, object]]:
    files = [{"name": name, "path": f"library/{name}", "type": "file", "size": 100} for name in names]
    return [*files, {"name": "subfolder", "path": "library/subfolder", "type": "dir"}]


def hub_page(names: list[str], count: int, following: str | None) -> dict[str, object]:
    results = [{"name": name, "namespace": "library", "repository_type": "image"} for name in names]
    return {"count": count, "next": following, "previous": None, "results": results}


@pytest.fixture
def server():
    running = Server()
    yield running
    running.close()


@pytest.fixture
def waits(monkeypatch):
    """The retry waits, recorded instead of waited."""
    recorded: list[float] = []
    monkeypatch.setattr(datarefresh, "sleep", recorded.append)
    return recorded


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch, waits):
    """A cache folder of the test's own; no real waits; a fixed clock; no token or sources set."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("DEHUB_CACHE_DIR", str(folder))
    for name in ("GITHUB_TOKEN", "GITHUB_API_URL", datarefresh.SOURCE_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(datarefresh, "clock", lambda: NOW)
    mirrordata.forget()
    yield folder
    mirrordata.forget()


def refresh(capsys, *sources: str) -> tuple[int, str, str]:
    code = main(["data", "refresh", *(f"--source={source}" for source in sources)])
    out, err = capsys.readouterr()
    return code, out, err


def check(capsys, tmp_path, text: str) -> str:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(text, encoding="utf-8")
    main(["check", "--isolated", "--format", "concise", str(dockerfile)])
    mirrordata.forget()  # the next check reads the lists again, as a new process would
    return capsys.readouterr().out


def write_good_cache(folder: Path) -> bytes:
    data = b"# source: earlier\n# date: 2026-11-01\n# count: 2\nalpha\nbeta\n"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "official-images.txt").write_bytes(data)
    return data


def test_refresh_from_github_writes_the_list_with_its_source_and_date_and_show_reports_it(server, cache, capsys):
    url = server.route("/repos/docker-library/official-images/contents/library", Answer(body=github(REFRESHED)))
    code, out, err = refresh(capsys, url)
    assert (code, err) == (0, "")
    path = cache / "official-images.txt"
    assert out == (
        f"wrote {len(REFRESHED)} official images as of 2026-12-02 from {url}\n"
        f"  to {path}\n"
        "  new since the list used before: brandnewimage\n"
        "  gone since the list used before: node (their fixes are unsafe now)\n"
    )
    text = path.read_text(encoding="utf-8")
    assert f"# source: {url}\n" in text and "# date: 2026-12-02\n" in text and "# kind: github\n" in text
    assert [line for line in text.splitlines() if not line.startswith("#")] == REFRESHED  # the folder is skipped
    assert main(["data", "show"]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith(f"in use: the refreshed list, {len(REFRESHED)} official images as of 2026-12-02\n")
    assert f"  path: {path}\n  source: {url}\n" in shown
    assert main(["data", "show", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["in_use"] == "refreshed"
    assert document["refreshed"] == {"path": str(path), "date": "2026-12-02", "count": len(REFRESHED),
                                     "source": url, "in_use": True}  # fmt: skip
    assert document["shipped"]["date"] == "2026-08-21" and document["shipped"]["in_use"] is False


def test_after_a_refresh_check_uses_the_new_list(server, cache, capsys, tmp_path):
    before = check(capsys, tmp_path, "FROM brandnewimage:1\nFROM node:20\n")
    assert "DH002" in before.splitlines()[0] and "DH001" in before.splitlines()[1]
    assert "not in the Docker Official Images list dehub ships (as of 2026-08-21)" in before
    url = server.route("/library", Answer(body=github(REFRESHED)))
    assert refresh(capsys, url)[0] == 0
    after = check(capsys, tmp_path, "FROM brandnewimage:1\nFROM node:20\nFROM centos:7\n").splitlines()
    assert "DH001" in after[0] and after[0].endswith(
        "`brandnewimage:1` is pulled from Docker Hub; use `public.ecr.aws/docker/library/brandnewimage:1`"
    )
    # In the shipped list, not in the newer one: it left the program since; the fix is unsafe.
    assert after[1].endswith(
        "(unsafe fix: `node` left the Docker Official Images between 2026-08-21 and 2026-12-02; "
        "old tags are mirrored, but check that yours is)"
    )
    assert "left the Docker Official Images on 2024-07-29" in after[2]  # the shipped removals still count
    unknown = check(capsys, tmp_path, "FROM notofficial:1\n")
    assert "not in the Docker Official Images list from `dehub data refresh` (as of 2026-12-02)" in unknown


def test_a_cached_list_older_than_the_shipped_one_is_ignored(cache, capsys, tmp_path):
    cache.mkdir()
    stale = f"# source: old\n# date: 2026-01-05\n# count: {len(REFRESHED)}\n" + "\n".join(REFRESHED) + "\n"
    (cache / "official-images.txt").write_text(stale, encoding="utf-8")
    out = check(capsys, tmp_path, "FROM brandnewimage:1\n")
    assert "DH002" in out and "list dehub ships (as of 2026-08-21)" in out
    assert main(["data", "show"]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith(f"in use: the shipped list, {len(SHIPPED)} official images as of 2026-08-21\n")
    assert f"refreshed: {len(REFRESHED)} images as of 2026-01-05\n" in shown
    assert "  not used: it is not newer than the shipped list\n" in shown


def test_a_cached_list_cut_short_is_not_used(cache, capsys, tmp_path):
    cache.mkdir()
    (cache / "official-images.txt").write_text("# date: 2026-12-01\n# count: 300\nbrandnewimage\n", encoding="utf-8")
    assert "DH002" in check(capsys, tmp_path, "FROM brandnewimage:1\n")
    assert main(["data", "show"]) == 0
    assert "is not used: it holds 1 names, not the 300 its header says" in capsys.readouterr().out


def test_hub_pages_are_followed_and_images_that_left_the_program_stay_removed(server, cache, capsys, tmp_path):
    """Docker Hub keeps `library/centos` after centos left the program: it is not official again."""
    first, second = REFRESHED[:100], [*REFRESHED[100:], "centos"]
    page2 = "/v2/repositories/library/?page=2&page_size=100"
    url = server.route("/v2/repositories/library/?page_size=100",
                       Answer(body=hub_page(first, len(REFRESHED), server.url + page2)))  # fmt: skip
    server.route(page2, Answer(body=hub_page(second, len(REFRESHED) + 1, None)))
    code, out, _ = refresh(capsys, url)
    assert code == 0 and "new since the list used before: brandnewimage\n" in out
    assert server.hits(page2) == 1
    text = (cache / "official-images.txt").read_text(encoding="utf-8")
    assert "# kind: hub\n" in text
    assert [line for line in text.splitlines() if not line.startswith("#")] == REFRESHED
    assert "left the Docker Official Images on 2024-07-29" in check(capsys, tmp_path, "FROM centos:7\n")


def test_hub_listing_fewer_than_its_count_is_refused(server, cache, capsys):
    """A page lost on the way (or skipped) leaves a list that looks whole; the count says it is not."""
    url = server.route("/hub", Answer(body=hub_page(REFRESHED, len(REFRESHED) + 50, None)))
    code, _, err = refresh(capsys, url)
    assert code == 2
    assert f"Docker Hub said {len(REFRESHED) + 50} repositories but listed {len(REFRESHED)}" in err
    assert not cache.exists()


def test_hub_next_page_on_another_host_is_not_followed(server, cache, capsys):
    url = server.route("/hub", Answer(body=hub_page(REFRESHED[:100], 300, "http://elsewhere.invalid/page2")))
    code, _, err = refresh(capsys, url)
    assert code == 2 and "points to another host: http://elsewhere.invalid/page2" in err
    assert len(server.requests) == 1


def test_429_with_retry_after_then_success(server, cache, capsys, waits):
    url = server.route("/library", Answer(429, {"message": "slow down"}, {"Retry-After": "7"}),
                       Answer(body=github(REFRESHED)))  # fmt: skip
    code, _, err = refresh(capsys, url)
    assert (code, err) == (0, "")
    assert server.hits("/library") == 2
    assert waits == [7.0]


def test_a_retry_after_longer_than_the_cap_gives_the_source_up(server, cache, capsys, waits):
    url = server.route("/library", Answer(429, {}, {"Retry-After": "3600"}))
    code, _, err = refresh(capsys, url)
    assert code == 2 and "HTTP 429: asked to retry after 3600 s (longer than 60 s)" in err
    assert server.hits("/library") == 1 and waits == []


def test_500s_are_retried_a_bounded_number_of_times_then_nothing_changes(server, cache, capsys, waits):
    good = write_good_cache(cache)
    url = server.route("/library", Answer(500, {"message": "boom"}))
    code, out, err = refresh(capsys, url)
    assert (code, out) == (2, "")
    assert err == (
        "dehub: error: could not refresh the official image list; nothing changed "
        "(in use: the refreshed list, 2 images as of 2026-11-01)\n"
        f"  127.0.0.1:{server.url.rsplit(':', 1)[1]}: HTTP 500 Internal Server Error after 4 tries\n"
    )
    assert server.hits("/library") == datarefresh.RETRIES + 1
    assert len(waits) == datarefresh.RETRIES
    assert all(0 <= wait <= BACKOFF_BASE * 2**n for n, wait in enumerate(waits))  # exponential, with jitter
    assert (cache / "official-images.txt").read_bytes() == good
    assert os.listdir(cache) == ["official-images.txt"]  # no temporary file left


def test_a_stalled_answer_times_out_and_is_retried(server, cache, capsys, waits, monkeypatch):
    monkeypatch.setattr(datarefresh, "TIMEOUT", 0.2)
    url = server.route("/library", Answer(stall=1.0), Answer(body=github(REFRESHED)))
    started = time.monotonic()
    code, _, err = refresh(capsys, url)
    assert (code, err) == (0, "")
    assert server.hits("/library") == 2 and len(waits) == 1
    assert time.monotonic() - started < 1.0  # the stalled answer was not waited for


def test_offline_fails_at_once_with_a_clear_message_and_changes_nothing(cache, capsys, waits):
    good = write_good_cache(cache)
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, out, err = refresh(capsys, f"http://127.0.0.1:{port}/library", f"http://127.0.0.1:{port}/hub")
    assert (code, out) == (2, "")
    assert err.startswith("dehub: error: could not refresh the official image list; nothing changed")
    assert err.count(f"\n  127.0.0.1:{port}: cannot connect (connection refused); offline?") == 2  # each source once
    assert waits == []
    assert (cache / "official-images.txt").read_bytes() == good


def test_a_cache_folder_that_cannot_be_written_is_an_error(server, capsys, monkeypatch, tmp_path):
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("DEHUB_CACHE_DIR", str(tmp_path / "file" / "dehub"))
    url = server.route("/library", Answer(body=github(REFRESHED)))
    code, out, err = refresh(capsys, url)
    assert (code, out) == (2, "")
    assert err.startswith("dehub: error: could not write the official image list: ")


def test_when_the_first_source_fails_the_second_is_asked(server, cache, capsys):
    failing = server.route("/github", Answer(503, {}))
    working = server.route("/hub", Answer(body=hub_page(REFRESHED, len(REFRESHED), None)))
    code, out, _ = refresh(capsys, failing, working)
    assert code == 0 and f"from {working}\n" in out


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (Answer(body=github(REFRESHED[:60])), "refused: only 60 names (fewer than 100: not the whole list)"),
        (Answer(body=github([*REFRESHED, "Bad Name", "../etc"])), "refused: 2 names are not valid repository names"),
        (Answer(raw=b"<html>captive portal</html>"), "refused: the answer is not JSON"),
        (Answer(raw=b"[" * 100_000), "refused: the answer is not JSON"),  # nested past Python's stack
        (Answer(body={"message": "hello"}), "neither a GitHub folder listing nor a Docker Hub repository list"),
        (Answer(body=[{"type": "file"}]), "not a GitHub folder listing (an entry without a name)"),
        (Answer(404, {"message": "Not Found"}), "HTTP 404 Not Found"),
    ],
    ids=["too-few", "invalid-names", "not-json", "deep-json", "other-json", "no-names", "404"],
)
def test_a_suspicious_answer_is_refused_and_the_good_list_stays(server, cache, capsys, answer, reason):
    good = write_good_cache(cache)
    url = server.route("/library", answer)
    code, out, err = refresh(capsys, url)
    assert (code, out) == (2, "")
    assert reason in err
    assert (cache / "official-images.txt").read_bytes() == good
    assert server.hits("/library") == 1  # not worth a retry


def test_github_token_goes_to_the_github_api_host_only_and_is_never_printed(server, cache, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "s3cret-token")
    monkeypatch.setenv("GITHUB_API_URL", server.url)
    server.route("/library", Answer(403, {"message": "API rate limit exceeded"}, {"x-ratelimit-remaining": "0"}))
    code, out, err = refresh(capsys, server.url + "/library")
    assert code == 2 and "HTTP 403: the GitHub API rate limit is used up\n" in err
    assert server.requests[-1][1]["authorization"] == "Bearer s3cret-token"
    assert "s3cret" not in out + err
    other = server.url.replace("127.0.0.1", "localhost") + "/library"  # another host name: no token
    refresh(capsys, other)
    assert "authorization" not in server.requests[-1][1]


def test_without_a_token_the_github_rate_limit_says_how_to_raise_it(server, cache, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_API_URL", server.url)
    url = server.route("/library", Answer(403, {}, {"x-ratelimit-remaining": "0"}))
    assert "the GitHub API rate limit is used up; set GITHUB_TOKEN to raise it" in refresh(capsys, url)[2]


def test_sources_come_from_the_environment(server, cache, capsys, monkeypatch):
    url = server.route("/library", Answer(body=github(REFRESHED)))
    monkeypatch.setenv(datarefresh.SOURCE_ENV, f"http://127.0.0.1:1/nothing {url}")
    code, out, _ = refresh(capsys)
    assert code == 0 and f"from {url}\n" in out


def test_the_cache_follows_xdg_cache_home_then_home(monkeypatch, tmp_path):
    monkeypatch.delenv("DEHUB_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert mirrordata.cached_list_path() == str(tmp_path / "xdg" / "dehub" / "official-images.txt")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert mirrordata.cached_list_path() == str(tmp_path / "home" / ".cache" / "dehub" / "official-images.txt")


def test_a_retry_after_date_is_honoured(server, cache, capsys, waits):
    """An HTTP date in `Retry-After` counts from the refresh's clock (30 s after NOW)."""
    url = server.route("/library", Answer(503, {}, {"Retry-After": "Wed, 02 Dec 2026 15:00:30 GMT"}),
                       Answer(body=github(REFRESHED)))  # fmt: skip
    assert refresh(capsys, url)[0] == 0
    assert waits == [30.0]


def test_data_usage(capsys):
    assert main(["data"]) == 2
    assert main(["data", "fetch"]) == 2
    assert "unknown data command 'fetch' (choose from refresh, show)" in capsys.readouterr().err
    assert main(["data", "refresh", "--help"]) == 0
    assert "--source URL" in capsys.readouterr().out
    assert main(["--help"]) == 0
    assert "  data refresh|show " in capsys.readouterr().out


def test_the_shipped_list_date_is_the_date_of_its_commit():
    first = (ROOT / "dehub" / "data" / "official-images.txt").read_text(encoding="utf-8").splitlines()[0]
    assert f", {mirrordata.SHIPPED_LIST_DATE}T" in first


# The pull limits: stated once (`dehub explain limits`), pointed to everywhere else.

LIMIT_NUMBERS = re.compile(
    r"100 pulls|200 pulls|per 6 h|6 hours|21600|500 GB|\b1 pull per second|10 pulls per|pulls?/s\b"
)


def test_explain_limits_prints_the_facts(capsys):
    assert main(["explain", "limits"]) == 0
    out = capsys.readouterr().out
    for fact in ("100 pulls per 6 hours per IPv4 address, or per IPv6 /64 subnet", "200 pulls per 6 hours",
                 "HEAD requests", "ratelimit-remaining", "never enforced", "1 pull per second per IP address",
                 "500 GB", "10 pulls per second"):  # fmt: skip
        assert fact in out


def test_limit_numbers_live_in_one_place():
    """Nothing shipped but dehub/limits.py states a limit (rule docs, messages, help point to it)."""
    stating = [
        str(path.relative_to(ROOT))
        for path in sorted([*(ROOT / "dehub").rglob("*.py"), *(ROOT / "docs").rglob("*.md")])
        if path.name != "limits.py" and LIMIT_NUMBERS.search(path.read_text(encoding="utf-8"))
    ]
    assert stating == []


def test_readme_copy_of_the_limits_is_what_explain_prints(capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```console\n$ dehub explain limits\n", 1)[1].split("```", 1)[0]
    main(["explain", "limits"])
    assert block == capsys.readouterr().out
    outside = readme.replace(block, "")
    assert not LIMIT_NUMBERS.search(outside), LIMIT_NUMBERS.search(outside)
