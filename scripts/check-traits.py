#!/usr/bin/env python3
"""Cross-check a generated traits catalogue against a runtime dump.

Usage:

    # against a dump file (format: {"classes": {"mod.Class": {"traits": [
    #   {"name", "type", "default", "defined_in", "deprecated_in_help"}, ...]}}})
    python3 scripts/check-traits.py server/catalog/traits/jupyterhub-5.5.json DUMP.json

    # against live introspection of an installed JupyterHub (e.g. Debian's 3.0.0)
    python3 scripts/check-traits.py server/catalog/traits/jupyterhub-3.0.json \
        --introspect /usr/bin/python3 [--save-dump /tmp/jh-3.0.0-dump.json]

Base classes outside the catalogue (traitlets' Application, ...) are resolved with
the default catalogues listed in index.json next to the catalogue (or --base-catalog).
Exit status 1 if there are hard mismatches (missing/extra traits, type mismatches,
literal default mismatches).  Defaults that upstream computes from the environment
(non-literal `defaultRepr`) are listed separately and do not fail the check.
"""

import argparse
import ast
import json
import os
import re
import subprocess
import sys

INTROSPECT = r'''
import importlib, json, pkgutil, sys, traceback
import traitlets
from traitlets.config import Configurable
pkg = sys.argv[1]
root = importlib.import_module(pkg)
mods, errors = [root], {}
for info in pkgutil.walk_packages(root.__path__, pkg + "."):
    n = info.name
    if ".tests" in n or ".alembic" in n or n.endswith("__main__"):
        continue
    try:
        mods.append(importlib.import_module(n))
    except Exception as e:
        errors[n] = repr(e)
def jsonable(v):
    try:
        json.dumps(v)
        return v
    except Exception:
        return repr(v)
classes = {}
for m in mods:
    for name, obj in vars(m).items():
        if not (isinstance(obj, type) and issubclass(obj, Configurable)):
            continue
        if obj.__module__ != m.__name__:
            continue
        traits = []
        own = obj.class_own_traits(config=True)
        for tname, t in sorted(obj.class_traits(config=True).items()):
            try:
                d = t.default()
            except Exception:
                d = t.default_value
            defined_in = next(c.__name__ for c in obj.__mro__ if tname in vars(c))
            traits.append({"name": tname, "type": type(t).__name__, "default": jsonable(d),
                           "defined_in": defined_in,
                           "deprecated_in_help": "deprecat" in (t.help or "").lower()})
        classes[m.__name__ + "." + name] = {"count_all": len(traits), "count_own": len(own), "traits": traits}
print(json.dumps({"version": getattr(root, "__version__", None), "import_errors": errors,
                  "classes": classes}, indent=1, sort_keys=True))
'''


def load(path):
    with open(path) as f:
        return json.load(f)


def load_classes(catalog_path, extra):
    cat = load(catalog_path)
    classes = dict(cat["classes"])
    bases = list(extra)
    if not bases:
        idx_path = os.path.join(os.path.dirname(os.path.abspath(catalog_path)), "index.json")
        if os.path.exists(idx_path):
            idx = load(idx_path)
            for pkg, info in idx.get("packages", {}).items():
                if pkg == cat["package"]:
                    continue
                bases.append(os.path.join(os.path.dirname(idx_path), info["versions"][info["default"]]))
    for b in bases:
        for name, e in load(b)["classes"].items():
            classes.setdefault(name, e)
    return cat, classes


def resolve(classes, cname):
    """{trait: (defining class, entry)} visible on cname (own first, then bases in order)."""
    entry = classes[cname]
    out = {}
    blocked = set()
    for c in [cname] + list(entry.get("bases", [])):
        e = classes.get(c)
        if e is None:
            continue
        for n, t in e.get("traits", {}).items():
            if n not in out and n not in blocked:
                out[n] = (c, t)
        blocked |= set(e.get("shadowed", []))
    return out


def norm_dump_default(v):
    """Runtime dump value -> comparable python value, or ('repr', text)."""
    if isinstance(v, str):
        m = re.match(r"^<class '([\w.]+)'>$", v)
        if m:
            return ("class", m.group(1).split(".")[-1])
        if v == "set()":
            return ("set", frozenset())
        if v.startswith("{") and v.endswith("}") and ":" not in v:
            try:
                return ("set", frozenset(ast.literal_eval(v)))
            except Exception:
                pass
        if v.startswith(("b'", 'b"')):
            return ("repr", v)
    return v


def compare_default(t, dump_default, ttype):
    """-> None if equal, else (kind, catalogue text, dump text)."""
    d = norm_dump_default(dump_default)
    if "default" in t:
        c = t["default"]
        if isinstance(d, tuple) and d[0] == "set":
            if isinstance(c, list) and frozenset(map(_hashable, c)) == d[1]:
                return None
        elif isinstance(d, tuple) and d[0] == "class":
            if isinstance(c, str) and c.split(".")[-1] == d[1]:
                return None
        elif isinstance(d, tuple) and d[0] == "repr":
            pass
        else:
            if _eq(c, d):
                return None
        kind = "dynamic" if t.get("dynamicDefault") else "default"
        return (kind, json.dumps(c), json.dumps(dump_default))
    if "defaultRepr" in t:
        r = t["defaultRepr"]
        if isinstance(d, tuple):
            if d[0] == "class" and r.split(".")[-1] == d[1]:
                return None
            if d[0] == "repr" and r == d[1]:
                return None
        return ("environment", r, json.dumps(dump_default))
    if dump_default == "traitlets.Undefined":
        return None
    return ("no-default", "-", json.dumps(dump_default))


