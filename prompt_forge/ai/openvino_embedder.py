"""A sentence-transformers model run by the OpenVINO runtime (EMBEDDING_PRECISION=openvino).

The whole model (transformer, pooling, normalisation) is converted once from the loaded torch model
with `openvino.convert_model` and saved as OpenVINO IR in MODEL_CACHE_DIR/openvino; the folder's name
carries the model files' fingerprint and the OpenVINO version, so another model or runtime converts
again. Tokenization stays sentence-transformers' own (`model.preprocess`), so a text gets the same
tokens as under torch. The arithmetic stays float32 (the inference precision hint is pinned: OpenVINO
would pick bfloat16 on CPUs that have it), so vectors match torch float32's (cosine > 0.99999) and keep
the model's name.

A query runs on the calling thread alone (or the threads measured best, see embedding_tuning.py); a
bulk batch (import, re-embedding) is cut into length-sorted chunks computed on every core.
"""

import hashlib
import logging
import queue
import threading
import time
import warnings
from pathlib import Path

import numpy as np

from .threads import cpu_count
from .weight_cache import read_cache, write_folder_atomically

logger = logging.getLogger(__name__)

IR_FORMAT = 1
IR_FILE = "embedder.xml"
# Texts per inference in a bulk batch (as sentence-transformers' encode: sorted by length, then chunked).
CHUNK_TEXTS = 64


def _fingerprint(model, source: str) -> str:
    """What the converted model depends on: the source folder's files (name, size, mtime) when the
    model was loaded from a folder, else its weights' bytes."""
    digest = hashlib.sha256()
    folder = Path(source)
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    else:
        for name, tensor in model.state_dict().items():
            digest.update(name.encode())
            digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()[:16]


def ir_folder(model, source: str, cache_dir: Path) -> Path:
    import openvino

    slug = "".join(c if c.isalnum() or c in "-_." else "_" for c in Path(source).name or source)
    version = openvino.get_version().split("-")[0]
    return Path(cache_dir) / "openvino" / f"{slug}-{_fingerprint(model, source)}-ov{version}-v{IR_FORMAT}"


def input_names(model) -> list[str]:
    """The tensors the tokenizer hands the model (input_ids, attention_mask, ...), in its order."""
    import torch

    return [name for name, value in model.preprocess(["a"]).items() if isinstance(value, torch.Tensor)]


def _convert(model, names: list[str]):
    """The torch model as an OpenVINO model: inputs named as the tokenizer's outputs, dynamic batch
    and length, one output (the normalised sentence embedding)."""
    import openvino
    import torch

    class Whole(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors):
            return self.model(dict(zip(names, tensors, strict=True)))["sentence_embedding"]

    example = model.preprocess(["An example sentence to trace the model with.", "Another one."])
    with torch.inference_mode(), warnings.catch_warnings():
        # The tracer warns that shape comparisons become constants; for an encoder they are (the mask
        # is always as long as the input, and present), so the converted model holds for any length.
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        warnings.simplefilter("ignore", FutureWarning)
        converted = openvino.convert_model(Whole().eval(), example_input=tuple(example[name] for name in names))
    for port, name in zip(converted.inputs, names, strict=True):
        port.get_tensor().set_names({name})
    return converted


def load_ir(model, source: str, cache_dir: Path):
    """The model as OpenVINO IR: read from the cache, or converted now and cached."""
    import openvino

    folder = ir_folder(model, source, cache_dir)
    core = openvino.Core()
    converted = read_cache(folder, lambda path: core.read_model(path / IR_FILE))
    if converted is None:
        started = time.perf_counter()
        converted = _convert(model, input_names(model))
        # float32 weights: compressing them to float16 would move the vectors.
        write_folder_atomically(
            folder, lambda path: openvino.save_model(converted, path / IR_FILE, compress_to_fp16=False)
        )
        logger.info("converted %s to OpenVINO in %.1f s (cached in %s)", source, time.perf_counter() - started, folder)
    return core, converted


class OpenVINOEncoder:
    """Encodes texts with the converted model; thread-safe (one infer request per concurrent caller)."""

    def __init__(self, model, source: str, cache_dir: Path) -> None:
        self._model = model  # the sentence-transformers model: its tokenizer and settings
        self._names = input_names(model)
        self._core, self._ir = load_ir(model, source, cache_dir)
        self._compiled: dict[int, _Compiled] = {}  # by thread count, each compiled on first use
        self._lock = threading.Lock()

    def query(self, texts: list[str], *, threads: int) -> np.ndarray:
        return _normalized(self._compiled_for(threads).run(self._features(texts)))

    def bulk(self, texts: list[str]) -> np.ndarray:
        compiled = self._compiled_for(cpu_count())
        order = np.argsort([-len(text) for text in texts], kind="stable")  # similar lengths pad little
        chunks = [order[start : start + CHUNK_TEXTS] for start in range(0, len(texts), CHUNK_TEXTS)]
        vectors = None
        for rows in chunks:
            out = compiled.run(self._features([texts[row] for row in rows]))
            if vectors is None:
                vectors = np.empty((len(texts), out.shape[1]), np.float32)
            vectors[rows] = out
        return _normalized(vectors)

    def _features(self, texts: list[str]) -> dict[str, np.ndarray]:
        features = self._model.preprocess(texts)
        return {name: features[name].numpy() for name in self._names}

    def _compiled_for(self, threads: int) -> "_Compiled":
        compiled = self._compiled.get(threads)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(threads)
                if compiled is None:
                    compiled = self._compiled[threads] = _Compiled(self._core, self._ir, threads=threads)
        return compiled


def _normalized(vectors: np.ndarray) -> np.ndarray:
    """Unit rows (the converted model normalises already when the model has a Normalize module; the
    torch path normalises every model's vectors, so this one does too)."""
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


class _Compiled:
    def __init__(self, core, ir, *, threads: int) -> None:
        self._compiled = core.compile_model(
            ir,
            "CPU",
            {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_NUM_THREADS": threads, "INFERENCE_PRECISION_HINT": "f32"},
        )
        self._requests: queue.SimpleQueue = queue.SimpleQueue()

    def run(self, features: dict[str, np.ndarray]) -> np.ndarray:
        try:
            request = self._requests.get_nowait()
        except queue.Empty:
            request = self._compiled.create_infer_request()
        try:
            return request.infer(features)[0].copy()  # the output buffer is reused by the next call
        finally:
            self._requests.put(request)
