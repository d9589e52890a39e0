"""Start-up: how long `make run` takes to answer /readyz 200, first start and cached starts.

    .venv/bin/python benchmarks/startup.py [--rounds 3] [--port 8695]

Each round, alternately: `make run` on a fresh DATA_DIR (first start: migrations, the tuning
measurements of tuning.py, the models loaded) and on the DATA_DIR of the first round (a cached
start, what every later `make run` is); then the anchor: a bare Python process that only imports and
loads the two default models one after the other (the all-MiniLM-L6-v2 sentence-transformer and OpenVINO
GenAI's pipeline on the bundled GGUF file), the floor any start-up of this product has. Medians, and the
cached start's ratio to the floor. The virtualenv must exist (`make venv`): installing is not timed here.
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.machine import describe  # noqa: E402

FLOOR = """
import time
started = time.perf_counter()
from sentence_transformers import SentenceTransformer
import openvino_genai
from prompt_forge.ai.bundled import minilm_dir, smollm2_gguf
SentenceTransformer(str(minilm_dir()), device="cpu")
config = openvino_genai.SchedulerConfig()
config.cache_size = 1
openvino_genai.ContinuousBatchingPipeline(str(smollm2_gguf()), config, "CPU", {})
print(time.perf_counter() - started)
"""


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def make_run(data_dir: Path, port: int) -> float:
    """Seconds from `make run` to /readyz 200."""
    env = {**os.environ, "DATA_DIR": str(data_dir), "PORT": str(port)}
    started = time.perf_counter()
    server = subprocess.Popen(
        ["make", "run"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        while not ready(port):
            if server.poll() is not None:
                raise SystemExit(f"make run exited with {server.returncode}")
            if time.perf_counter() - started > 600:
                raise SystemExit("make run did not get ready in 10 minutes")
            time.sleep(0.1)
        return time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def floor() -> float:
    """Seconds a bare process takes to import and load the two models (the interpreter's own start included)."""
    started = time.perf_counter()
    subprocess.run([str(ROOT / ".venv/bin/python"), "-c", FLOOR], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8695)
    args = parser.parse_args()
    print(describe())
    first, cached, floors = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        kept = Path(tmp) / "kept"
        for round_number in range(args.rounds):
            fresh = Path(tmp) / f"fresh-{round_number}"
            first.append(make_run(fresh, args.port))
            if round_number == 0:
                make_run(kept, args.port)  # the cached DATA_DIR: migrated and tuned once
            cached.append(make_run(kept, args.port))
            floors.append(floor())
            print(f"round {round_number + 1}: first start {first[-1]:.1f} s, cached {cached[-1]:.1f} s, "
                  f"floor {floors[-1]:.1f} s", flush=True)  # fmt: skip
    first_s, cached_s, floor_s = (statistics.median(values) for values in (first, cached, floors))
    print(f"\nmedians: first start {first_s:.1f} s, cached start {cached_s:.1f} s, floor {floor_s:.1f} s")
    print(f"cached start / floor: {cached_s / floor_s:.2f}x")
    print(describe())


if __name__ == "__main__":
    main()