def _hashable(x):
    return json.dumps(x, sort_keys=True) if isinstance(x, (list, dict)) else x


def _eq(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or (type(a) is type(b) and a == b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_eq(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_eq(a[k], b[k]) for k in a)
    return a == b


def check(cat_path, dump, base_catalogs, verbose=True):
    cat, classes = load_classes(cat_path, base_catalogs)
    own_names = set(cat["classes"])
    hard = []
    soft = []
    checked_classes = checked_traits = 0
    skipped = []
    for qname, dc in sorted(dump["classes"].items()):
        cname = qname.rsplit(".", 1)[1]
        if cname not in own_names:
            if cname.startswith("_"):
                skipped.append("%s (private)" % cname)
            elif not dc["traits"]:
                skipped.append("%s (no config traits)" % cname)
            elif dc.get("count_own") == 0:
                skipped.append("%s (adds no own config traits; built at runtime)" % cname)
            else:
                hard.append(("class-missing", cname, "", "", "%d traits at runtime" % len(dc["traits"])))
            continue
        checked_classes += 1
        visible = resolve(classes, cname)
        dump_names = {t["name"] for t in dc["traits"]}
        external = [b for b in cat["classes"][cname].get("bases", []) if b not in classes]
        for t in dc["traits"]:
            n = t["name"]
            checked_traits += 1
            if n not in visible:
                kind = "trait-missing-external-base" if external and t["defined_in"] not in classes else "trait-missing"
                (soft if kind.endswith("external-base") else hard).append(
                    (kind, cname, n, "", "defined in %s" % t["defined_in"]))
                continue
            where, ct = visible[n]
            if where != t["defined_in"]:
                soft.append(("defined-in", cname, n, where, t["defined_in"]))
            if ct["type"] != t["type"]:
                hard.append(("type", cname, n, ct["type"], t["type"]))
            diff = compare_default(ct, t["default"], t["type"])
            if diff:
                (soft if diff[0] in ("environment", "dynamic") else hard).append(
                    (diff[0], cname, n, diff[1], diff[2]))
            if bool(ct.get("helpSaysDeprecated")) != bool(t.get("deprecated_in_help")):
                hard.append(("helpSaysDeprecated", cname, n, str(bool(ct.get("helpSaysDeprecated"))),
                             str(bool(t.get("deprecated_in_help")))))
        for n in sorted(set(visible) - dump_names):
            hard.append(("trait-extra", cname, n, "defined in %s" % visible[n][0], ""))
    # catalogue classes the dump does not know
    dump_short = {q.rsplit(".", 1)[1] for q in dump["classes"]}
    extra_classes = sorted(set(cat["classes"]) - dump_short)
    if verbose:
        print("catalogue %s (%s %s) vs dump (%s)" % (
            os.path.basename(cat_path), cat["package"], cat["version"],
            dump.get("jupyterhub_version") or dump.get("version")))
        print("  classes checked: %d, traits checked: %d" % (checked_classes, checked_traits))
        if skipped:
            print("  skipped dump classes: %s" % ", ".join(skipped))
        if extra_classes:
            print("  catalogue-only classes (not in dump, e.g. import errors): %s" % ", ".join(extra_classes))
        print("  hard mismatches: %d" % len(hard))
        for m in hard:
            print("    %-22s %s.%s  catalogue=%s  runtime=%s" % m)
        print("  expected differences (environment / dynamic defaults / external bases): %d" % len(soft))
        for m in soft:
            print("    %-22s %s.%s  catalogue=%s  runtime=%s" % m)
    return hard, soft


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("catalog")
    ap.add_argument("dump", nargs="?")
    ap.add_argument("--introspect", metavar="PYTHON", help="python interpreter with the package installed")
    ap.add_argument("--package", default=None, help="package to introspect (default: the catalogue's)")
    ap.add_argument("--save-dump", help="write the introspected dump here")
    ap.add_argument("--base-catalog", action="append", default=[])
    ns = ap.parse_args()
    if ns.introspect:
        pkg = ns.package or load(ns.catalog)["package"]
        out = subprocess.run([ns.introspect, "-c", INTROSPECT, pkg], capture_output=True, text=True,
                             cwd="/")
        if out.returncode:
            sys.exit("introspection failed:\n" + out.stderr)
        dump = json.loads(out.stdout)
        if ns.save_dump:
            with open(ns.save_dump, "w") as f:
                f.write(out.stdout)
    elif ns.dump:
        dump = load(ns.dump)
    else:
        ap.error("give a dump file or --introspect PYTHON")
    hard, _ = check(ns.catalog, dump, ns.base_catalog)
    sys.exit(1 if hard else 0)


if __name__ == "__main__":
    main()
