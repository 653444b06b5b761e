#!/usr/bin/env python3
"""Generate server/catalog/scopes.json: the JupyterHub RBAC scope catalogue.

Usage:
    python3 scripts/gen-scopes.py GIT_DIR [-o OUTPUT] [--tags T1,T2,...]

GIT_DIR is a jupyterhub/jupyterhub git directory (a bare mirror or the `.git`
of a checkout).  Nothing is imported from upstream: `jupyterhub/scopes.py` and
`jupyterhub/roles.py` are read with `git --git-dir=GIT_DIR show TAG:PATH` and
parsed with the `ast` module.  Standard library only.

Releases scanned (unless --tags is given): every final tag X.Y.Z >= 2.0.0, plus
the single newest pre-release tag (aN/bN/rcN) when it is newer than the newest
final release (e.g. 6.0.0b2 while 6.0 has no final release).

Only facts are stored (names, subscope lists, default-role scope lists, short
regex strings, booleans).  Upstream description text is NEVER written.

Output format (schema 1)
------------------------
{
  "schema": 1,
  "source": str,                       # tag range and method
  "scopes": {                          # union over all scanned releases, in first-seen source order
    NAME: {
      "added": VERSION,                # first scanned release that defines it
      "removed": VERSION | null,       # first scanned release (after "added") where it is gone
      "subscopes": {VERSION: [...]},   # value at "added" plus every release where the list changed
                                       # ([] when the definition has no "subscopes" key)
      "doc": URL,                      # docs anchor of the "Available scopes" table
      # optional fields:
      "hasDescription": bool,          # definition has a "description" key (newest release defining it)
      "hasDocDescription": bool,       # definition has a "doc_description" key (idem)
      "absentIn": [VERSION, ...]       # only when the scope vanished and came back (never so far)
    }
  },
  "releases": [VERSION, ...],          # all scanned, oldest first
  "sets": {VERSION: [NAME, ...]},      # keys of scope_definitions in source order; only releases where the
                                       # ordered list differs from the previous release
  "defaultRoles": {VERSION: {ROLE: [SCOPE, ...]}},   # get_default_roles(); only where changed
  "roleNamePattern": {VERSION: REGEX},               # roles.py role-name regex; only where changed
  "customScopePattern": {VERSION: REGEX},            # scopes.py custom-scope regex; only where changed
  # optional:
  "commits": {VERSION: SHA},           # commit each scanned tag points to (provenance)
  "patternNames": {"roleNamePattern": {VERSION: NAME}, "customScopePattern": {VERSION: NAME}}
                                       # module-level variable holding the regex; only where changed
}

Change-only maps are read as "value of the newest key <= the release in question";
a pattern map with no key <= a release means "not present in that release".
"""

import argparse
import ast
import json
import os
import re
import subprocess
import sys

SCOPES_PY = "jupyterhub/scopes.py"
ROLES_PY = "jupyterhub/roles.py"
MIN_VERSION = (2, 0, 0)
SCOPE_DOC = "https://jupyterhub.readthedocs.io/en/stable/rbac/scopes.html#available-scopes"
DEFAULT_OUTPUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), os.pardir, "server", "catalog", "scopes.json"
)

_TAG_RE = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:(a|b|rc)(\d+))?$")
_PRE_ORDER = {"a": 0, "b": 1, "rc": 2}


def version_key(tag):
    m = _TAG_RE.match(tag)
    if not m:
        raise ValueError(f"not a release tag: {tag}")
    major, minor, patch, pre, pre_n = m.groups()
    # finals sort after every pre-release of the same X.Y.Z
    pre_key = (3, 0) if pre is None else (_PRE_ORDER[pre], int(pre_n))
    return (int(major), int(minor), int(patch)) + pre_key


def is_final(tag):
    return _TAG_RE.match(tag).group(4) is None


def git(git_dir, *args):
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def select_tags(git_dir):
    tags = [t for t in git(git_dir, "tag", "--list").split() if _TAG_RE.match(t)]
    tags = [t for t in tags if version_key(t)[:3] >= MIN_VERSION]
    tags.sort(key=version_key)
    finals = [t for t in tags if is_final(t)]
    selected = list(finals)
    pres = [t for t in tags if not is_final(t)]
    if pres and (not finals or version_key(pres[-1]) > version_key(finals[-1])):
        selected.append(pres[-1])
    return selected


