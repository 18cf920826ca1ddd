"""Container-image pulls found in shell scripts: the lexer, the CLI grammars, spans and origins."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dehub.shell import MAX_VALUE, Pull, pulls
from dehub.value import SYNTHETIC, UNKNOWN, Value


def lit(text: str, start: int = 0) -> Value:
    return Value.literal(text, start)


def github(text: str) -> Value:
    """The script as the Actions reader hands it over: every `${{ ... }}` left unresolved (UNKNOWN)."""
    origins = list(range(len(text)))
    pos = text.find("${{")
    while pos != -1:
        end = text.find("}}", pos)
        end = len(text) if end == -1 else end + 2
        origins[pos:end] = [UNKNOWN] * (end - pos)
        pos = text.find("${{", end)
    return Value(text, origins)


def check_spans(script: Value, found: list[Pull]) -> None:
    """Every span lies within the script's origins, and covers the written word when it can."""
    known = [origin for origin in script.origins if origin >= 0]
    for pull in found:
        assert isinstance(pull, Pull)
        if pull.start == -1:
            assert pull.end == -1
        else:
            assert min(known) <= pull.start < pull.end <= max(known) + 1
            if pull.word.source_run(0, len(pull.word.text)) is not None and script.source_run(0, len(script.text)):
                base = script.origins[0] if script.origins else 0
                assert script.text[pull.start - base : pull.end - base] == pull.word.text
        assert pull.command_start == -1 or pull.command_start in known


def found(script: str | Value, env: dict | None = None, shell: str = "bash") -> list[tuple]:
    value = lit(script) if isinstance(script, str) else script
    result = pulls(value, env, shell)
    check_spans(value, result)
    return [(p.tool, p.action, None if p.value is None else p.value.text, p.word.text) for p in result]


def pull(image: str, word: str | None = None, tool: str = "docker", action: str = "pull") -> tuple:
    return (tool, action, image, image if word is None else word)


def run(image: str, word: str | None = None, tool: str = "docker") -> tuple:
    return pull(image, word, tool, "run")


def build(tool: str = "docker") -> tuple:
    return (tool, "build", None, tool)


def login(server: str | None = None, tool: str = "docker") -> tuple:
    return (tool, "login", server, server or tool)


A = pull("a")
B = pull("b")

CLI_CASES = [
    # the subcommands that pull
    ("docker pull alpine", [pull("alpine")]),
    ("docker pull alpine:3.20", [pull("alpine:3.20")]),
    ("docker image pull node:20", [pull("node:20")]),
    ("docker run node:20 npm test", [run("node:20")]),
    ("docker container run --rm node:20", [run("node:20")]),
    ("docker create redis:7", [("docker", "create", "redis:7", "redis:7")]),
    ("docker container create redis:7", [("docker", "create", "redis:7", "redis:7")]),
    ("/usr/bin/docker pull alpine", [pull("alpine")]),
    ("podman run -d nginx", [run("nginx", tool="podman")]),
    ("podman container run nginx", [run("nginx", tool="podman")]),
    ("nerdctl run --rm alpine", [run("alpine", tool="nerdctl")]),
    ("buildah pull alpine", [pull("alpine", tool="buildah")]),
    ("buildah from fedora", [pull("fedora", tool="buildah")]),
    ("podman pull a b", [pull("a", tool="podman"), pull("b", tool="podman")]),
    ("podman pull a --quiet b", [pull("a", tool="podman"), pull("b", tool="podman")]),
    ("docker pull a b", [A]),  # docker pull takes one image
    # pull options
    ("docker pull -a alpine", [pull("alpine")]),
    ("docker pull --all-tags alpine", [pull("alpine")]),
    ("docker pull --platform linux/amd64 alpine", [pull("alpine")]),
    ("docker pull --platform=linux/arm64 alpine", [pull("alpine")]),
    ("docker pull -q alpine", [pull("alpine")]),
    ("docker pull alpine --quiet", [pull("alpine")]),
    ("docker pull --disable-content-trust alpine", [pull("alpine")]),
    ("podman pull --creds u:p --arch arm64 --authfile a.json alpine", [pull("alpine", tool="podman")]),
    ("podman pull --tls-verify=false alpine", [pull("alpine", tool="podman")]),
    ("nerdctl pull --unpack false --platform linux/amd64 alpine", [pull("alpine", tool="nerdctl")]),
    ("buildah pull --creds u:p alpine", [pull("alpine", tool="buildah")]),
    # run options whose values look like images
    ("docker run --name node alpine", [run("alpine")]),
    ("docker run -v /a:/b alpine", [run("alpine")]),
    ("docker run --volume=/a:/b alpine", [run("alpine")]),
    ("docker run --platform linux/amd64 alpine", [run("alpine")]),
    ("docker run --network host --user 1000:1000 -w /src --entrypoint sh alpine -c x", [run("alpine")]),
    ("docker run -c 512 -m 1g -h host -l a=b -u me alpine", [run("alpine")]),
    ("docker run --pull always alpine", [run("alpine")]),
    ("docker run --add-host db:10.0.0.1 --dns 8.8.8.8 --link db:db alpine", [run("alpine")]),
    ("docker run --mount type=bind,src=/a,dst=/b --tmpfs /tmp alpine", [run("alpine")]),
    ("docker run --init --privileged --read-only --sig-proxy=false --rm alpine", [run("alpine")]),
    ("docker run --use-api-socket --no-healthcheck --oom-kill-disable -P alpine", [run("alpine")]),
    ("docker run --gpus all --runtime nvidia --shm-size 1g --ulimit nofile=1024 alpine", [run("alpine")]),
    ("docker run --health-cmd 'curl x' --health-interval 5s --detach-keys ctrl-x alpine", [run("alpine")]),
    # grouped short flags
    ("docker run -it alpine sh", [run("alpine")]),
    ("docker run -itd alpine", [run("alpine")]),
    ("docker run -dp 8080:80 nginx", [run("nginx")]),
    ("docker run -p8080:80 nginx", [run("nginx")]),
    ("docker run -ep=x alpine", [run("alpine")]),
    ("docker run -ite FOO=1 alpine", [run("alpine")]),
    ("docker run -e FOO=bar -e BAZ alpine", [run("alpine")]),
    ("docker run --env=FOO=bar alpine", [run("alpine")]),
    # `--` ends the options; unknown options are flags
    ("docker run --rm -- alpine", [run("alpine")]),
    ("docker run -- --weird-image", [run("--weird-image")]),
    ("docker run --no-such-flag alpine", [run("alpine")]),
    ("docker run -Z alpine", [run("alpine")]),
    ("docker run alpine docker pull not-this", [run("alpine")]),
    ("docker run alpine sh -c 'docker pull not-this'", [run("alpine")]),
    ("docker run", []),
    ("docker run --name", []),
    ("docker pull", []),
    # global options before the subcommand
    ("docker --config /tmp/cfg pull alpine", [pull("alpine")]),
    ("docker -H tcp://x:2375 run alpine", [run("alpine")]),
    ("docker --host=unix:///x.sock run alpine", [run("alpine")]),
    ("docker -c ctx run alpine", [run("alpine")]),
    ("docker --context ctx image pull alpine", [pull("alpine")]),
    ("docker --tls --tlsverify --tlscacert ca.pem --tlscert c.pem --tlskey k.pem pull alpine", [pull("alpine")]),
    ("docker -D -l debug pull alpine", [pull("alpine")]),
    ("podman --root /var/lib/x --runroot /run/x pull alpine", [pull("alpine", tool="podman")]),
    ("podman --remote --connection c run alpine", [run("alpine", tool="podman")]),
    ("podman -r --url tcp://h --identity k pull alpine", [pull("alpine", tool="podman")]),
    ("podman --log-level debug --storage-driver vfs --cgroup-manager cgroupfs pull a", [pull("a", tool="podman")]),
    ("podman run --root /x --pod mypod --arch arm64 --tz UTC --secret s alpine", [run("alpine", tool="podman")]),
    ("podman run --authfile a.json --cert-dir /c --umask 022 --timeout 5 alpine", [run("alpine", tool="podman")]),
    ("nerdctl -n k8s.io pull alpine", [pull("alpine", tool="nerdctl")]),
    ("nerdctl --namespace ns --address /run/x.sock --snapshotter stargz run alpine", [run("alpine", tool="nerdctl")]),
    ("nerdctl run --cosign-key k.pub --verify cosign -n ns alpine", [run("alpine", tool="nerdctl")]),
    ("buildah --root /x from --name c --pull=always fedora", [pull("fedora", tool="buildah")]),
    ("buildah from --format docker -v /a:/b fedora", [pull("fedora", tool="buildah")]),
    # builds: only that one happens here
    ("docker build -t x .", [build()]),
    ("docker image build .", [build()]),
    ("docker buildx build --push -t x .", [build()]),
    ("docker buildx --builder b build .", [build()]),
    ("docker builder build .", [build()]),
    ("podman build .", [build("podman")]),
    ("podman buildx build .", [build("podman")]),
    ("buildah bud -f Containerfile .", [build("buildah")]),
    ("buildah build .", [build("buildah")]),
    ("nerdctl build .", [build("nerdctl")]),
    # logins: the registry, or Docker Hub (None)
    ("docker login", [login()]),
    ("docker login -u user -p pass", [login()]),
    ("docker login ghcr.io", [login("ghcr.io")]),
    ("docker login -u u --password-stdin public.ecr.aws", [login("public.ecr.aws")]),
    ("docker login public.ecr.aws -u AWS --password-stdin", [login("public.ecr.aws")]),
    ("echo $TOKEN | docker login ghcr.io -u $USER --password-stdin", [login("ghcr.io")]),
    ("podman login --authfile a.json quay.io", [login("quay.io", "podman")]),
    ("buildah login -u x registry.example.com", [login("registry.example.com", "buildah")]),
    ("nerdctl login -u x -p y", [login(None, "nerdctl")]),
    # not pulls
    ("docker compose pull", []),
    ("docker compose run web", []),
    ("docker-compose up", []),
    ("docker buildx bake", [build()]),  # a build now: its --set may name contexts and tags
    ("docker ps", []),
    ("docker push x", []),
    ("docker save -o x.tar a", []),
    ("docker exec c docker pull x", []),
    ("docker image ls", []),
    ("docker container ls", []),
    ("docker --version", []),
    ("buildah run c -- docker pull x", []),
]

