#!/usr/bin/env bash
# Deploy Prompt Forge to a server over SSH and (re)start it with Docker Compose.
#
# Copies the committed files of this checkout to DEPLOY_PATH on the server, writes the server's
# .env from the environment (GitHub secrets in .github/workflows/deploy.yml), runs
# `docker compose up -d --build`, applies migrations and waits until /readyz answers.
#
# Required: DEPLOY_HOST DEPLOY_USER DEPLOY_SSH_KEY SECRET_KEY ALLOWED_HOSTS DATABASE_PASSWORD
#           PGADMIN_DEFAULT_PASSWORD GF_SECURITY_ADMIN_PASSWORD
# Optional: DEPLOY_PATH (/opt/prompt-forge), DEPLOY_PORT (22), DEPLOY_KNOWN_HOSTS (the server's host key
#   lines; without it the key is accepted on first use), READY_TIMEOUT (600 s), and the settings written
#   to .env below (DATABASE_NAME, DATABASE_USER, PGADMIN_DEFAULT_EMAIL, WEB_CONCURRENCY, ...).
set -euo pipefail

cd "$(dirname "$0")/.."

required=(DEPLOY_HOST DEPLOY_USER DEPLOY_SSH_KEY SECRET_KEY ALLOWED_HOSTS DATABASE_PASSWORD
  PGADMIN_DEFAULT_PASSWORD GF_SECURITY_ADMIN_PASSWORD)
for name in "${required[@]}"; do
  if [ -z "${!name:-}" ]; then
    echo "deploy: $name is not set" >&2
    exit 2
  fi
done

DEPLOY_PATH="${DEPLOY_PATH:-/opt/prompt-forge}"
DEPLOY_PORT="${DEPLOY_PORT:-22}"
READY_TIMEOUT="${READY_TIMEOUT:-600}"
REMOTE="${DEPLOY_USER}@${DEPLOY_HOST:?}"
# The path is pasted into remote shell commands below.
if [[ ! "$DEPLOY_PATH" =~ ^/[A-Za-z0-9._/-]+$ ]]; then
  echo "deploy: DEPLOY_PATH must be an absolute path of letters, digits and ._/-" >&2
  exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
chmod 700 "$work"

printf '%s\n' "$DEPLOY_SSH_KEY" > "$work/id_deploy"
chmod 600 "$work/id_deploy"
if [ -n "${DEPLOY_KNOWN_HOSTS:-}" ]; then
  printf '%s\n' "$DEPLOY_KNOWN_HOSTS" > "$work/known_hosts"
  host_keys=(-o StrictHostKeyChecking=yes)
else
  echo "deploy: DEPLOY_KNOWN_HOSTS is not set; accepting the server's host key on first use" >&2
  : > "$work/known_hosts"
  host_keys=(-o StrictHostKeyChecking=accept-new)
fi
ssh_options=(-i "$work/id_deploy" -p "$DEPLOY_PORT" -o IdentitiesOnly=yes -o BatchMode=yes
  -o UserKnownHostsFile="$work/known_hosts" "${host_keys[@]}")

remote() {
  # The command is built here on purpose (DEPLOY_PATH is checked above).
  # shellcheck disable=SC2029
  ssh "${ssh_options[@]}" "$REMOTE" "$@"
}

# The server's .env: production settings, every value from this script's environment.
env_line() {
  local name="$1" default="${2:-}"
  local value="${!name:-$default}"
  if [[ "$value" == *$'\n'* || "$value" == *"'"* ]]; then
    echo "deploy: $name must be one line without single quotes" >&2
    exit 2
  fi
  printf "%s='%s'\n" "$name" "$value"
}
umask 077
{
  echo "# Written by deploy/deploy.sh; changes here are replaced on the next deployment."
  env_line SECRET_KEY
  env_line DEBUG False
  env_line ALLOWED_HOSTS
  env_line LOG_LEVEL INFO
  env_line DATABASE_NAME prompt_forge
  env_line DATABASE_USER postgres
  env_line DATABASE_PASSWORD
  env_line TRUSTED_PROXY_COUNT 1
  env_line API_PUBLISH 127.0.0.1:8000
  env_line WEB_CONCURRENCY 2
  env_line GENERATION_MODEL HuggingFaceTB/SmolLM2-135M-Instruct
  env_line GENERATION_MAX_NEW_TOKENS 128
  env_line VECTOR_BACKEND faiss
  env_line THROTTLE_RATE_BURST 1/second
  env_line THROTTLE_RATE_SUSTAINED 10/minute
  env_line THROTTLE_RATE_AUTH 20/minute
  env_line SECURE_SSL_REDIRECT True
  env_line PGADMIN_PORT 5050
  env_line PGADMIN_DEFAULT_EMAIL admin@promptforge.io
  env_line PGADMIN_DEFAULT_PASSWORD
  env_line GF_SECURITY_ADMIN_USER admin
  env_line GF_SECURITY_ADMIN_PASSWORD
} > "$work/env"

echo "deploy: copying $(git rev-parse --short HEAD) to $REMOTE:$DEPLOY_PATH"
git archive --format=tar HEAD > "$work/release.tar"
remote "rm -rf '$DEPLOY_PATH.next' && mkdir -p '$DEPLOY_PATH.next' && tar -x -C '$DEPLOY_PATH.next'" < "$work/release.tar"
remote "cat > '$DEPLOY_PATH.next/.env' && chmod 600 '$DEPLOY_PATH.next/.env'" < "$work/env"
# Swap the new release in; volumes (database, indexes, dashboards) live in Docker, not in this folder.
remote "rm -rf '$DEPLOY_PATH.previous' && { [ ! -d '$DEPLOY_PATH' ] || mv '$DEPLOY_PATH' '$DEPLOY_PATH.previous'; } && mv '$DEPLOY_PATH.next' '$DEPLOY_PATH'"

echo "deploy: building and starting the stack"
remote "cd '$DEPLOY_PATH' && docker compose up -d --build --remove-orphans"
remote "cd '$DEPLOY_PATH' && docker compose exec -T api python manage.py migrate --noinput"

echo "deploy: waiting for /readyz (models load on start)"
deadline=$((SECONDS + READY_TIMEOUT))
until remote "cd '$DEPLOY_PATH' && docker compose exec -T api python -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=5)\""; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "deploy: the API did not become ready within ${READY_TIMEOUT}s" >&2
    remote "cd '$DEPLOY_PATH' && docker compose ps && docker compose logs --tail 100 api" || true
    exit 1
  fi
  sleep 5
done
remote "cd '$DEPLOY_PATH' && docker compose ps"
echo "deploy: done"
