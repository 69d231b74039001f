"""The container image's start command and health check, run outside a container.

The image itself is built and run by `scripts/container_check` (buildah, in CI), which takes
minutes; this is the quick check in the test suite: the Dockerfile's own CMD and HEALTHCHECK
with its ENV, only the address and data folder moved.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

from knowledge.model_cache import cache_dir

ROOT = Path(__file__).resolve().parent.parent
PORT = 9530


def _dockerfile() -> tuple[dict[str, str], list[str], list[str]]:
    """Return the Dockerfile's ENV, its CMD and its HEALTHCHECK command (both exec form)."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    env: dict[str, str] = {}
    command: list[str] = []
    health: list[str] = []
    for line in text.splitlines():
        if line.startswith("ENV "):
            for pair in shlex.split(line[4:]):
                name, _, value = pair.partition("=")
                env[name] = value
        elif line.startswith("CMD "):
            command = json.loads(line[4:])
        elif line.startswith("HEALTHCHECK "):
            health = json.loads(line.split(" CMD ", 1)[1])
    return env, command, health


def test_image_command_starts_the_service_and_passes_its_health_check(tmp_path: Path) -> None:
    env, command, health = _dockerfile()
    assert command[0] == "migrasi-aman"
    assert health[0] == "python"
    bin_dir = Path(sys.executable).parent
    env.update(
        {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(tmp_path),
            # Outside the container: loopback, our port, a folder in place of /data.
            "MIGRASI_HOST": "127.0.0.1",
            "MIGRASI_PORT": str(PORT),
            "MIGRASI_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'migrasi-aman.db'}",
            # The image trains its models at build time; here the suite's own trained models
            # stand in for that (retraining at start would only test the machine's speed).
            "MIGRASI_MODEL_CACHE": str(cache_dir()),
        }
    )
    log = (tmp_path / "serve.log").open("wb")
    service = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=log, stderr=log)  # noqa: S603
    try:
        deadline = time.monotonic() + 90
        while True:
            checked = subprocess.run(  # noqa: S603 (the Dockerfile's own command)
                health, env=env, capture_output=True, timeout=10, check=False
            )
            if checked.returncode == 0 or time.monotonic() > deadline:
                break
            assert service.poll() is None, (tmp_path / "serve.log").read_text()
            time.sleep(0.5)
        assert checked.returncode == 0, checked.stderr
        assert (tmp_path / "migrasi-aman.db").exists()  # migrated on start
    finally:
        service.terminate()
        service.wait(timeout=20)
        log.close()