GRAMMAR_CASES = [
    # operators
    ("docker pull a; docker pull b", [A, B]),
    ("docker pull a;docker pull b", [A, B]),
    ("docker pull a & docker pull b", [A, B]),
    ("docker pull a&&docker pull b||docker pull c", [A, B, pull("c")]),
    ("docker pull a | tee log", [A]),
    ("docker pull a |& tee log", [A]),
    ("docker pull a\ndocker pull b", [A, B]),
    ("docker pull a\n\n\n  \ndocker pull b\n", [A, B]),
    ("(docker pull a)", [A]),
    ("( cd x && docker pull a )", [A]),
    ("(docker pull a); (docker pull b)", [A, B]),
    ("((docker pull a) )", [A]),  # not closed by `))`: two subshells, as bash falls back to
    ("x=$((docker pull a) )", [A]),
    ("x=$(( (1) + 2 ))$((3))", []),
    ("{ docker pull a; }", [A]),
    ("{ docker pull a\n}", [A]),
    ("! docker pull a", [A]),
    ("time docker pull a", [A]),
    ("time -p docker pull a", [A]),
    ("docker pull a )", [A]),  # a stray `)` is tolerated
    ("docker pull a; fi; done; esac; }", [A]),
    # compound commands
    ("if docker pull a; then docker run b; elif docker pull c; then :; else docker pull d; fi",
     [A, run("b"), pull("c"), pull("d")]),
    ("if true\nthen\n  docker pull a\nfi", [A]),
    ("if ! docker image inspect a; then docker pull a; fi", [A]),
    ("for i in 1 2 3; do docker pull a; done", [A]),
    ("for i in docker pull x; do echo $i; done", []),  # the list is words, not a command
    ("for i in a b\ndo\n  docker pull $i\ndone", [pull("$i")]),
    ("for i; do docker pull a; done", [A]),
    ("for ((i=0; i<3; i++)); do docker pull a; done", [A]),
    ("for (( ; ; )) do docker pull a; done", [A]),
    ("while ! docker pull a; do sleep 1; done", [A]),
    ("until docker pull a; do sleep 1; done", [A]),
    ("while read -r img; do docker pull \"$img\"; done < images.txt", [pull("$img", '"$img"')]),
    ("select x in a b; do docker pull c; done", [pull("c")]),
    ("case \"$1\" in\n  pull) docker pull a ;;\n  run|start) docker run b ;;\n  *) echo docker pull c ;;\nesac",
     [A, run("b")]),
    ("case x in (a) docker pull a;; esac", [A]),
    ("case x in docker) echo;; (pull|run) echo;; esac", []),  # patterns are not commands
    ("case x in a) docker pull a;& b) docker pull b;;& esac", [A, B]),
    ("case x in a) docker pull a\nesac\ndocker pull b", [A, B]),
    ("case x\nin\na)\ndocker pull a\n;;\nesac", [A]),
    ("case x in a) case y in b) docker pull b;; esac; docker pull a;; esac", [B, A]),
    ("case x in esac; docker pull a", [A]),
    ("f() { docker pull a; }\nf", [A]),
    ("f () {\n  docker pull a\n}", [A]),
    ("function f { docker pull a; }", [A]),
    ("function f() {\n docker pull a\n}", [A]),
    ("docker() { echo; }", []),
    ("[[ -n $X ]] && docker pull a", [A]),
    ("[[ $X == docker && $Y < pull ]] || docker pull a", [A]),
    ("(( x > 1 )) && docker pull a", [A]),
    ("coproc docker pull a", [A]),
    # redirections: their targets are not arguments
    ("docker pull a > /dev/null 2>&1", [A]),
    ("docker pull a &> log", [A]),
    ("docker pull a &>> log", [A]),
    ("docker pull a >> log 2>> err", [A]),
    ("docker pull a >| log", [A]),
    ("docker pull a < /dev/null", [A]),
    ("docker pull a <<< input", [A]),
    ("docker pull a 2>&-", [A]),
    ("> log docker pull a", [A]),
    ("2>/dev/null docker pull a", [A]),
    ("docker run 3>x alpine", [run("alpine")]),
    ("docker run >out alpine", [run("alpine")]),
    ("docker run {fd}>out alpine", [run("alpine")]),
    ("docker run 2>/dev/null -- alpine", [run("alpine")]),
    # here-documents: the body is text
    ("cat <<EOF\ndocker run x\nEOF\ndocker pull a", [A]),
    ("cat <<-EOF\n\tdocker run x\n\tEOF\ndocker pull a", [A]),
    ("cat <<'EOF'\ndocker run x\nEOF\ndocker pull a", [A]),
    ('cat <<"EOF"\ndocker run x\nEOF\ndocker pull a', [A]),
    ("cat <<\\EOF\ndocker run x\nEOF\ndocker pull a", [A]),
    ("cat << EOF\ndocker run x\nEOF\ndocker pull a", [A]),
    ("cat <<A <<B\ndocker run x\nA\ndocker run y\nB\ndocker pull a", [A]),
    ("cat <<EOF > f; docker pull a\ndocker run x\nEOF\ndocker pull b", [A, B]),
    ("cat <<EOF\ndocker run x\n EOF\nEOF\ndocker pull a", [A]),  # ` EOF` does not end it
    ("cat <<EOF\r\ndocker run x\r\nEOF\r\ndocker pull a\r\n", [A]),
    ("cat <<EOF\ndocker run x", []),  # never terminated
    ("x=$(cat <<EOF\ndocker run x\nEOF\n)\ndocker pull a", [A]),
    ("cat <<EOF | docker run -i alpine sh\ndocker run x\nEOF", [run("alpine")]),
    # comments
    ("# docker pull a\ndocker pull b", [B]),
    ("docker pull b # docker pull a", [B]),
    ("docker pull b #comment", [B]),
    ("docker pull a#b", [pull("a#b")]),  # `#` inside a word is not a comment
    ("echo x;#docker pull a", []),
    ("  # indented comment\n\tdocker pull a", [A]),
    # words that are not commands
    ("echo docker pull a", []),
    ("echo 'docker pull a'", []),
    ('echo "docker pull a"', []),
    ("printf '%s\\n' docker pull a", []),
    ("git commit -m 'docker pull a'", []),
    ("'docker pull a'", []),
    ("which docker", []),
    ("command -v docker", []),
    ("type docker && docker pull a", [A]),
    ("xargs -n1 docker pull < list", []),
    ("retry 3 docker pull a", []),
    ("dockerd --debug", []),
    # the arguments of other commands are skipped, but what they run or redirect is still read
    ("echo $(docker pull a) | docker pull b", [A, B]),
    ("echo 'x' \"$(docker pull a)\" `docker pull b`", [A, B]),
    ("echo a #docker pull x\ndocker pull b", [B]),
    ("echo a\\\n docker pull b", []),
    ("cat > f <<EOF\ndocker pull x\nEOF\ndocker pull b", [B]),
    ("npm test 2>&1 | tee log; docker pull a", [A]),
    ("make -C dir && (cd x; docker pull a)", [A]),
    ("[ -f x ] && docker pull a", [A]),
    ("tee >(docker run a) < in", [run("a")]),
    ("echo a=(b) docker pull c", []),
    ("my-docker pull a", []),
    ('"docker" pull a', [A]),
    ("\\docker pull a", [A]),
    ("'docker' \"pull\" a", [A]),
    # continuations
    ("docker run \\\n  --rm \\\n  alpine", [run("alpine")]),
    ("docker run \\\r\n  --rm \\\r\n  alpine\r\n", [run("alpine")]),
    ("docker pull a\r\ndocker pull b\r\n", [A, B]),
    ("docker \\\npull a", [A]),
    ("docker run --rm\\\n alpine", [run("alpine")]),
    ("doc\\\nker pull a", [A]),
    # quoting of the image word
    ("docker pull 'alpine:3'", [pull("alpine:3", "'alpine:3'")]),
    ('docker pull "alpine:3"', [pull("alpine:3", '"alpine:3"')]),
    ("docker pull al\\pine", [pull("alpine", "al\\pine")]),
    ('docker pull "al"pine', [pull("alpine", '"al"pine')]),
    ("docker pull $'alpine'", [pull("alpine", "$'alpine'")]),
    ("docker pull $'al\\x70ine'", [pull("alpine", "$'al\\x70ine'")]),
    ("docker pull $'al\\160ine'", [pull("alpine", "$'al\\160ine'")]),
    ("docker pull $'it\\'s'", [pull("it's", "$'it\\'s'")]),
    ('docker pull $"alpine"', [pull("alpine", '$"alpine"')]),
    ('docker pull "a\\"b\\$c\\`d\\\\e\\xf"', [pull('a"b$c`d\\e\\xf', '"a\\"b\\$c\\`d\\\\e\\xf"')]),
    ('docker pull "node:\\\n20"', [pull("node:20", '"node:\\\n20"')]),
    ("docker pull a\\", [pull("a", "a\\")]),
    # command substitution: its commands count
    ("$(docker pull a)", [A]),
    ("x=$(docker pull a)", [A]),
    ('echo "$(docker pull a)"', [A]),
    ("echo `docker pull a`", [A]),
    ('echo "`docker pull a`"', [A]),
    ("echo `echo \\`docker pull a\\``", [A]),
    ("x=$(echo $(docker pull a))", [A]),
    ("x=$(docker pull a) && docker pull b", [A, B]),
    ("echo $((1 + 2)) docker pull a", []),
    ("x=$(( (1+2) * 3 )); docker pull a", [A]),
    ("diff <(docker run a) <(docker run b)", [run("a"), run("b")]),
    ("x=$(case y in y) docker pull a;; esac)", [A]),
    ("x=$(# a comment )\ndocker pull a\n)", [A]),
    ("x=${Y:-$(docker pull a)}", [A]),
    ("docker run $(docker pull -q a)", [run("$(docker pull -q a)"), A]),
    ("IMAGES=(a $(docker pull b) 'c d'); docker pull a", [B, A]),
    # sh -c 'script'
    ("sh -c 'docker pull a'", [A]),
    ('bash -c "docker run --rm b"', [run("b")]),
    ("bash -ec 'docker pull a'", [A]),
    ("bash -xc 'docker pull a; docker pull b'", [A, B]),
    ("bash -e -c 'docker pull a'", [A]),
    ("bash -o pipefail -c 'docker pull a'", [A]),
    ("bash --noprofile --norc -eo pipefail -c 'docker pull a'", [A]),
    ("sh -c -- 'docker pull a'", [A]),
    ("/bin/sh -c 'docker pull a'", [A]),
    ("sh script.sh docker pull a", []),
    ("bash -c 'echo docker pull a'", []),
    ('sh -c "docker pull \\"quoted\\""', [pull("quoted", '"quoted"')]),
    ("sudo sh -c 'docker pull a'", [A]),
    ("sh -c 'sh -c \"docker pull a\"'", [A]),
    ("sh -c 'echo unterminated \"' && docker pull a", [A]),
    ("sh -c 'docker pull a' && docker pull b", [A, B]),
    # wrappers that run the next word
    ("sudo docker pull a", [A]),
    ("sudo -E docker pull a", [A]),
    ("sudo -u root docker pull a", [A]),
    ("sudo -Eu root docker pull a", [A]),
    ("sudo -g docker docker pull a", [A]),
    ("sudo --preserve-env docker pull a", [A]),
    ("sudo --preserve-env=PATH,HOME -H -n docker pull a", [A]),
    ("sudo --user=root -- docker pull a", [A]),
    ("sudo FOO=1 docker pull a", [A]),
    ("sudo -l docker pull a", []),
    ("env docker pull a", [A]),
    ("env -i PATH=/bin DOCKER_CONFIG=/x docker pull a", [A]),
    ("env -u FOO docker pull a", [A]),
    ("exec docker pull a", [A]),
    ("exec -a name docker pull a", [A]),
    ("command docker pull a", [A]),
    ("nohup docker pull a &", [A]),
    ("timeout 5m docker pull a", [A]),
    ("timeout -s KILL 60 docker pull a", [A]),
    ("timeout --signal=TERM -k 5 60 docker pull a", [A]),
    ("timeout --preserve-status 10 docker pull a", [A]),
    ("nice docker pull a", [A]),
    ("nice -n 10 docker pull a", [A]),
    ("nice -10 docker pull a", [A]),
    ("sudo timeout 10 env A=1 nice docker pull a", [A]),
    ("FOO=1 BAR=2 docker pull a", [A]),
    ("time sudo -E docker pull a", [A]),
]