# ---------------------------------------------------------------- AST helpers


def _module_assign(tree, name):
    """Value node of a module-level `name = ...` (or annotated) assignment; last one wins."""
    found = None
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == name:
                    found = node.value
        elif isinstance(node, ast.AnnAssign):
            if isinstance(node.target, ast.Name) and node.target.id == name and node.value:
                found = node.value
    return found


def _str_const(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _compiled_patterns(tree):
    """{var_name: regex} for module-level `X = re.compile("...")` assignments."""
    out = {}
    for node in tree.body:
        if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Call):
            continue
        func = node.value.func
        if not (
            isinstance(func, ast.Attribute)
            and func.attr == "compile"
            and isinstance(func.value, ast.Name)
            and func.value.id == "re"
        ):
            continue
        if not node.value.args:
            continue
        regex = _str_const(node.value.args[0])
        if regex is None:
            continue
        for target in node.targets:
            if isinstance(target, ast.Name):
                out[target.id] = regex
    return out


def _pick_pattern(patterns, preferred, keywords):
    """Choose the regex variable: the preferred name, else the only name containing all keywords."""
    if preferred in patterns:
        return preferred, patterns[preferred]
    cands = [n for n in patterns if all(k in n.lower() for k in keywords)]
    if len(cands) == 1:
        return cands[0], patterns[cands[0]]
    if len(cands) > 1:
        raise SystemExit(f"ambiguous pattern variables {cands} (looking for {preferred})")
    return None, None


def parse_scopes_py(source, tag):
    tree = ast.parse(source, filename=f"{tag}:{SCOPES_PY}")
    node = _module_assign(tree, "scope_definitions")
    if not isinstance(node, ast.Dict):
        raise SystemExit(f"{tag}: scope_definitions is not a dict literal")
    scopes = {}
    for key_node, value_node in zip(node.keys, node.values):
        name = _str_const(key_node)
        if name is None:
            raise SystemExit(f"{tag}: non-literal key in scope_definitions (line {value_node.lineno})")
        if not isinstance(value_node, ast.Dict):
            raise SystemExit(f"{tag}: definition of {name!r} is not a dict literal")
        entry = {"subscopes": [], "hasDescription": False, "hasDocDescription": False}
        for k, v in zip(value_node.keys, value_node.values):
            field = _str_const(k)
            if field == "subscopes":
                subs = ast.literal_eval(v)
                if not isinstance(subs, list) or not all(isinstance(s, str) for s in subs):
                    raise SystemExit(f"{tag}: subscopes of {name!r} is not a list of str")
                entry["subscopes"] = subs
            elif field == "description":
                entry["hasDescription"] = True  # presence only; the text is never read
            elif field == "doc_description":
                entry["hasDocDescription"] = True
        if name in scopes:
            raise SystemExit(f"{tag}: duplicate key {name!r} in scope_definitions")
        scopes[name] = entry
    var, regex = _pick_pattern(_compiled_patterns(tree), "_custom_scope_pattern", ("custom", "pattern"))
    return scopes, (var, regex)


def parse_roles_py(source, tag):
    tree = ast.parse(source, filename=f"{tag}:{ROLES_PY}")
    func = next(
        (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "get_default_roles"),
        None,
    )
    if func is None:
        raise SystemExit(f"{tag}: get_default_roles() not found in {ROLES_PY}")
    roles_node = None
    for stmt in ast.walk(func):
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.List):
            roles_node = stmt.value
            break
        if isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.List):
            roles_node = stmt.value
            break
    if roles_node is None:
        raise SystemExit(f"{tag}: no list literal in get_default_roles()")
    roles = {}
    for elt in roles_node.elts:
        if not isinstance(elt, ast.Dict):
            raise SystemExit(f"{tag}: default role is not a dict literal")
        fields = {_str_const(k): v for k, v in zip(elt.keys, elt.values)}
        name = ast.literal_eval(fields["name"])
        scopes = ast.literal_eval(fields["scopes"]) if "scopes" in fields else []
        roles[name] = list(scopes)
    var, regex = _pick_pattern(_compiled_patterns(tree), "_role_name_pattern", ("role", "pattern"))
    return roles, (var, regex)


