#!/usr/bin/env python3
"""Compare a generated scopes.json with a reference dump of scopes per version.

Usage:
    python3 scripts/check-scopes.py REFERENCE_JSON [CATALOGUE_JSON]

REFERENCE_JSON: {VERSION: {SCOPE: [SUBSCOPE, ...], ...}, ...} with the scopes of
each version in `scope_definitions` source order.
CATALOGUE_JSON: defaults to server/catalog/scopes.json.

For every version, the catalogue's view (newest `sets` entry <= version, each
scope's newest `subscopes` entry <= version) must equal the reference exactly:
same versions, same scope names in the same order, same subscope lists.
Also checks internal consistency (added/removed vs. sets).  Exits 1 on any
difference, 0 otherwise.  Standard library only.
"""

import json
import os
import sys

DEFAULT_CATALOGUE = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), os.pardir, "server", "catalog", "scopes.json"
)


def as_of(change_map, release, releases):
    """Value of the newest key of change_map that is <= release (by position in releases)."""
    idx = releases.index(release)
    best = None
    for key, value in change_map.items():
        if key not in releases:
            raise KeyError(f"key {key!r} is not a scanned release")
        k = releases.index(key)
        if k <= idx and (best is None or k > best[0]):
            best = (k, value)
    return None if best is None else best[1]


def view(catalogue, release):
    releases = catalogue["releases"]
    names = as_of(catalogue["sets"], release, releases) or []
    out = {}
    for name in names:
        entry = catalogue["scopes"].get(name)
        if entry is None:
            out[name] = "<missing from scopes>"
            continue
        out[name] = as_of(entry["subscopes"], release, releases)
    return out


def main(argv):
    if len(argv) not in (2, 3) or argv[1] in ("-h", "--help"):
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        reference = json.load(f)
    with open(argv[2] if len(argv) == 3 else DEFAULT_CATALOGUE, encoding="utf-8") as f:
        catalogue = json.load(f)

    errors = []
    releases = catalogue["releases"]
    ref_versions = list(reference)
    for v in ref_versions:
        if v not in releases:
            errors.append(f"{v}: in reference, not scanned in catalogue")
    for v in releases:
        if v not in reference:
            errors.append(f"{v}: scanned in catalogue, not in reference")

    for v in [r for r in releases if r in reference]:
        got, want = view(catalogue, v), reference[v]
        if list(got) != list(want):
            missing = [s for s in want if s not in got]
            extra = [s for s in got if s not in want]
            if missing or extra:
                errors.append(f"{v}: scope names differ; missing {missing}, extra {extra}")
            else:
                errors.append(f"{v}: scope order differs")
        for s in want:
            if s in got and got[s] != want[s]:
                errors.append(f"{v}: subscopes of {s!r}: catalogue {got[s]} != reference {want[s]}")

    # internal consistency of added/removed with sets
    for name, entry in catalogue["scopes"].items():
        present = [r for r in releases if name in (as_of(catalogue["sets"], r, releases) or [])]
        if not present:
            errors.append(f"{name}: in scopes but in no release set")
            continue
        if entry.get("added") != present[0]:
            errors.append(f"{name}: added {entry.get('added')} but first in set of {present[0]}")
        last = releases.index(present[-1])
        exp_removed = releases[last + 1] if last + 1 < len(releases) else None
        if entry.get("removed") != exp_removed:
            errors.append(f"{name}: removed {entry.get('removed')} but expected {exp_removed}")

    for e in errors:
        print("DIFF", e)
    n = sum(1 for r in releases if r in reference)
    if errors:
        print(f"FAIL: {len(errors)} difference(s) over {n} common versions")
        return 1
    print(f"OK: {n} versions, identical scope names, order and subscopes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