@pytest.mark.parametrize(("script", "expected"), CLI_CASES)
def test_container_cli(script, expected):
    assert found(script) == expected


@pytest.mark.parametrize(("script", "expected"), GRAMMAR_CASES)
def test_shell_grammar(script, expected):
    assert found(script) == expected


ENV = {"IMAGE": lit("node:20", 1000), "TAG": None, "DOCKER": lit("docker", 2000)}

VARIABLE_CASES = [
    # from env
    ("docker pull $IMAGE", [pull("node:20", "$IMAGE")]),
    ("docker pull ${IMAGE}", [pull("node:20", "${IMAGE}")]),
    ('docker pull "${IMAGE}"', [pull("node:20", '"${IMAGE}"')]),
    ("docker pull ${IMAGE:-alpine}", [pull("node:20", "${IMAGE:-alpine}")]),
    ("docker pull node:$TAG", [pull("node:$TAG")]),
    ("docker pull $UNSET", [pull("$UNSET")]),
    ("docker pull ${UNSET:-alpine:3}", [pull("alpine:3", "${UNSET:-alpine:3}")]),
    ("docker pull ${IMAGE#node}", [pull("${IMAGE#node}")]),
    ("docker pull ${#IMAGE}", [pull("${#IMAGE}")]),
    ("docker pull $1", [pull("$1")]),
    ("docker pull $", [pull("$")]),
    ("$DOCKER pull a", [A]),
    # from the script
    ("IMAGE=alpine\ndocker pull $IMAGE", [pull("alpine", "$IMAGE")]),
    ("export IMAGE=alpine; docker pull \"${IMAGE}\"", [pull("alpine", '"${IMAGE}"')]),
    ("export -n X IMAGE=alpine; docker pull $IMAGE", [pull("alpine", "$IMAGE")]),
    ("readonly IMAGE=alpine; docker pull $IMAGE", [pull("alpine", "$IMAGE")]),
    ("declare -x IMAGE=alpine; docker pull $IMAGE", [pull("alpine", "$IMAGE")]),
    ("local IMAGE=alpine; docker pull $IMAGE", [pull("alpine", "$IMAGE")]),
    ("typeset IMAGE=alpine; docker pull $IMAGE", [pull("alpine", "$IMAGE")]),
    ("IMAGE=a\nIMAGE=b\ndocker pull $IMAGE", [pull("b", "$IMAGE")]),
    ("IMAGE=alpine docker pull $IMAGE", [pull("node:20", "$IMAGE")]),  # a command's own assignment
    ("IMAGE=a; IMAGE=$IMAGE:1; docker pull $IMAGE", [pull("a:1", "$IMAGE")]),
    ("IMAGE=a; IMAGE+=:1; docker pull $IMAGE", [pull("a:1", "$IMAGE")]),
    ("A=node B=$A:20; docker pull $B", [pull("node:20", "$B")]),
    ('IMAGE="alpine:3"; docker pull $IMAGE', [pull("alpine:3", "$IMAGE")]),
    ("REG=docker.io; docker pull $REG/library/node", [pull("docker.io/library/node", "$REG/library/node")]),
    ("REG=docker.io; docker pull ${REG}/node:${TAG:-20}", [pull("docker.io/node:20", "${REG}/node:${TAG:-20}")]),
    ("IMAGE=x; unset IMAGE; docker pull $IMAGE", [pull("$IMAGE")]),
    ("IMAGE=x; read -r IMAGE; docker pull $IMAGE", [pull("$IMAGE")]),
    ("IMAGE=x; for IMAGE in a b; do docker pull $IMAGE; done", [pull("$IMAGE")]),
    ("IMAGE=$(cat f); docker pull $IMAGE", [pull("$(cat f)", "$IMAGE")]),
    ("IMAGES=(a b); docker pull $IMAGES", [pull("$IMAGES")]),
    ("IMAGE[0]=a; docker pull $IMAGE", [pull("$IMAGE")]),
    ("D=docker; $D pull a", [A]),
    ("IMAGE=alpine sh -c 'docker pull $IMAGE'", [pull("alpine", "$IMAGE")]),
    ("env IMAGE=alpine sh -c 'docker pull $IMAGE'", [pull("alpine", "$IMAGE")]),
    ("sh -c 'IMAGE=alpine'; docker pull $IMAGE", [pull("node:20", "$IMAGE")]),  # a child's assignment
    ("IMAGE=alpine; sh -c \"docker pull $IMAGE\"", [pull("alpine", "alpine")]),  # expanded by the outer shell
    # ${NAME:=word} and ${NAME=word} expand like :- and -, and set NAME
    (': "${UNSET:=alpine:3}"; docker pull $UNSET', [pull("alpine:3", "$UNSET")]),
    (": ${UNSET=alpine:3}; docker pull $UNSET", [pull("alpine:3", "$UNSET")]),
    (': "${IMAGE:=alpine}"; docker pull $IMAGE', [pull("node:20", "$IMAGE")]),  # already set: kept
    (
        'docker pull "${UNSET:=alpine}"; docker run $UNSET',
        [pull("alpine", '"${UNSET:=alpine}"'), run("alpine", "$UNSET")],
    ),
    (": ${UNSET:-alpine}; docker pull $UNSET", [pull("$UNSET")]),  # :- sets nothing
    (": not-an-assignment; docker pull $UNSET", [pull("$UNSET")]),
]


