"""deploy/docker/Dockerfile, reviewed statically (no container engine runs here): the properties the
image promises, checked on the file so that an edit cannot silently drop one."""

from __future__ import annotations

import json
import re

import yaml

from conftest import DEPLOY, REPO

DOCKERFILE = DEPLOY / "docker" / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_multi_stage_static_build():
    ins = instructions()
    froms = [rest for word, rest in ins if word == "FROM"]
    assert len(froms) == 2
    args = {rest.split("=")[0]: rest.split("=", 1)[1] for word, rest in ins if word == "ARG" and "=" in rest}
    assert args["SWIFT_IMAGE"].startswith("swift:6.") and "bookworm" in args["SWIFT_IMAGE"]
    assert re.fullmatch(r"debian:12\.\d+-slim", args["RUNTIME_IMAGE"])
    build = " ".join(rest for word, rest in ins if word == "RUN")
    assert "--static-swift-stdlib" in build and "-c release" in build
    assert "libpcre2-dev" in build and "zlib1g-dev" in build


def test_runtime_user_volumes_and_entrypoint():
    ins = instructions()
    assert ("USER", "65532:65532") in ins
    volumes = [json.loads(rest) for word, rest in ins if word == "VOLUME"]
    assert volumes == [["/run/otel-sidecar", "/var/lib/otel-sidecar"]]
    entry = [json.loads(rest) for word, rest in ins if word == "ENTRYPOINT"]
    assert entry == [["/usr/local/bin/otel-sidecar"]]
    cmd = [json.loads(rest) for word, rest in ins if word == "CMD"]
    assert cmd == [["run", "--config", "/etc/otel-sidecar/config.yaml"]]
    assert ("STOPSIGNAL", "SIGTERM") in ins
    assert ("EXPOSE", "4317 4318 9464") in ins


def test_healthcheck_is_shell_free():
    (hc,) = [rest for word, rest in instructions() if word == "HEALTHCHECK"]
    cmd = json.loads(hc.split("CMD", 1)[1])
    assert cmd[0] == "/usr/local/bin/otel-sidecar" and cmd[1] == "healthcheck"
    assert cmd[-1] == "http://127.0.0.1:9464/readyz"


def test_oci_labels():
    labels = " ".join(rest for word, rest in instructions() if word == "LABEL")
    for key in ("title", "description", "version", "revision", "created", "source", "licenses"):
        assert f"org.opencontainers.image.{key}=" in labels, key


def test_dockerignore_keeps_the_build_inputs():
    ignore = (DEPLOY / "docker" / "Dockerfile.dockerignore").read_text().split()
    assert ignore[ignore.index("*") :][:1] == ["*"]
    for needed in ("!Package.swift", "!Sources/", "!Tests/", "!deploy/docker/config.yaml"):
        assert needed in ignore
    copied = [rest.split()[0] for word, rest in instructions() if word == "COPY" and not rest.startswith("--from")]
    for src in copied:
        assert src.startswith(("Package", "Sources", "Tests", "deploy/docker/config.yaml")), src
        assert list(REPO.glob(src)), f"COPY {src}: nothing in the repository matches"


def test_baked_config_listens_for_other_containers():
    cfg = yaml.safe_load((DEPLOY / "docker" / "config.yaml").read_text())
    assert cfg["prometheus"]["endpoint"] == "0.0.0.0:9464"
    assert cfg["receivers"]["otlp"]["grpc"]["endpoint"] == "0.0.0.0:4317"
