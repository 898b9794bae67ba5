# Shared settings for every project script (sourced, not executed).
# One cargo target dir outside the clone, so repeated runs (and CI on the same machine) reuse
# the build cache; a fresh machine simply builds from scratch.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/paywire/target}"
export PAYWIRE_CACHE="${PAYWIRE_CACHE:-$HOME/.cache/paywire}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
PAYWIRE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PAYWIRE_ROOT
mkdir -p "$CARGO_TARGET_DIR" "$PAYWIRE_CACHE"

step() { printf '\n==> %s\n' "$*"; }