@pytest.mark.parametrize(("script", "expected"), VARIABLE_CASES)
def test_variables(script, expected):
    assert found(script, ENV) == expected


def test_value_origins_point_at_the_assignment():
    text = 'IMAGE=node:20\ndocker run --rm "$IMAGE" npm test'
    (result,) = pulls(lit(text, 50))
    assert result.value.text == "node:20"
    assert result.value.origins == list(range(56, 63))
    assert result.value.variables == ("IMAGE",)
    assert (result.start, result.end) == (50 + text.index('"$IMAGE"'), 50 + text.index(" npm"))
    assert result.command_start == 50 + text.index("docker")


def test_value_origins_of_a_quoted_assignment_skip_the_quotes():
    text = "export IMAGE='alpine:3'\ndocker pull ${IMAGE}"
    (result,) = pulls(lit(text))
    assert result.value.origins == list(range(14, 22))
    assert text[14:22] == "alpine:3"


def test_value_origins_come_from_env():
    (result,) = pulls(lit("docker pull ${IMAGE}-slim"), {"IMAGE": lit("node:20", 300)})
    assert result.value.text == "node:20-slim"
    assert result.value.origins[:7] == list(range(300, 307))
    assert result.value.origins[7:] == list(range(20, 25))


def test_unknown_variable_keeps_its_text_with_unknown_origins():
    (result,) = pulls(lit("docker pull node:$TAG"), {"TAG": None})
    assert result.value.text == "node:$TAG"
    assert result.value.origins[:5] == list(range(12, 17))
    assert result.value.origins[5:] == [UNKNOWN] * 4
    assert result.value.unresolved == ("TAG",)


def test_ansi_escapes_are_synthetic():
    (result,) = pulls(lit("docker pull $'al\\x70ine'"))
    assert result.value.text == "alpine"
    assert result.value.origins[2] == SYNTHETIC
    assert result.value.origins[:2] == [14, 15]


