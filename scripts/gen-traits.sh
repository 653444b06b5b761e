#!/bin/sh
# Regenerate every traits catalogue (server/catalog/traits/*.json + index.json).
#
#   scripts/gen-traits.sh DIR
#
# DIR holds the upstream git directories (bare or checkouts) of the repositories listed in
# scripts/data/trait-sources.json, named <name>, <name>.git, <owner>/<name> or
# <owner>+<name>/repo, e.g. DIR/jupyterhub.git, DIR/kubespawner, DIR/traitlets.git.
# Fetch them with e.g.  git clone --bare https://github.com/jupyterhub/jupyterhub DIR/jupyterhub.git
# Tags and history per package are in the manifest; for a new release, add the tag there
# (or run scripts/gen-traits.py for one package, see its --help).
set -eu
if [ $# -lt 1 ]; then
    sed -n '2,11p' "$0"
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
sources=$1
shift
exec python3 "$here/gen-traits.py" --all --sources-dir "$sources" "$@"