# ---------------------------------------------------------------- catalogue


def changes_only(per_release, releases):
    """{release: value} keeping the first release of each distinct consecutive value.
    Releases where the value is None (absent) are skipped until it appears."""
    out = {}
    prev = object()
    for rel in releases:
        if rel not in per_release:
            continue
        val = per_release[rel]
        if val is None:
            prev = None
            continue
        if val != prev:
            out[rel] = val
        prev = val
    return out


def build(git_dir, tags):
    scopes_by_rel = {}
    roles_by_rel = {}
    role_pat = {}
    custom_pat = {}
    role_pat_name = {}
    custom_pat_name = {}
    commits = {}
    for tag in tags:
        commits[tag] = git(git_dir, "rev-list", "-n", "1", tag).strip()
        scopes, (cvar, cregex) = parse_scopes_py(git(git_dir, "show", f"{tag}:{SCOPES_PY}"), tag)
        roles, (rvar, rregex) = parse_roles_py(git(git_dir, "show", f"{tag}:{ROLES_PY}"), tag)
        scopes_by_rel[tag] = scopes
        roles_by_rel[tag] = roles
        role_pat[tag], role_pat_name[tag] = rregex, rvar
        custom_pat[tag], custom_pat_name[tag] = cregex, cvar

    catalogue_scopes = {}
    for i, tag in enumerate(tags):
        for name in scopes_by_rel[tag]:
            if name not in catalogue_scopes:
                catalogue_scopes[name] = None  # reserve first-seen order
    for name in catalogue_scopes:
        present = [t for t in tags if name in scopes_by_rel[t]]
        first = present[0]
        start = tags.index(first)
        after = tags[start:]
        absent = [t for t in after if name not in scopes_by_rel[t]]
        removed = None
        absent_in = []
        if absent:
            last_present = tags.index(present[-1])
            gone_after = [t for t in tags[last_present + 1:]]
            removed = gone_after[0] if gone_after else None
            absent_in = [t for t in absent if tags.index(t) < last_present]
        subs = changes_only(
            {t: (scopes_by_rel[t][name]["subscopes"] if name in scopes_by_rel[t] else None) for t in tags},
            tags,
        )
        newest = scopes_by_rel[present[-1]][name]
        entry = {
            "added": first,
            "removed": removed,
            "subscopes": subs,
            "doc": SCOPE_DOC,
            "hasDescription": newest["hasDescription"],
            "hasDocDescription": newest["hasDocDescription"],
        }
        if absent_in:
            entry["absentIn"] = absent_in
        catalogue_scopes[name] = entry

    sets = changes_only({t: list(scopes_by_rel[t]) for t in tags}, tags)
    default_roles = changes_only(roles_by_rel, tags)
    out = {
        "schema": 1,
        "source": (
            f"jupyterhub/jupyterhub tags {tags[0]}..{tags[-1]} "
            f"(AST scan of {SCOPES_PY}, {ROLES_PY})"
        ),
        "scopes": catalogue_scopes,
        "releases": list(tags),
        "sets": sets,
        "defaultRoles": default_roles,
        "roleNamePattern": changes_only(role_pat, tags),
        "customScopePattern": changes_only(custom_pat, tags),
        "commits": commits,
        "patternNames": {
            "roleNamePattern": changes_only(role_pat_name, tags),
            "customScopePattern": changes_only(custom_pat_name, tags),
        },
    }
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("git_dir", help="jupyterhub/jupyterhub git directory")
    ap.add_argument("-o", "--output", default=DEFAULT_OUTPUT, help="output path (default: server/catalog/scopes.json)")
    ap.add_argument("--tags", help="comma-separated tags to scan instead of the automatic selection")
    args = ap.parse_args(argv)

    if args.tags:
        tags = sorted((t.strip() for t in args.tags.split(",") if t.strip()), key=version_key)
    else:
        tags = select_tags(args.git_dir)
    if not tags:
        raise SystemExit("no release tags found")
    catalogue = build(args.git_dir, tags)
    out_path = os.path.normpath(args.output)
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(catalogue, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(
        f"wrote {out_path}: {len(tags)} releases ({tags[0]}..{tags[-1]}), "
        f"{len(catalogue['scopes'])} scopes, {len(catalogue['sets'])} distinct scope sets",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