def test_sh_c_spans_land_in_the_outer_file():
    text = "  sh -c 'docker pull alpine:3 && docker run --rm \"node:20\"'"
    first, second = pulls(lit(text))
    assert text[first.start : first.end] == "alpine:3"
    assert text[second.start : second.end] == '"node:20"'
    assert second.value.origins == list(range(text.index("node:20"), text.index("node:20") + 7))
    assert first.command_start == text.index("docker")


def test_sh_c_with_escaped_quotes_keeps_exact_origins():
    text = 'bash -c "docker pull \\"alpine\\""'
    (result,) = pulls(lit(text))
    assert result.value.text == "alpine"
    start = text.index("alpine")
    assert result.value.origins == list(range(start, start + 6))


def test_backticks_with_escapes_keep_exact_origins():
    text = "x=`echo \\`docker pull alpine\\``"
    (result,) = pulls(lit(text))
    start = text.index("alpine")
    assert (result.start, result.end) == (start, start + 6)


def test_crlf_spans():
    text = "docker run \\\r\n  --rm \\\r\n  alpine:3\r\n"
    (result,) = pulls(lit(text))
    assert text[result.start : result.end] == "alpine:3"


def test_command_start_is_the_first_word():
    text = "true; sudo FOO=1 docker pull a"
    (result,) = pulls(lit(text))
    assert result.command_start == text.index("sudo")


def test_build_and_login_words():
    text = "sudo docker build .\ndocker login"
    building, logging_in = pulls(lit(text))
    assert (building.start, building.end) == (5, 11)
    assert building.value is None
    assert logging_in.word.text == "docker"
    assert logging_in.value is None


def test_order_of_appearance_across_nesting():
    text = "docker run $(docker pull -q a) && sh -c 'docker pull b' && echo `docker pull c`"
    assert [p.word.text for p in pulls(lit(text))] == ["$(docker pull -q a)", "a", "b", "c"]


def test_pull_repr():
    (result,) = pulls(lit("docker pull 'a'"))
    assert repr(result) == "Pull(docker pull, \"'a'\" -> 'a', 12, 15)"


def test_shell_dialect_sh_has_no_ansi_quoting():
    assert found("docker pull $'x'", shell="sh") == [pull("$x", "$'x'")]
    assert found("docker pull $'x'", shell="bash -e {0}") == [pull("x", "$'x'")]
    assert found("docker pull $'x'", shell="") == [pull("x", "$'x'")]


# -- UNKNOWN fragments: unresolved ${{ ... }} expressions are opaque parts of their word ----------

UNKNOWN_CASES = [
    ("docker pull ${{ matrix.image }}", [pull("${{ matrix.image }}")]),
    ("docker pull node:${{ matrix.tag }}", [pull("node:${{ matrix.tag }}")]),
    ("docker pull '${{ matrix.image }}'", [pull("${{ matrix.image }}", "'${{ matrix.image }}'")]),
    ("docker pull ${{ format('{0}/x', env.R) }}", [pull("${{ format('{0}/x', env.R) }}")]),
    ('docker pull ${{ a == "b" && c || d }} && docker pull b', [pull('${{ a == "b" && c || d }}'), B]),
    ("docker pull ${{ a; b # c }}", [pull("${{ a; b # c }}")]),
    ("${{ inputs.cmd }} pull alpine", []),
    ("docker ${{ inputs.sub }} alpine", []),
    ("docker run -e X=${{ secrets.Y }} -v ${{ github.workspace }}:/src alpine", [run("alpine")]),
    ("docker run --name=${{ matrix.name }} alpine", [run("alpine")]),
    ("docker login -u ${{ secrets.U }} -p ${{ secrets.P }}", [login()]),
    ("docker login ${{ vars.REGISTRY }}", [login("${{ vars.REGISTRY }}")]),
    ("IMAGE=${{ inputs.image }}\ndocker pull $IMAGE", [pull("${{ inputs.image }}", "$IMAGE")]),
    ("echo ${{ x }} | docker login ghcr.io --password-stdin", [login("ghcr.io")]),
    ("cat <<${{ x }}\ndocker run y\n${{ x }}\ndocker pull a", [A]),
    ("docker pull a # ${{ x }}", [A]),
    ("sh -c '${{ inputs.script }}'", []),
]


@pytest.mark.parametrize(("script", "expected"), UNKNOWN_CASES)
def test_unknown_fragments_stay_inside_their_word(script, expected):
    assert found(github(script)) == expected


def test_unknown_fragment_origins():
    text = "docker pull node:${{ matrix.tag }}-slim"
    (result,) = pulls(github(text))
    expression = text.index("${{")
    assert result.value.origins[:5] == list(range(12, 17))
    assert result.value.origins[5 : 5 + 17] == [UNKNOWN] * 17
    assert result.value.origins[-5:] == list(range(len(text) - 5, len(text)))
    assert (result.start, result.end) == (12, len(text))
    assert result.word.origins[expression - 12] == UNKNOWN


def test_wholly_unknown_word_has_no_span():
    (result,) = pulls(github("docker pull ${{ matrix.image }}"))
    assert (result.start, result.end) == (-1, -1)
    assert result.command_start == 0


# -- broken input: never an exception, whatever was found before is kept -------------------------

BROKEN_CASES = [
    ("", []),
    ("   \n\n\t", []),
    ("docker pull a; echo 'unterminated", [A]),
    ('docker pull a; echo "unterminated', [A]),
    ("docker pull a; echo ${x", [A]),
    ("docker pull a; echo `x", [A]),
    ("docker pull a; echo $'x", [A]),
    ("docker pull a; echo $((1", [A]),
    ("docker pull a; x=(1 2", [A]),
    ("docker pull a; x=$(docker pull b", [A, B]),
    ("docker pull a; <(", [A]),
    ("docker pull a; case", [A]),
    ("docker pull a; for", [A]),
    ("docker pull a; [[", [A]),
    ("docker pull a; $(" + "$(" * 200, [A]),
    ("docker pull a; " + '"${x:-' * 200, [A]),
    ("docker pull a; " + "`" * 201, [A]),
    ("docker pull a; sh -c " + "'sh -c \"" * 50, [A]),
    ("docker pull a; <<", [A]),
    ("docker pull a; cat <<", [A]),
    ("docker pull a; cat <<'", [A]),
    ("docker pull a; ((", [A]),
    ("docker pull a; )))(((", [A]),
    ("docker pull a; " + "((" * 300 + "x" + ") " * 600, [A]),
    ("docker pull a; ;;&;&|&&>>", [A]),
]


@pytest.mark.parametrize(("script", "expected"), BROKEN_CASES)
def test_broken_input(script, expected):
    assert found(script) == expected


def test_nested_sh_c():
    script = "docker pull a"
    for _ in range(7):  # each level quadruples the quotes
        script = "sh -c " + "'" + script.replace("'", "'\\''") + "'"
    assert found(script) == [A]


def test_long_script_is_linear():
    body = "docker run --rm -v /a:/b node:20 npm test\necho $(docker pull -q alpine)\n" * 10
    assert len(found(body)) == 20


def test_self_referencing_assignments_do_not_grow_without_bound():
    script = 'export PATH="$HOME/bin:$PATH"\n' * 3000 + "IMAGE=$PATH; docker pull $IMAGE"
    (result,) = pulls(lit(script))
    assert len(result.value.text) <= MAX_VALUE  # a value too long to be an image starts over as unknown
    assert not result.value.is_known


def test_scripts_without_any_tool_are_skipped_early():
    assert pulls(lit("echo hello; make test")) == []
    assert found("$D pull a", {"D": lit("docker", 10)}) == [A]


# -- builds, tags, loads and buildx builders: what the workflow reader needs beside the pulls ------


