#!/usr/bin/env bash
# npm run test:editor — the extension proven in real editors, headless (see docs/vscode.md):
#   1. the extension test suite (test/extension) through @vscode/test-electron's runTests(), run in
#      code-server (VS Code 1.100.3's workbench and extension host) by the editor kit's code-shim.js
#   2. the Playwright UI test (test/e2e/ui.e2e.js) on the packaged .vsix installed into a fresh code-server
#   3. the stdio server under headless Neovim against the CLI (test/e2e/nvim-parity.js)
# It installs what it needs: chromium, ripgrep and neovim with apt and code-server with npm (the kit's
# install-code-server.sh, into .editor-harness/, which stays out of git), then builds and packages.
#
# env: EDITOR_HARNESS_KIT   the kit (default: ../shared/editor-harness beside the repository)
#      EDITOR_HARNESS_DIR   where code-server is installed (default: .editor-harness)
#      HUBCFG_EDITOR_ARTIFACTS  screenshots and logs (default: test/e2e/artifacts)
#      HUBCFG_EDITOR_ONLY   run only some steps, e.g. "ext,ui" (names: ext ui nvim)
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
KIT=$(cd "${EDITOR_HARNESS_KIT:-$ROOT/../shared/editor-harness}" 2>/dev/null && pwd) || {
  echo "test:editor: the editor kit is not at ${EDITOR_HARNESS_KIT:-$ROOT/../shared/editor-harness}; set EDITOR_HARNESS_KIT" >&2
  exit 2
}
export EDITOR_HARNESS_KIT=$KIT
export EDITOR_HARNESS_DIR=${EDITOR_HARNESS_DIR:-$ROOT/.editor-harness}
ART=${HUBCFG_EDITOR_ARTIFACTS:-$ROOT/test/e2e/artifacts}
ONLY=${HUBCFG_EDITOR_ONLY:-ext,ui,nvim}
VSIX=$ROOT/out/hubcfg.vsix
mkdir -p "$ART" "$EDITOR_HARNESS_DIR"
# neither directory belongs in git (a .gitignore inside each keeps them out without touching the root one)
[ -f "$ART/.gitignore" ] || echo '*' > "$ART/.gitignore"
[ -f "$EDITOR_HARNESS_DIR/.gitignore" ] || echo '*' > "$EDITOR_HARNESS_DIR/.gitignore"

declare -a NAMES TIMES RESULTS
FAILED=0
step() {
  local name=$1; shift
  echo
  echo "=== $name"
  local t0=$EPOCHREALTIME
  "$@"; local rc=$?
  NAMES+=("$name"); TIMES+=("$(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $t0 }")")
  RESULTS+=("$([ $rc -eq 0 ] && echo ok || echo "FAILED (exit $rc)")")
  [ $rc -eq 0 ] || FAILED=1
  return $rc
}
want() { [[ ",$ONLY," == *",$1,"* ]]; }
T0=$EPOCHREALTIME

step "install chromium, ripgrep, neovim (apt) and code-server (npm)" "$KIT/install-code-server.sh" "$EDITOR_HARNESS_DIR" || { echo "test:editor: cannot install the editors" >&2; exit 1; }
step "build" npm run --silent build || exit 1
if want ext; then
  step "extension tests in the extension host (runTests + code-shim)" \
    env CODE_SHIM="$KIT/code-shim.js" node test/extension/runTest.js
fi
if want ui; then
  step "package the .vsix (npm run package)" node client/tools/package.mjs --out "$VSIX" &&
    step "UI test in the workbench (Playwright, installed .vsix)" node test/e2e/ui.e2e.js --vsix "$VSIX" --artifacts "$ART"
fi
if want nvim; then
  step "stdio server under headless Neovim = CLI" node test/e2e/nvim-parity.js
fi

echo
echo "=== test:editor summary"
for i in "${!NAMES[@]}"; do printf '%-66s %7s s  %s\n' "${NAMES[$i]}" "${TIMES[$i]}" "${RESULTS[$i]}"; done
printf '%-66s %7s s\n' "total" "$(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $T0 }")"
echo "screenshots: ${ART#"$ROOT"/}/"
exit $FAILED
