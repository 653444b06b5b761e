#!/usr/bin/env python3
"""Writes server/catalog/entrypoints.json: the entry points that JupyterHub and the catalogued plugins
register for authenticator_class, spawner_class and proxy_class, per catalogued version.

Facts only (names and targets), read from each release's setup.py / setup.cfg / pyproject.toml.
Usage: scripts/gen-entrypoints.py PACKAGE=GIT_DIR ...   (bare git clones of the upstream repositories)
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GROUPS = ("jupyterhub.authenticators", "jupyterhub.spawners", "jupyterhub.proxies")


def git_show(git_dir, rev, path):
    r = subprocess.run(["git", "--git-dir", git_dir, "show", f"{rev}:{path}"], capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else None


def parse(text):
    """{group: {name: "module:Class"}} from any of the three file formats."""
    out = {}
    # pyproject.toml: [project.entry-points."group"] / setup.cfg: [options.entry_points] group =
    for g in GROUPS:
        m = re.search(r'^\[project\.entry-points\."%s"\]\s*\n(.*?)(?=^\[|\Z)' % re.escape(g), text, re.M | re.S)
        if m:
            for name, target in re.findall(r'^\s*"?([\w.-]+)"?\s*=\s*"([\w.]+:\w+)"', m.group(1), re.M):
                out.setdefault(g, {})[name] = target
        # setup.py: 'group': ['name = mod:Cls', ...]  (a list or a single string)
        m = re.search(r'["\']%s["\']\s*[:=]\s*(\[.*?\]|["\'][^"\']*["\'])' % re.escape(g), text, re.S)
        if m:
            for name, target in re.findall(r'["\']\s*([\w.-]+)\s*=\s*([\w.]+:\w+)\s*["\']', m.group(1)):
                out.setdefault(g, {})[name] = target
        # setup.cfg: group =\n    name = mod:Cls
        m = re.search(r'^%s\s*=\s*\n((?:[ \t]+\S.*\n?)+)' % re.escape(g), text, re.M)
        if m:
            for name, target in re.findall(r'^\s*([\w.-]+)\s*=\s*([\w.]+:\w+)', m.group(1), re.M):
                out.setdefault(g, {})[name] = target
    return out


def tag_for(git_dir, version):
    tags = subprocess.run(["git", "--git-dir", git_dir, "tag"], capture_output=True, text=True).stdout.split()
    for t in (version, "v" + version, version.rstrip(".0") if version.endswith(".0") and False else version):
        if t in tags:
            return t
    # "0.15" catalogued, tag "v0.15" or "0.15.0"
    for t in tags:
        if t.lstrip("v") in (version, version + ".0"):
            return t
    return None


def main():
    index = json.load(open(os.path.join(ROOT, "server", "catalog", "traits", "index.json")))
    versions = {}
    for f in index["files"]:
        versions.setdefault(f["package"], []).extend(f.get("versions") or [f["version"]])
    result = {}
    for arg in sys.argv[1:]:
        pkg, git_dir = arg.split("=", 1)
        variants = []
        for v in versions.get(pkg, []):
            tag = tag_for(git_dir, v)
            if not tag:
                print(f"{pkg} {v}: no tag", file=sys.stderr)
                continue
            eps = {}
            for path in ("pyproject.toml", "setup.cfg", "setup.py"):
                text = git_show(git_dir, tag, path)
                if text:
                    for g, names in parse(text).items():
                        eps.setdefault(g, {}).update(names)
            exports = {}
            init = git_show(git_dir, tag, f"{pkg}/__init__.py")
            if init is not None:
                top = {"star": [], "names": {}}
                for mod, names in re.findall(r"^from (?:\.|%s\.)(\w+) import (\*|[\w, ()]+)" % re.escape(pkg), init, re.M):
                    if names == "*":
                        top["star"].append(f"{pkg}.{mod}")
                    else:
                        for n in re.findall(r"\w+", names):
                            top["names"][n] = f"{pkg}.{mod}"
                exports[pkg] = top
            eps = {"groups": eps, "exports": exports}
            if variants and variants[-1]["entryPoints"] == eps:
                variants[-1]["versions"].append(v)
            else:
                variants.append({"versions": [v], "entryPoints": eps})
        result[pkg] = variants
    out = {"schema": 1, "source": "entry points from each release's packaging metadata", "packages": result}
    path = os.path.join(ROOT, "server", "catalog", "entrypoints.json")
    with open(path, "w") as fh:
        json.dump(out, fh, indent=1, sort_keys=True)
        fh.write("\n")


if __name__ == "__main__":
    main()