def tag(name: str, word: str | None = None, tool: str = "docker") -> tuple:
    return pull(name, word, tool, "tag")


def load(tool: str = "docker") -> tuple:
    return (tool, "load", None, tool)


def builds(script: str | Value, env: dict | None = None) -> list[tuple]:
    """(tool, arguments, tags) of each build, as texts."""
    value = lit(script) if isinstance(script, str) else script
    result = pulls(value, env)
    check_spans(value, result)
    return [
        (p.tool, [a.text for a in p.arguments], [t.text for t in p.tags]) for p in result if p.action == "build"
    ]


BUILD_CASES = [
    ("docker build .", [("docker", ["."], [])]),
    ("docker build -t a:1 .", [("docker", ["-t", "a:1", "."], ["a:1"])]),
    ("docker build --tag=a --tag b -t=c -tc2 .", [("docker", ["--tag=a", "--tag", "b", "-t=c", "-tc2", "."],
                                                  ["a", "b", "c", "c2"])]),
    ("docker build -qt x .", [("docker", ["-qt", "x", "."], ["x"])]),
    ("docker build . -t x", [("docker", [".", "-t", "x"], ["x"])]),  # options after the context
    ("docker build --label -t .", [("docker", ["--label", "-t", "."], [])]),  # `-t` is the label's value
    ("docker build -f Dockerfile --target t --platform linux/amd64 .",
     [("docker", ["-f", "Dockerfile", "--target", "t", "--platform", "linux/amd64", "."], [])]),
    ("docker build --build-arg BASE=public.ecr.aws/docker/library/node:20 -t app .",
     [("docker", ["--build-arg", "BASE=public.ecr.aws/docker/library/node:20", "-t", "app", "."], ["app"])]),
    ("docker build -- -t x", [("docker", ["--", "-t", "x"], [])]),
    ("docker build -t x . > log 2>&1", [("docker", ["-t", "x", "."], ["x"])]),  # redirections are not arguments
    ("docker build $(echo -t x) .", [("docker", ["$(echo -t x)", "."], [])]),
    ("docker image build -t x .", [("docker", ["-t", "x", "."], ["x"])]),
    ("docker buildx build --push --platform linux/amd64,linux/arm64 -t x -t y .",
     [("docker", ["--push", "--platform", "linux/amd64,linux/arm64", "-t", "x", "-t", "y", "."], ["x", "y"])]),
    ("docker buildx build --cache-from type=gha --load -t x .",
     [("docker", ["--cache-from", "type=gha", "--load", "-t", "x", "."], ["x"])]),
    ("docker buildx --builder b build -t x .", [("docker", ["-t", "x", "."], ["x"])]),
    ("docker buildx --builder=b build --tag x .", [("docker", ["--tag", "x", "."], ["x"])]),
    ("docker --context ctx buildx build -t x .", [("docker", ["-t", "x", "."], ["x"])]),
    ("docker builder build -t x .", [("docker", ["-t", "x", "."], ["x"])]),
    ("sudo -E docker build -t x .", [("docker", ["-t", "x", "."], ["x"])]),
    ("podman build -t x .", [("podman", ["-t", "x", "."], ["x"])]),
    ("podman build --pull -t x .", [("podman", ["--pull", "-t", "x", "."], ["x"])]),  # --pull: no value word
    ("podman build --pull=always --layers -t x -f Containerfile .",
     [("podman", ["--pull=always", "--layers", "-t", "x", "-f", "Containerfile", "."], ["x"])]),
    ("podman --root /r build --root /s -t x .", [("podman", ["--root", "/s", "-t", "x", "."], ["x"])]),
    ("podman buildx build -t x .", [("podman", ["-t", "x", "."], ["x"])]),
    ("buildah bud -t x .", [("buildah", ["-t", "x", "."], ["x"])]),
    ("buildah build --tag x --format docker .", [("buildah", ["--tag", "x", "--format", "docker", "."], ["x"])]),
    ("buildah build-using-dockerfile -t x .", [("buildah", ["-t", "x", "."], ["x"])]),
    ("buildah --root /r bud --layers -t x .", [("buildah", ["--layers", "-t", "x", "."], ["x"])]),
    ("nerdctl build -t x .", [("nerdctl", ["-t", "x", "."], ["x"])]),
    ("nerdctl -n k8s.io build --buildkit-host unix:///b.sock -t x .",
     [("nerdctl", ["--buildkit-host", "unix:///b.sock", "-t", "x", "."], ["x"])]),
    # expanded as `value` is
    ("IMAGE=ghcr.io/a/b; docker build -t $IMAGE:1 .", [("docker", ["-t", "ghcr.io/a/b:1", "."], ["ghcr.io/a/b:1"])]),
    ('docker build -t "x:${TAG:-1}" --build-arg "BASE=${BASE}" .',
     [("docker", ["-t", "x:1", "--build-arg", "BASE=${BASE}", "."], ["x:1"])]),
    ("docker build -t x . && docker build -t y .",
     [("docker", ["-t", "x", "."], ["x"]), ("docker", ["-t", "y", "."], ["y"])]),
]


@pytest.mark.parametrize(("script", "expected"), BUILD_CASES)
def test_build_arguments_and_tags(script, expected):
    assert builds(script) == expected


def test_build_tag_and_argument_origins():
    text = "REG=public.ecr.aws\ndocker build --build-arg BASE=$REG/x -t app:1 ."
    (building,) = pulls(lit(text, 100))
    (tagged,) = building.tags
    assert tagged.origins == list(range(100 + text.index("app:1"), 100 + text.index("app:1") + 5))
    argument = building.arguments[1]
    assert argument.text == "BASE=public.ecr.aws/x"
    assert argument.origins[5:19] == list(range(104, 118))  # from the assignment
    assert argument.variables == ("REG",)


OTHER_ACTIONS = [
    "docker pull alpine", "docker run -t alpine", "docker login -u u ghcr.io", "docker tag a -t b", "docker load -q",
    "docker buildx create --driver-opt image=a",
]


@pytest.mark.parametrize("script", OTHER_ACTIONS)
def test_arguments_and_tags_are_empty_for_other_actions(script):
    (result,) = pulls(lit(script))
    assert result.arguments == [] and result.tags == []
    assert (result.driver is None) == (result.action != "buildx-create")


TAG_CASES = [
    ("docker tag a b", [tag("b")]),
    ("docker tag a:1 ghcr.io/me/a:1", [tag("ghcr.io/me/a:1")]),
    ("docker image tag a b", [tag("b")]),
    ("docker tag a b c", [tag("b")]),  # docker tags one target
    ("docker tag a", []),
    ("docker tag", []),
    ("sudo docker tag a b", [tag("b")]),
    ('IMG=ghcr.io/me/x; docker tag a "$IMG:1"', [tag("ghcr.io/me/x:1", '"$IMG:1"')]),
    ("podman tag a b c", [tag("b", tool="podman"), tag("c", tool="podman")]),
    ("podman image tag a b", [tag("b", tool="podman")]),
    ("podman --root /r tag a b", [tag("b", tool="podman")]),
    ("nerdctl tag a b", [tag("b", tool="nerdctl")]),
    ("nerdctl -n ns image tag a b", [tag("b", tool="nerdctl")]),
    ("buildah tag a b c", [tag("b", tool="buildah"), tag("c", tool="buildah")]),
    ("docker build -t x . && docker tag x y && docker run y",
     [build(), tag("y"), run("y")]),  # the caller knows `y` is local
    # loads and imports: local images under names only the archive knows
    ("docker load -i img.tar", [load()]),
    ("docker load < img.tar", [load()]),
    ("docker image load --input img.tar", [load()]),
    ("docker import rootfs.tar me/rootfs", [load()]),
    ("docker image import rootfs.tar", [load()]),
    ("podman load -i img.tar", [load("podman")]),
    ("podman import rootfs.tar", [load("podman")]),
    ("nerdctl load -i img.tar", [load("nerdctl")]),
    ("gunzip -c img.tar.gz | docker load", [load()]),
    ("docker save -o img.tar a", []),
    ("echo docker load", []),
]


@pytest.mark.parametrize(("script", "expected"), TAG_CASES)
def test_tags_and_loads(script, expected):
    assert found(script) == expected


def test_tag_target_span():
    text = "docker tag src:1 'dst:2'"
    (result,) = pulls(lit(text, 10))
    assert result.value.text == "dst:2"
    assert (result.start, result.end) == (10 + text.index("'dst"), 10 + len(text))
    assert result.command_start == 10


def builders(script: str | Value, env: dict | None = None) -> list[tuple]:
    """(image, word, driver) of each `docker buildx create`."""
    value = lit(script) if isinstance(script, str) else script
    result = pulls(value, env)
    check_spans(value, result)
    return [
        (None if p.value is None else p.value.text, p.word.text, p.driver)
        for p in result
        if p.action == "buildx-create"
    ]


DC = "docker-container"

BUILDX_CREATE_CASES = [
    ("docker buildx create --use", [(None, "create", DC)]),
    ("docker buildx create", [(None, "create", DC)]),
    (("docker buildx create --use --name x --driver docker-container "
      "--driver-opt image=moby/buildkit:master,network=host --bootstrap"),
     [("moby/buildkit:master", "moby/buildkit:master", DC)]),
    ("docker buildx create --driver-opt=image=a/b:1", [("a/b:1", "a/b:1", DC)]),
    ("docker buildx create --driver-opt network=host,image=a/b", [("a/b", "a/b", DC)]),
    ("docker buildx create --driver-opt image=a --driver-opt image=b", [("b", "b", DC)]),  # the last wins
    ("docker buildx create --driver-opt image=a --driver-opt network=host", [("a", "a", DC)]),
    ("docker buildx create --driver-opt image=a,image=b", [("b", "b", DC)]),
    ("docker buildx create --driver-opt image=a,image=", [("a", "a", DC)]),  # an empty image is no image
    ("docker buildx create --driver-opt network=host", [(None, "create", DC)]),
    ("docker buildx create --driver-opt image=", [(None, "create", DC)]),
    ('docker buildx create --driver-opt "image=a/b"', [("a/b", "a/b", DC)]),
    ('docker buildx create --driver-opt "network=host,image=a/b" --use', [("a/b", "a/b", DC)]),
    ("docker buildx create --driver-opt 'network=host,\"image=a/b\"'", [("a/b", "a/b", DC)]),  # a CSV-quoted field
    ("docker buildx create --driver kubernetes --driver-opt image=a", [("a", "a", "kubernetes")]),
    ("docker buildx create --driver=remote tcp://buildkitd:1234", [(None, "create", "remote")]),
    ("docker buildx create --driver docker", [(None, "create", "docker")]),
    ("docker buildx create --name image=x ctx", [(None, "create", DC)]),  # --name's value is no driver option
    ("docker buildx create --append --name b --node n2 --platform linux/arm64 --driver-opt image=a ctx",
     [("a", "a", DC)]),
    (("docker buildx create --config c.toml --buildkitd-flags '--debug' --buildkitd-config c --leave "
      "--timeout 20s --bootstrap --driver-opt image=a"), [("a", "a", DC)]),
    ("docker buildx create --buildkitd-flags --driver-opt image=a", [(None, "create", DC)]),  # a flags value
    ("docker buildx create ctx --driver-opt image=a", [("a", "a", DC)]),  # options after the context
    ("docker buildx create -- --driver-opt image=a", [(None, "create", DC)]),
    ("docker buildx --builder b create --driver-opt image=a", [("a", "a", DC)]),
    ("docker buildx --builder=b create --use", [(None, "create", DC)]),
    ("docker --context ctx buildx create --driver-opt image=a", [("a", "a", DC)]),
    ("sudo docker buildx create --driver-opt image=a", [("a", "a", DC)]),
    ("sh -c 'docker buildx create --driver-opt image=a/b'", [("a/b", "a/b", DC)]),
    # an image that is not written inside the option: the option word is reported
    ("IMG=moby/buildkit:v1; docker buildx create --driver-opt image=$IMG", [("moby/buildkit:v1", "image=$IMG", DC)]),
    ("IMG=moby/buildkit:v1; docker buildx create --driver-opt=image=$IMG",
     [("moby/buildkit:v1", "--driver-opt=image=$IMG", DC)]),
    ("docker buildx create --driver-opt image=$UNSET", [("$UNSET", "image=$UNSET", DC)]),
    ("docker buildx create --driver-opt image=$'a\\x2fb'", [("a/b", "image=$'a\\x2fb'", DC)]),
    ("D=kubernetes; docker buildx create --driver $D", [(None, "create", "kubernetes")]),
    # not a buildx create
    ("docker buildx ls", []),
    ("docker buildx use b", []),
    ("podman buildx create --driver-opt image=a", []),
    ("echo docker buildx create", []),
]


@pytest.mark.parametrize(("script", "expected"), BUILDX_CREATE_CASES)
def test_buildx_create(script, expected):
    assert builders(script) == expected


def test_buildx_create_spans_just_the_image():
    text = "docker buildx create --use --driver-opt network=host,image=moby/buildkit:master --bootstrap"
    (result,) = pulls(lit(text, 40))
    assert result.action == "buildx-create"
    assert text[result.start - 40 : result.end - 40] == "moby/buildkit:master"
    assert result.word.text == "moby/buildkit:master"
    assert result.word.origins == list(range(result.start, result.end))
    assert result.value.origins == result.word.origins
    assert result.command_start == 40


def test_buildx_create_without_image_spans_the_create_word():
    text = "docker buildx create --use"
    (result,) = pulls(lit(text))
    assert (result.start, result.end) == (14, 20)
    assert result.value is None


def test_buildx_create_image_from_an_unknown_expression():
    (result,) = pulls(github("docker buildx create --driver-opt image=${{ inputs.buildkit }}"))
    assert result.value.text == "${{ inputs.buildkit }}"
    assert not result.value.is_known
    assert result.word.text == "image=${{ inputs.buildkit }}"
    assert (result.start, result.end) == (34, 40)  # the known part of the word


def test_buildx_create_image_origins_point_at_the_assignment():
    text = "IMG=moby/buildkit:v1\ndocker buildx create --driver-opt image=$IMG"
    (result,) = pulls(lit(text))
    assert result.value.origins == list(range(4, 20))
    assert text[result.start : result.end] == "image=$IMG"


# -- properties -----------------------------------------------------------------------------------

SHELLISH = st.sampled_from(
    [
        " ", "\t", "\n", "\r\n", "\\\n", ";", "&", "&&", "|", "||", "(", ")", "{", "}", "<", ">", "<<", "<<-",
        "2>&1", "'", '"', "\\", "$", "`", "$(", "${", "$((", "$'", "#", "=", "-", "--", "-it", "--name",
        "docker", "podman", "nerdctl", "buildah", "pull", "run", "create", "build", "login", "image", "container",
        "buildx", "sudo", "env", "sh", "-c", "bash", "if", "then", "fi", "for", "in", "do", "done", "case",
        "esac", ")", ";;", "function", "[[", "]]", "EOF", "IMAGE=", "$IMAGE", "node:20", "alpine", "echo",
        "${{ x }}", "x", "é", "\x00",
    ]
)


@given(st.lists(SHELLISH, max_size=60).map("".join))
def test_property_shellish_scripts_never_raise(text):
    found(text)


@given(st.text(max_size=300))
def test_property_any_text_never_raises(text):
    found(text)
    found("docker run " + text)


@given(st.lists(SHELLISH, max_size=40).map("".join), st.integers(0, 1000))
def test_property_offset_scripts_keep_spans_inside(text, start):
    script = lit(text, start)
    for result in pulls(script):
        if result.start != -1:
            assert start <= result.start < result.end <= start + len(text)
            if result.word.source_run(0, len(result.word.text)):
                assert text[result.start - start : result.end - start] == result.word.text


@given(st.data())
def test_property_unknown_origins_never_raise_and_spans_are_known(data):
    text = data.draw(st.lists(SHELLISH, max_size=40).map("".join))
    flags = data.draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    origins = [UNKNOWN if flag else index for index, flag in enumerate(flags)]
    known = {origin for origin in origins if origin >= 0}
    values = st.none() | st.builds(lit, st.text(max_size=8))
    env = data.draw(st.dictionaries(st.sampled_from(["IMAGE", "X", "D"]), values))
    for result in pulls(Value(text, origins), env):
        assert (result.start, result.end) == (-1, -1) or (result.start in known and result.end - 1 in known)
        assert UNKNOWN not in result.word.origins or result.word.text


BUILDISH = st.sampled_from(
    [
        " ", "\n", ";", "&&", "|", "'", '"', "\\", "$", "`", "$(", "${", "=", ",", "-", "--", "-t", "-qt", "--tag",
        "--tag=", "docker", "podman", "nerdctl", "buildah", "buildx", "builder", "image", "build", "bud", "tag",
        "load", "import", "create", "--driver", "--driver=", "--driver-opt", "--driver-opt=", "image=", "network=host",
        "--builder", "--build-arg", "BASE=", "$IMAGE", "${{ x }}", "x", "a/b:1", ".",
    ]
)


@given(st.lists(BUILDISH, max_size=40).map("".join))
def test_property_build_tag_and_builder_reports_are_well_formed(text):
    for result in pulls(lit(text), {"IMAGE": lit("node:20", 5000)}):
        assert all(isinstance(item, Value) for item in result.arguments + result.tags)
        if result.action != "build":
            assert result.arguments == [] and result.tags == []
        assert (result.driver is None) == (result.action != "buildx-create")
        if result.start != -1 and result.word.source_run(0, len(result.word.text)):
            assert text[result.start : result.end] == result.word.text


# --- build contexts, outputs, builders: what a build needs to say for its job ------------


def build_facts(script: str | Value) -> list[tuple]:
    """(action, image or None, word, builder, buildx, load, away) of each build and context,
    and (action, ..., use) of builder selections, in order."""
    value = lit(script) if isinstance(script, str) else script
    result = pulls(value)
    check_spans(value, result)
    return [
        (p.action, None if p.value is None else p.value.text, p.word.text, p.builder, p.buildx, p.load, p.away)
        for p in result
        if p.action in ("build", "context")
    ]


B = ("build", None, "docker")


CONTEXT_CASES = [
    ("docker buildx build --build-context base=docker-image://node:20 .",
     [("context", "node:20", "node:20", "", True, False, False), (*B, "", True, False, False)]),
    ("docker buildx build --build-context=base=docker-image://node:20 --load -t app .",
     [("context", "node:20", "node:20", "", True, False, False), (*B, "", True, True, False)]),
    ("docker build --build-context 'b=docker-image://a/b:1' .",
     [("context", "a/b:1", "a/b:1", "", False, False, False), (*B, "", False, False, False)]),
    ("docker buildx build --builder x --build-context b=docker-image://a .",
     [("context", "a", "a", "x", True, False, False), (*B, "x", True, False, False)]),
    (("docker buildx build --build-context src=../src --build-context t=oci-layout://x "
      "--build-context g=https://github.com/a/b.git ."), [(*B, "", True, False, False)]),
    ("docker buildx build --push -t app .", [(*B, "", True, False, True)]),
    ("docker buildx build --push=false -t app .", [(*B, "", True, False, False)]),
    ("docker buildx build -o type=docker -t app .", [(*B, "", True, True, False)]),
    ("docker buildx build --output type=docker,dest=x.tar -t app .", [(*B, "", True, False, True)]),
    ("docker buildx build --output=type=registry -t app .", [(*B, "", True, False, True)]),
    ("docker buildx build -o ./out .", [(*B, "", True, False, True)]),
    ("docker image build -t app .", [(*B, "", False, False, False)]),
    ("podman build --build-context b=container-image://node:20 -t app .",
     [("context", "node:20", "node:20", "", False, False, False), ("build", None, "podman", "", False, True, False)]),
    ("buildah bud --build-context b=docker://node:20 .",
     [("context", "node:20", "node:20", "", False, False, False), ("build", None, "buildah", "", False, True, False)]),
    ("docker buildx build --build-context b=container-image://node:20 .", [(*B, "", True, False, False)]),
    ("docker buildx bake --set '*.contexts.base=docker-image://node:20' --set app.tags=app:ci --load",
     [("context", "node:20", "node:20", "", True, False, False), (*B, "", True, True, False)]),
    ("docker buildx bake --builder x --push", [(*B, "x", True, False, True)]),
    ("docker buildx bake --set *.output=type=docker", [(*B, "", True, True, False)]),
]


@pytest.mark.parametrize(("script", "expected"), CONTEXT_CASES)
def test_build_contexts_outputs_and_builders(script, expected):
    assert build_facts(script) == expected


def test_bake_set_tags_are_the_build_tags():
    script = lit("docker buildx bake --set *.tags=app:ci --set x.tags+=app:2")
    (build_pull,) = [p for p in pulls(script) if p.action == "build"]
    assert [tag.text for tag in build_pull.tags] == ["app:ci", "app:2"]


def test_context_origins_point_inside_the_option():
    text = "docker buildx build --build-context=base=docker-image://node:20 ."
    (context, _) = pulls(lit(text, 100))
    assert (context.start, context.end) == (156, 163)
    assert context.value.origins == list(range(156, 163))


SELECTION_CASES = [
    ("docker buildx create --use --name b", [("buildx-create", None, "b", True)]),
    ("docker buildx create --name b", [("buildx-create", None, "b", False)]),
    ("docker buildx use b", [("buildx-use", "b", "", False)]),
    ("docker buildx use --default b", [("buildx-use", "b", "", False)]),
    ("docker buildx install", [("buildx-install", None, "", True)]),
    ("docker buildx uninstall", [("buildx-install", None, "", False)]),
]


@pytest.mark.parametrize(("script", "expected"), SELECTION_CASES)
def test_builder_selection(script, expected):
    found = [(p.action, None if p.value is None else p.value.text, p.builder, p.use) for p in pulls(lit(script))]
    assert found == expected


PULL_POLICY_CASES = [
    ("docker pull a", [True]),
    ("podman pull a b", [True, True]),
    ("buildah from a", [False]),
    ("docker run a", [False]),
    ("docker run --pull always a", [True]),
    ("docker run --pull=always a", [True]),
    ("docker run --pull missing a", [False]),
    ("docker create --pull always a", [True]),
]


@pytest.mark.parametrize(("script", "expected"), PULL_POLICY_CASES)
def test_pulls_that_always_pull(script, expected):
    assert [p.always for p in pulls(lit(script))] == expected
