#!/usr/bin/env python3
r"""Generate the traits catalogues (server/catalog/traits/*.json) from upstream source.

Regenerate everything (one command; DIR holds the upstream git directories or
checkouts, see scripts/data/trait-sources.json for the repositories and tags):

    python3 scripts/gen-traits.py --all --sources-dir DIR

One catalogue (e.g. a new JupyterHub release):

    python3 scripts/gen-traits.py --repo PATH/jupyterhub.git --package jupyterhub \
        --ref 5.5.1 --history-refs 1.0.0,1.1.0,...,5.5.0 \
        --base-catalog server/catalog/traits/traitlets-5.json \
        --out server/catalog/traits/jupyterhub-5.5.json

Plugins listed with `versions` in the manifest get one compact multi-version file
(`<package>.json`, schema 2) and their fingerprints (test/fixtures/traits/fingerprints.json).
Compare every catalogued plugin version with upstream source again (writes nothing):

    python3 scripts/gen-traits.py --verify --sources-dir DIR [--only oauthenticator]

The upstream code is never imported: every module of the package is parsed with
the `ast` module and `config=True` traits are read from class bodies.  Only facts
are written (names, types, defaults, versions, doc URLs); help texts are reduced
to the boolean `helpSaysDeprecated`.  The output format is specified in
docs/dev/catalog-format.md.  Standard library only; Python >= 3.9.
"""

import argparse
import ast
import json
import os
import re
import subprocess
import sys
from collections import OrderedDict

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(SCRIPT_DIR)
DEFAULT_MANIFEST = os.path.join(SCRIPT_DIR, "data", "trait-sources.json")
DEFAULT_DEPRECATIONS = os.path.join(SCRIPT_DIR, "data", "deprecations.json")
DEFAULT_OUT_DIR = os.path.join(REPO_ROOT, "server", "catalog", "traits")
DEFAULT_FINGERPRINTS = os.path.join(REPO_ROOT, "test", "fixtures", "traits", "fingerprints.json")

# Classes of the traitlets config machinery: the roots of every configurable.
TRAITLETS_CONFIGURABLES = {
    "Configurable": [],
    "LoggingConfigurable": ["Configurable"],
    "SingletonConfigurable": ["LoggingConfigurable", "Configurable"],
    "Application": ["SingletonConfigurable", "LoggingConfigurable", "Configurable"],
}
# Top-level packages whose imported classes may be Configurables even when no
# catalogue describes them (e.g. jupyter_server's ExtensionApp).
CONFIGURABLE_PACKAGES = {
    "traitlets", "jupyter_server", "notebook", "jupyter_core", "jupyter_client",
    "jupyterhub", "ipykernel", "nbconvert", "jupyterlab", "nbclassic",
}
NOT_CONFIGURABLE = {"HasTraits", "HasDescriptors", "object", "Enum", "TraitType"}

# Dicts in class bodies that map deprecated config names to their replacement:
# {"old": ("new", "version"[, same_type])}.  same_type False => startup error.
# "observer": an @observe handler copies the value, so it only works while the old
# name is still a trait; "config": the old name is moved in the config object.
ALIAS_DICTS = {
    "_deprecated_aliases": "observer",        # jupyterhub Authenticator
    "_deprecated_oauth_aliases": "observer",  # oauthenticator
    "_deprecated_traits": "config",           # kubespawner
}

# Implicit class-level defaults of traitlets trait types (when none is given).
IMPLICIT_DEFAULTS = {
    "Unicode": "", "CUnicode": "", "ObjectName": "", "DottedObjectName": "",
    "Bool": False, "CBool": False,
    "Int": 0, "Integer": 0, "CInt": 0, "Long": 0, "CLong": 0,
    "Float": 0.0, "CFloat": 0.0,
    "List": [], "Set": [], "Tuple": [], "Dict": {},
    "Any": None, "Instance": None, "This": None, "ForwardDeclaredInstance": None,
    "TCPAddress": ["127.0.0.1", 0],
}
IMPLICIT_REPR = {"Bytes": "b''", "CBytes": "b''", "Complex": "0j", "CComplex": "0j"}
CONTAINERS = {"List", "Set", "Tuple"}
ENUMS = {"Enum", "CaselessStrEnum", "FuzzyEnum"}
TYPE_TRAITS = {"Type", "ForwardDeclaredType"}
# traitlets aliases -> runtime class name (traitlets: Integer = Long = Int, CLong = CInt)
TYPE_ALIASES = {"Integer": "Int", "Long": "Int", "CLong": "CInt"}
# base type of well-known trait subclasses (used when the subclass is not defined
# in the scanned package itself)
KNOWN_TRAIT_BASES = {
    "URLPrefix": "Unicode", "Command": "List", "ByteSpecification": "Integer",
    "EntryPointType": "Type", "Callable": None,
}


def log(msg):
    print(msg, file=sys.stderr)


# ---------------------------------------------------------------------------
# versions
# ---------------------------------------------------------------------------

def norm_version(ref):
    """Tag -> version string: 'v5.16.1' -> '5.16.1', '0.9.*' -> '0.9'."""
    ref = re.sub(r"\.?\*$", "", ref.strip())
    return ref[1:] if re.match(r"^v\d", ref) else ref


def vkey(v):
    """Sort key for versions such as 1.2, 5.3.0rc0, 6.0.0b2 (pre-releases sort first)."""
    m = re.match(r"^v?(\d+(?:\.\d+)*)(?:[.-]?(a|b|rc|dev|alpha|beta)[.-]?(\d*))?", v)
    if not m:
        return ((0,), 0, 0)
    nums = tuple(int(x) for x in m.group(1).split("."))
    while len(nums) > 1 and nums[-1] == 0:
        nums = nums[:-1]
    pre = m.group(2)
    order = {"dev": 0, "a": 1, "alpha": 1, "b": 2, "beta": 2, "rc": 3}
    if pre is None:
        return (nums, 9, 0)
    return (nums, order[pre], int(m.group(3) or 0))


def release_tuple(v):
    return vkey(v)[0]


def version_at_least(v, since):
    """True if v is at or after release `since`; pre-releases of `since` count (6.0.0b2 >= 6.0)."""
    return release_tuple(v) >= release_tuple(since)


def is_prerelease(v):
    return vkey(v)[1] != 9


# ---------------------------------------------------------------------------
# source trees (git directory + ref, or a plain directory)
# ---------------------------------------------------------------------------

class GitTree:
    def __init__(self, git_dir, ref):
        self.git_dir = git_dir
        self.ref = ref
        out = self._git("ls-tree", "-r", "--name-only", ref)
        self.files = [f for f in out.splitlines() if f]
        self._cat = None

    def _git(self, *args):
        return subprocess.run(
            ["git", "--git-dir=" + self.git_dir] + list(args),
            check=True, capture_output=True, text=True,
        ).stdout

    def read(self, path):
        if self._cat is None:
            self._cat = subprocess.Popen(
                ["git", "--git-dir=" + self.git_dir, "cat-file", "--batch"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            )
        self._cat.stdin.write(("%s:%s\n" % (self.ref, path)).encode())
        self._cat.stdin.flush()
        header = self._cat.stdout.readline().decode().split()
        if len(header) < 3 or header[1] == "missing":
            raise FileNotFoundError(path)
        size = int(header[2])
        data = self._cat.stdout.read(size)
        self._cat.stdout.read(1)
        return data.decode("utf-8", errors="replace")

    def close(self):
        if self._cat is not None:
            self._cat.stdin.close()
            self._cat.wait()
            self._cat = None


class DirTree:
    def __init__(self, root):
        self.root = root
        self.files = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d != ".git"]
            for f in filenames:
                self.files.append(os.path.relpath(os.path.join(dirpath, f), root).replace(os.sep, "/"))

    def read(self, path):
        with open(os.path.join(self.root, path), encoding="utf-8", errors="replace") as f:
            return f.read()

    def close(self):
        pass


def find_git_dir(path):
    """Return the git directory for a bare repo, a .git dir or a work tree; None if not git."""
    for cand in (path, os.path.join(path, ".git")):
        try:
            out = subprocess.run(
                ["git", "--git-dir=" + cand, "rev-parse", "--git-dir"],
                capture_output=True, text=True,
            )
        except FileNotFoundError:
            return None
        if out.returncode == 0 and os.path.isdir(cand):
            return cand
    return None


def open_tree(repo, ref):
    git_dir = find_git_dir(repo)
    if ref:
        if not git_dir:
            raise SystemExit("%s is not a git repository, cannot read ref %s" % (repo, ref))
        return GitTree(git_dir, ref)
    return DirTree(repo)


# ---------------------------------------------------------------------------
# AST helpers
# ---------------------------------------------------------------------------

def dotted(node):
    """Name / Attribute chain -> 'a.b.c', else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def src(node, limit=80):
    try:
        text = ast.unparse(node)
    except Exception:  # pragma: no cover
        text = "?"
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def strings_in(node):
    out = []
    for n in ast.walk(node):
        if isinstance(n, ast.Constant) and isinstance(n.value, str):
            out.append(n.value)
    return " ".join(out)


# stdlib constants that appear as trait defaults (traitlets Application.log_level)
STDLIB_CONSTS = {
    "logging.DEBUG": 10, "logging.INFO": 20, "logging.WARN": 30, "logging.WARNING": 30,
    "logging.ERROR": 40, "logging.CRITICAL": 50, "logging.FATAL": 50, "logging.NOTSET": 0,
}


import operator
ARITH_OPS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Div: operator.truediv,
    ast.BitOr: operator.or_, ast.LShift: operator.lshift,
}


ARITH = tuple(ARITH_OPS)


def literal(node, consts=None):
    """Evaluate a literal default; returns (ok, value). Sets/tuples become lists."""
    consts = consts or {}
    if isinstance(node, ast.Attribute) and dotted(node) in STDLIB_CONSTS:
        return True, STDLIB_CONSTS[dotted(node)]
    if isinstance(node, ast.Set):
        vals = []
        for e in node.elts:
            ok, v = literal(e, consts)
            if not ok:
                return False, None
            vals.append(v)
        return True, vals
    if isinstance(node, (ast.List, ast.Tuple)):
        vals = []
        for e in node.elts:
            ok, v = literal(e, consts)
            if not ok:
                return False, None
            vals.append(v)
        return True, vals
    if isinstance(node, ast.Dict):
        out = {}
        for k, v in zip(node.keys, node.values):
            if k is None:
                return False, None
            ok1, kv = literal(k, consts)
            ok2, vv = literal(v, consts)
            if not (ok1 and ok2) or isinstance(kv, (list, dict)):
                return False, None
            out[kv] = vv
        return True, out
    if isinstance(node, ast.Call) and not node.args and not node.keywords:
        name = dotted(node.func)
        if name in ("set", "frozenset", "list", "tuple"):
            return True, []
        if name == "dict":
            return True, {}
    if isinstance(node, ast.Name) and node.id in consts:
        return literal(consts[node.id], {})
    if isinstance(node, ast.BinOp) and isinstance(node.op, ARITH):
        ok1, a = literal(node.left, consts)
        ok2, b = literal(node.right, consts)
        num = (int, float)
        if ok1 and ok2 and isinstance(a, num) and isinstance(b, num) and not isinstance(a, bool) and not isinstance(b, bool):
            try:
                return True, ARITH_OPS[type(node.op)](a, b)
            except Exception:
                return False, None
        return False, None
    try:
        v = ast.literal_eval(node)
    except Exception:
        return False, None
    if isinstance(v, (set, frozenset, tuple)):
        v = list(v)
    return True, v


MAX_DEFAULT_JSON = 200


def digest(value):
    import hashlib
    return hashlib.sha1(json.dumps(value, sort_keys=True).encode()).hexdigest()[:10]


def jsonable(v):
    if v is None or isinstance(v, (bool, str)):
        return True
    if isinstance(v, int):
        return True
    if isinstance(v, float):
        return v == v and v not in (float("inf"), float("-inf"))
    if isinstance(v, list):
        return all(jsonable(x) for x in v)
    if isinstance(v, dict):
        return all(isinstance(k, str) and jsonable(x) for k, x in v.items())
    return False


# ---------------------------------------------------------------------------
# module scan
# ---------------------------------------------------------------------------

class ClassInfo:
    def __init__(self, name, module, node):
        self.name = name
        self.module = module
        self.node = node
        self.base_exprs = [dotted(b) for b in node.bases]
        self.base_exprs = [b for b in self.base_exprs if b]
        self.trait_calls = OrderedDict()   # name -> (call node, tags dict, assigned order)
        self.other_attrs = OrderedDict()   # name -> value node (non-config assignments)
        self.default_methods = set()
        self.plain_alias_dicts = {}        # dict name -> {old: (new, version, same)}


class ModuleInfo:
    def __init__(self, name, path, tree, is_pkg):
        self.name = name
        self.path = path
        self.is_pkg = is_pkg
        self.imports = {}       # local name -> fully qualified dotted target
        self.star_imports = []  # modules of `from X import *`
        self.consts = {}        # module-level NAME = literal
        self.classes = OrderedDict()
        self._scan(tree)

    def _resolve_relative(self, module, level):
        if not level:
            return module or ""
        parts = self.name.split(".")
        if not self.is_pkg:
            parts = parts[:-1]
        if level > 1:
            parts = parts[: len(parts) - (level - 1)]
        base = ".".join(parts)
        return base + ("." + module if module else "") if base else (module or "")

    def _scan(self, tree):
        for stmt in self._flat(tree.body):
            if isinstance(stmt, ast.Import):
                for a in stmt.names:
                    if a.asname:
                        self.imports[a.asname] = a.name
                    else:
                        top = a.name.split(".")[0]
                        self.imports[top] = top
            elif isinstance(stmt, ast.ImportFrom):
                mod = self._resolve_relative(stmt.module, stmt.level)
                for a in stmt.names:
                    if a.name == "*":
                        # `from .oauth2 import *` in a package __init__: names resolve through it
                        self.star_imports.append(mod)
                        continue
                    self.imports[a.asname or a.name] = mod + "." + a.name
            elif isinstance(stmt, ast.Assign):
                for t in stmt.targets:
                    if isinstance(t, ast.Name):
                        self.consts[t.id] = stmt.value
            elif isinstance(stmt, ast.ClassDef):
                self.classes[stmt.name] = ClassInfo(stmt.name, self.name, stmt)

    @staticmethod
    def _flat(body):
        """Statements of a body, descending into if/try/with blocks (not functions)."""
        for stmt in body:
            if isinstance(stmt, ast.If):
                yield from ModuleInfo._flat(stmt.body)
                yield from ModuleInfo._flat(stmt.orelse)
            elif isinstance(stmt, ast.Try):
                yield from ModuleInfo._flat(stmt.body)
                for h in stmt.handlers:
                    yield from ModuleInfo._flat(h.body)
                yield from ModuleInfo._flat(stmt.orelse)
                yield from ModuleInfo._flat(stmt.finalbody)
            elif isinstance(stmt, ast.With):
                yield from ModuleInfo._flat(stmt.body)
            else:
                yield stmt


def unwrap_tags(value):
    """`X(...).tag(a=1).tag(b=2)` -> (X call node, {'a': node, 'b': node})."""
    tags = {}
    while (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "tag"
    ):
        for kw in value.keywords:
            if kw.arg:
                tags.setdefault(kw.arg, kw.value)
        value = value.func.value
    return value, tags


def is_true(node):
    return isinstance(node, ast.Constant) and node.value is True


def scan_class_body(cls):
    for stmt in ModuleInfo._flat(cls.node.body):
        targets = []
        value = None
        if isinstance(stmt, ast.Assign):
            targets = [t.id for t in stmt.targets if isinstance(t, ast.Name)]
            value = stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None and isinstance(stmt.target, ast.Name):
            targets = [stmt.target.id]
            value = stmt.value
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for dec in stmt.decorator_list:
                if isinstance(dec, ast.Call) and (dotted(dec.func) or "").split(".")[-1] == "default":
                    for a in dec.args:
                        if isinstance(a, ast.Constant) and isinstance(a.value, str):
                            cls.default_methods.add(a.value)
            m = re.match(r"^_(\w+)_default$", stmt.name)
            if m:
                cls.default_methods.add(m.group(1))
            # a method also shadows an inherited trait of that name
            cls.other_attrs.setdefault(stmt.name, None)
            continue
        elif isinstance(stmt, ast.For):
            _eval_alias_loop(cls, stmt)
            continue
        if not targets:
            continue
        inner, tags = unwrap_tags(value)
        config = False
        if isinstance(inner, ast.Call):
            for kw in inner.keywords:
                if kw.arg == "config" and is_true(kw.value):
                    config = True
            if "config" in tags and is_true(tags["config"]):
                config = True
        for name in targets:
            if config:
                cls.trait_calls[name] = (inner, tags)
                cls.other_attrs.pop(name, None)
            else:
                cls.other_attrs[name] = value
                cls.trait_calls.pop(name, None)
                if name in ALIAS_DICTS:
                    cls.plain_alias_dicts[name] = value


def _eval_alias_loop(cls, loop):
    """Evaluate the KubeSpawner-style loop that extends a deprecation dict:

        for old in LIST:
            new = old.split('_', 1)[1]
            DICT[old] = (new, '0.9')

    Only str.split / subscripts / tuples / constants are interpreted.
    """
    if not (isinstance(loop.target, ast.Name) and isinstance(loop.iter, ast.Name)):
        return
    seq_node = cls.other_attrs.get(loop.iter.id)
    if seq_node is None:
        return
    ok, seq = literal(seq_node)
    if not ok or not isinstance(seq, list):
        return
    var = loop.target.id
    extra = cls.__dict__.setdefault("loop_aliases", {})
    for item in seq:
        env = {var: item}
        for stmt in loop.body:
            if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
                continue
            val = _mini_eval(stmt.value, env)
            if val is _FAIL:
                continue
            t = stmt.targets[0]
            if isinstance(t, ast.Name):
                env[t.id] = val
            elif isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name):
                key = _mini_eval(t.slice, env)
                if key is not _FAIL:
                    extra.setdefault(t.value.id, {})[key] = val


_FAIL = object()


def _mini_eval(node, env):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return env.get(node.id, _FAIL)
    if isinstance(node, ast.Tuple):
        vals = [_mini_eval(e, env) for e in node.elts]
        return _FAIL if _FAIL in vals else tuple(vals)
    if isinstance(node, ast.Subscript):
        base = _mini_eval(node.value, env)
        idx = _mini_eval(node.slice, env)
        try:
            return base[idx]
        except Exception:
            return _FAIL
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "split"
    ):
        base = _mini_eval(node.func.value, env)
        args = [_mini_eval(a, env) for a in node.args]
        if isinstance(base, str) and _FAIL not in args:
            try:
                return base.split(*args)
            except Exception:
                return _FAIL
    return _FAIL


class Package:
    """All modules of one package at one ref."""

    def __init__(self, tree, package, package_dir=None, exclude=None):
        self.package = package
        package_dir = package_dir or package
        exclude = exclude or []
        self.modules = OrderedDict()
        for path in sorted(tree.files):
            if not path.endswith(".py"):
                continue
            if not (path == package_dir + ".py" or path.startswith(package_dir + "/")):
                continue
            rel_parts = path.split("/")
            if any(p in ("tests", "test", "alembic") for p in rel_parts[:-1]):
                continue
            fname = rel_parts[-1]
            if fname.startswith("test_") or fname == "conftest.py" or fname == "__main__.py":
                continue
            if any(re.search(x, path) for x in exclude):
                continue
            modpath = path[:-3]
            is_pkg = modpath.endswith("/__init__")
            if is_pkg:
                modpath = modpath[: -len("/__init__")]
            top = package_dir.split("/")[-1]
            rest = modpath[len(package_dir):].lstrip("/")
            modname = package + ("." + rest.replace("/", ".") if rest else "")
            if top != package and not rest:
                modname = package
            try:
                code = tree.read(path)
                node = ast.parse(code, filename=path)
            except (SyntaxError, ValueError) as e:
                log("  warning: cannot parse %s: %s" % (path, e))
                continue
            mod = ModuleInfo(modname, path, node, is_pkg)
            for cls in mod.classes.values():
                scan_class_body(cls)
            self.modules[modname] = mod

    # -- name resolution ---------------------------------------------------

    def resolve(self, module, name, _seen=None):
        """Resolve dotted `name` used in `module` -> ('local', ClassInfo) or ('ext', 'pkg.mod.Name')."""
        _seen = _seen or set()
        key = (module, name)
        if key in _seen:
            return ("ext", name)
        _seen.add(key)
        mod = self.modules.get(module)
        if mod is None:
            return ("ext", name)
        head, _, tail = name.partition(".")
        if not tail and head in mod.classes:
            return ("local", mod.classes[head])
        if head in mod.imports:
            target = mod.imports[head] + ("." + tail if tail else "")
        else:
            # a name a star import brings in (first scanned module that defines or imports it)
            for star in mod.star_imports:
                if star in self.modules:
                    r = self.resolve(star, name, _seen)
                    if r[0] == "local":
                        return r
            return ("ext", name)
        return self.resolve_qualified(target, _seen)

    def resolve_qualified(self, target, _seen=None):
        # longest module prefix that is a scanned module
        parts = target.split(".")
        for i in range(len(parts) - 1, 0, -1):
            modname = ".".join(parts[:i])
            if modname in self.modules:
                rest = ".".join(parts[i:])
                return self.resolve(modname, rest, _seen)
        return ("ext", target)


# ---------------------------------------------------------------------------
# trait parsing
# ---------------------------------------------------------------------------

class TraitParser:
    def __init__(self, pkg, trait_bases):
        self.pkg = pkg
        self.trait_bases = trait_bases  # local trait class name -> traitlets base type

    def type_name(self, mod, call):
        """Trait type name of a call node (import aliases resolved), or None."""
        name = dotted(call.func)
        if not name:
            return None, None
        kind, target = self.pkg.resolve(mod.name, name)
        if kind == "local":
            tn = target.name
            if self.pkg.package == "traitlets":
                tn = TYPE_ALIASES.get(tn, tn)
            return tn, target
        tn = target.split(".")[-1]
        return TYPE_ALIASES.get(tn, tn), None

    def looks_like_trait(self, mod, node):
        """Is `node` (an argument) a trait: `Unicode()`, `Unicode`, `Dict(...)`..."""
        if isinstance(node, ast.Call):
            node = node.func
        if not isinstance(node, (ast.Name, ast.Attribute)):
            return False
        name = dotted(node)
        if not name:
            return False
        kind, target = self.pkg.resolve(mod.name, name)
        tname = target.name if kind == "local" else target.split(".")[-1]
        if kind == "local":
            return tname in self.trait_bases or tname in IMPLICIT_DEFAULTS
        return tname[:1].isupper()

    def base_type(self, tname):
        seen = set()
        while tname in self.trait_bases and tname not in seen:
            seen.add(tname)
            nxt = self.trait_bases[tname]
            if nxt is None:
                return None
            tname = nxt
        return tname

    def member_type(self, mod, node):
        if isinstance(node, ast.Call):
            return self.type_name(mod, node)[0]
        name = dotted(node)
        if name:
            kind, target = self.pkg.resolve(mod.name, name)
            tn = target.name if kind == "local" else target.split(".")[-1]
            return TYPE_ALIASES.get(tn, tn)
        return None

    def parse(self, mod, call, tags):
        t = {}
        tname, _local = self.type_name(mod, call)
        t["type"] = tname
        btype = self.base_type(tname) if tname in self.trait_bases else KNOWN_TRAIT_BASES.get(tname, tname)
        if btype is None:
            btype = tname
        if btype != tname and tname not in IMPLICIT_DEFAULTS:
            t["baseType"] = btype
        kw = {k.arg: k.value for k in call.keywords if k.arg}
        args = list(call.args)
        if any(isinstance(a, ast.Starred) for a in args) or any(k.arg is None for k in call.keywords):
            pass  # *args/**kwargs: best effort with what is visible
        allow_none = kw.get("allow_none", tags.get("allow_none"))
        if allow_none is not None and is_true(allow_none):
            t["allowNone"] = True
        help_node = kw.get("help", tags.get("help"))
        if help_node is not None and "deprecat" in strings_in(help_node).lower():
            t["helpSaysDeprecated"] = True

        default_node = kw.get("default_value")
        has_default = "default_value" in kw
        family = btype if btype in IMPLICIT_DEFAULTS or btype in IMPLICIT_REPR or btype in CONTAINERS or btype in ENUMS or btype in TYPE_TRAITS or btype in ("Union", "Instance", "UseEnum", "Dict", "Type") else btype

        if tname == "Command" or (btype == "List" and tname == "Command"):
            # jupyterhub.traitlets.Command(default_value, **kw): str -> [str], items Unicode
            if args and not has_default:
                default_node, has_default = args[0], True
            t["item"] = "Unicode"
            ml = kw.get("minlen")
            okm, mlv = literal(ml, mod.consts) if ml is not None else (True, 1)
            if okm and isinstance(mlv, int) and mlv > 0:
                t["minLen"] = mlv  # Command defaults to minlen=1 (and also accepts a single str)
            ok, v = literal(default_node, mod.consts) if has_default else (True, [])
            if ok and isinstance(v, str):
                v = [v]
            self._set_default(t, has_default, default_node, ok, v, "Command", mod)
            return t

        if family in CONTAINERS:
            trait_node = kw.get("trait")
            rest = args
            if family == "Tuple":
                if len(args) == 1 and not self.looks_like_trait(mod, args[0]) and not has_default:
                    default_node, has_default = args[0], True
                elif args:
                    items = [self.member_type(mod, a) for a in args]
                    t["item"] = items[0] if len(set(items)) == 1 else "|".join(items)
            else:
                if rest and trait_node is None:
                    if self.looks_like_trait(mod, rest[0]):
                        trait_node = rest[0]
                        rest = rest[1:]
                    elif not has_default:
                        default_node, has_default = rest[0], True
                        rest = rest[1:]
                if rest and not has_default:
                    default_node, has_default = rest[0], True
                if trait_node is not None:
                    it = self.member_type(mod, trait_node)
                    if it:
                        t["item"] = it
                ml = kw.get("minlen")
                if ml is not None:
                    ok, v = literal(ml, mod.consts)
                    if ok and isinstance(v, int) and v > 0:
                        t["minLen"] = v
            if has_default and isinstance(default_node, ast.Constant) and default_node.value is None and "allowNone" not in t:
                has_default = False  # List(default_value=None) means "unspecified"
            self._set_default(t, has_default, default_node, *literal(default_node, mod.consts) if has_default else (False, None), family=family, mod=mod)
            return t

        if family == "Dict":
            value_trait = kw.get("value_trait", kw.get("trait"))
            key_trait = kw.get("key_trait")
            per_key = kw.get("per_key_traits", kw.get("traits"))
            if args:
                if value_trait is None and self.looks_like_trait(mod, args[0]):
                    value_trait = args[0]
                elif not has_default and value_trait is None:
                    default_node, has_default = args[0], True
                if len(args) > 1 and per_key is None:
                    per_key = args[1]
                if len(args) > 2 and key_trait is None:
                    key_trait = args[2]
                if len(args) > 3 and not has_default:
                    default_node, has_default = args[3], True
            if key_trait is None and per_key is not None and self.looks_like_trait(mod, per_key):
                key_trait, per_key = per_key, None
            if value_trait is not None:
                it = self.member_type(mod, value_trait)
                if it:
                    t["item"] = it
            if key_trait is not None:
                kt = self.member_type(mod, key_trait)
                if kt:
                    t["key"] = kt
            if per_key is not None and isinstance(per_key, ast.Dict):
                pk = {}
                for k, v in zip(per_key.keys, per_key.values):
                    if isinstance(k, ast.Constant) and isinstance(k.value, str):
                        mt = self.member_type(mod, v)
                        if mt:
                            pk[k.value] = mt
                if pk:
                    t["perKey"] = pk
            self._set_default(t, has_default, default_node, *literal(default_node, mod.consts) if has_default else (False, None), family="Dict", mod=mod)
            return t

        if family == "Union":
            members_node = args[0] if args else kw.get("trait_types")
            members = []
            first_default = None
            if isinstance(members_node, (ast.List, ast.Tuple)):
                for m in members_node.elts:
                    mt = self.member_type(mod, m)
                    members.append(mt or "?")
                    if first_default is not None:
                        continue
                    if isinstance(m, ast.Call):
                        md = self.parse(mod, *unwrap_tags(m))
                    elif mt:
                        md = {"type": mt}
                        self._set_default(md, False, None, False, None, family=mt, mod=mod)
                    else:
                        md = {}
                    # Union.default(): the first member whose default is not Undefined
                    if "default" in md or "defaultRepr" in md:
                        first_default = md
            if members:
                t["union"] = members
            if has_default:
                self._set_default(t, True, default_node, *literal(default_node, mod.consts), family="Union", mod=mod)
            elif first_default is not None:
                # Union.default() falls back to the first member's default
                for k in ("default", "defaultRepr"):
                    if k in first_default:
                        t[k] = first_default[k]
            return t

        if family in ENUMS:
            values_node = args[0] if args else kw.get("values")
            if len(args) > 1 and not has_default:
                default_node, has_default = args[1], True
            if values_node is not None:
                ok, vals = literal(values_node, mod.consts)
                if ok and isinstance(vals, list) and jsonable(vals):
                    t["values"] = vals
            if not has_default and t.get("allowNone"):
                t["default"] = None
            elif has_default:
                self._set_default(t, True, default_node, *literal(default_node, mod.consts), family=family, mod=mod)
            return t

        if family == "UseEnum":
            enum_node = args[0] if args else kw.get("enum_class")
            if len(args) > 1 and not has_default:
                default_node, has_default = args[1], True
            members = self._enum_members(mod, enum_node) if enum_node is not None else None
            if enum_node is not None:
                t["klass"] = dotted(enum_node) or src(enum_node)
            if members:
                t["values"] = members
            if has_default:
                dn = dotted(default_node) or ""
                if members and dn.split(".")[-1] in members:
                    t["default"] = dn.split(".")[-1]
                else:
                    self._set_default(t, True, default_node, *literal(default_node, mod.consts), family="UseEnum", mod=mod)
            elif members:
                t["default"] = members[0]
            return t

        if family == "Instance":
            klass = args[0] if args else kw.get("klass")
            if klass is not None:
                t["klass"] = self._class_ref(mod, klass)
            has_args = len(args) > 1 or "args" in kw or "kw" in kw
            if has_args:
                t["defaultRepr"] = src(call)
            else:
                t["default"] = None
            return t

        if family in TYPE_TRAITS or btype == "Type":
            if args and not has_default:
                default_node, has_default = args[0], True
            klass = kw.get("klass", args[1] if len(args) > 1 else None)
            if klass is not None:
                t["klass"] = self._class_ref(mod, klass)
            epg = kw.get("entry_point_group", args[2] if len(args) > 2 and tname == "EntryPointType" else None)
            if epg is not None:
                ok, v = literal(epg, mod.consts)
                if ok and isinstance(v, str):
                    t["entryPointGroup"] = v
            if has_default:
                ok, v = literal(default_node, mod.consts)
                if ok and jsonable(v):
                    t["default"] = v
                else:
                    t["defaultRepr"] = self._class_ref(mod, default_node)
            elif "klass" in t:
                t["defaultRepr"] = t["klass"]
            return t

        # scalar-like traits: first positional argument is the default
        if args and not has_default:
            default_node, has_default = args[0], True
        if has_default:
            self._set_default(t, True, default_node, *literal(default_node, mod.consts), family=family, mod=mod)
        else:
            self._set_default(t, False, None, False, None, family=family, mod=mod)
        return t

    def _enum_members(self, mod, node):
        name = dotted(node)
        if not name:
            return None
        kind, target = self.pkg.resolve(mod.name, name)
        if kind != "local":
            return None
        out = []
        for stmt in target.node.body:
            if isinstance(stmt, ast.Assign):
                for tg in stmt.targets:
                    if isinstance(tg, ast.Name) and not tg.id.startswith("_"):
                        out.append(tg.id)
        return out or None

    def _class_ref(self, mod, node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        name = dotted(node)
        if name:
            kind, target = self.pkg.resolve(mod.name, name)
            if kind == "local":
                return "%s.%s" % (target.module, target.name)
            return target
        return src(node)

    def _set_default(self, t, has_default, node, ok, value, family=None, mod=None):
        if has_default:
            if ok and jsonable(value):
                if len(json.dumps(value)) > MAX_DEFAULT_JSON:
                    # long literal (e.g. a batch script template): keep a short repr only
                    t["defaultRepr"] = src(node)
                    t["defaultDigest"] = digest(value)
                    return
                t["default"] = value
                return
            if ok and isinstance(value, bytes):
                t["defaultRepr"] = repr(value)
                return
            if isinstance(node, ast.Constant) and node.value is None:
                t["default"] = None
                return
            t["defaultRepr"] = src(node)
            return
        fam = family or t["type"]
        if fam == "Callable" or t.get("type") == "Callable":
            return  # traitlets/jupyterhub Callable: default is Undefined
        base = fam if fam in IMPLICIT_DEFAULTS or fam in IMPLICIT_REPR else self.base_type(fam) if fam in self.trait_bases else KNOWN_TRAIT_BASES.get(fam)
        if base in IMPLICIT_DEFAULTS:
            v = IMPLICIT_DEFAULTS[base]
            t["default"] = list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v
        elif base in IMPLICIT_REPR:
            t["defaultRepr"] = IMPLICIT_REPR[base]


# ---------------------------------------------------------------------------
# configurable classes, MRO
# ---------------------------------------------------------------------------

def c3_merge(seqs):
    result = []
    seqs = [list(s) for s in seqs if s]
    while seqs:
        for s in seqs:
            head = s[0]
            if not any(head in other[1:] for other in seqs):
                break
        else:
            # inconsistent hierarchy: fall back to depth-first order
            for s in seqs:
                for x in s:
                    if x not in result:
                        result.append(x)
            return result
        result.append(head)
        seqs = [[x for x in s if x != head] for s in seqs]
        seqs = [s for s in seqs if s]
    return result


class Analysis:
    """Configurable classes, their traits and MRO for one package at one ref."""

    def __init__(self, tree, package, package_dir=None, exclude=None, base_classes=None):
        self.pkg = Package(tree, package, package_dir, exclude)
        # external known configurables: name -> linearised configurable bases
        self.base_classes = dict(TRAITLETS_CONFIGURABLES)
        self.base_traits = {}  # external class -> set of config trait names (own + inherited)
        for name, entry in (base_classes or {}).items():
            self.base_classes[name] = entry["bases"]
        self.ext_traits = {}
        for name, entry in (base_classes or {}).items():
            self.ext_traits[name] = set(entry.get("traits", {}))
        self.ext_shadowed = {n: set(e.get("shadowed", [])) for n, e in (base_classes or {}).items()}
        self._find_trait_types()
        self.parser = TraitParser(self.pkg, self.trait_bases)
        self._linear = {}
        self._configurable = {}
        self.classes = OrderedDict()  # qualified name -> ClassInfo (configurable)
        for mod in self.pkg.modules.values():
            for cls in mod.classes.values():
                if self.is_configurable(cls):
                    self.classes["%s.%s" % (mod.name, cls.name)] = cls

    def _find_trait_types(self):
        """Local subclasses of traitlets trait types -> their traitlets base type."""
        self.trait_bases = {}
        changed = True
        local = []
        for mod in self.pkg.modules.values():
            for cls in mod.classes.values():
                local.append((mod, cls))
        while changed:
            changed = False
            for mod, cls in local:
                if cls.name in self.trait_bases:
                    continue
                for b in cls.base_exprs:
                    kind, target = self.pkg.resolve(mod.name, b)
                    if kind == "local":
                        if target.name in self.trait_bases:
                            base = self.trait_bases[target.name]
                            self.trait_bases[cls.name] = base if base is not None else None
                            changed = True
                            break
                    else:
                        tail = target.split(".")[-1]
                        if target.startswith("traitlets") and tail[:1].isupper() and tail not in (
                            "HasTraits", "HasDescriptors", "Configurable", "LoggingConfigurable",
                            "SingletonConfigurable", "Application", "Config",
                        ) and not tail.endswith("Error"):
                            self.trait_bases[cls.name] = None if tail == "TraitType" else tail
                            changed = True
                            break
                        if tail in KNOWN_TRAIT_BASES and ".traitlets" in target:
                            self.trait_bases[cls.name] = tail
                            changed = True
                            break

    def parents(self, cls):
        """Direct bases of cls -> list of ('local', ClassInfo) / ('ext', name)."""
        out = []
        for b in cls.base_exprs:
            out.append(self.pkg.resolve(cls.module, b))
        return out

    def ext_is_configurable(self, target):
        name = target.split(".")[-1]
        if name in NOT_CONFIGURABLE:
            return False
        if name in self.base_classes:
            return True
        top = target.split(".")[0]
        if top == "jupyterhub" and self.pkg.package != "jupyterhub" and len(self.base_classes) > len(TRAITLETS_CONFIGURABLES):
            return False  # the jupyterhub catalogue is authoritative
        if top == "traitlets":
            return False
        return top in CONFIGURABLE_PACKAGES and name[:1].isupper()

    def is_configurable(self, cls, _stack=None):
        key = id(cls)
        if key in self._configurable:
            return self._configurable[key]
        _stack = _stack or set()
        if key in _stack:
            return False
        _stack.add(key)
        result = bool(cls.trait_calls) or (
            self.pkg.package == "traitlets" and cls.name in TRAITLETS_CONFIGURABLES)
        if not result:
            for kind, target in self.parents(cls):
                if kind == "local":
                    if target is not cls and self.is_configurable(target, _stack):
                        result = True
                        break
                elif self.ext_is_configurable(target):
                    result = True
                    break
        self._configurable[key] = result
        return result

    def linearize(self, cls, _stack=None):
        """C3 linearisation: list of entries ('local', ClassInfo) / ('ext', name), cls excluded."""
        key = id(cls)
        if key in self._linear:
            return self._linear[key]
        _stack = _stack or set()
        if key in _stack:
            return []
        _stack.add(key)
        parents = self.parents(cls)
        seqs = []
        pkeys = []
        for kind, target in parents:
            if kind == "local":
                if target is cls:
                    continue
                k = ("local", target.module, target.name)
                seqs.append([k] + [self._key(e) for e in self.linearize(target, _stack)])
            else:
                name = target.split(".")[-1]
                k = ("ext", name if name in self.base_classes else target)
                seqs.append([k] + [("ext", n) for n in self.base_classes.get(name, [])])
            pkeys.append(k)
        merged = c3_merge(seqs + [pkeys])
        result = [self._entry(k) for k in merged]
        self._linear[key] = result
        return result

    def _key(self, e):
        kind, target = e
        if kind == "local":
            return ("local", target.module, target.name)
        return ("ext", target)

    def _entry(self, k):
        if k[0] == "local":
            return ("local", self.pkg.modules[k[1]].classes[k[2]])
        return ("ext", k[1])

    def configurable_bases(self, cls):
        out = []
        for kind, target in self.linearize(cls):
            if kind == "local":
                if self.is_configurable(target):
                    out.append(target.name)
            elif self.ext_is_configurable(target) or target in self.base_classes:
                out.append(target.split(".")[-1])
        return out

    def own_traits(self, cls):
        mod = self.pkg.modules[cls.module]
        out = OrderedDict()
        for name, (call, tags) in cls.trait_calls.items():
            try:
                t = self.parser.parse(mod, call, tags)
            except Exception as e:  # pragma: no cover - keep going, report
                log("  warning: %s.%s: cannot parse trait: %r" % (cls.name, name, e))
                t = {"type": (dotted(call.func) or "?").split(".")[-1]}
            if name in cls.default_methods:
                t["dynamicDefault"] = True
            out[name] = t
        return out

    def all_trait_names(self, cls):
        """Config trait names visible on cls (own + inherited, minus shadowed)."""
        names = set()
        chain = [("local", cls)] + self.linearize(cls)
        blocked = set()
        for kind, target in chain:
            if kind == "local":
                for n in target.trait_calls:
                    if n not in blocked:
                        names.add(n)
                blocked |= set(target.other_attrs) - set(target.trait_calls)
                blocked |= set(target.trait_calls)
            else:
                name = target.split(".")[-1]
                for n in self.ext_traits.get(name, ()):
                    if n not in blocked:
                        names.add(n)
        return names

    def inherited_trait_names(self, cls):
        names = set()
        for kind, target in self.linearize(cls):
            if kind == "local":
                names |= set(target.trait_calls)
            else:
                names |= self.ext_traits.get(target.split(".")[-1], set())
        return names

    def alias_dicts(self, cls):
        """{old: (new, version, same)} from _deprecated_*aliases dicts in the class body."""
        out = {}
        mod = self.pkg.modules[cls.module]
        for dname, node in cls.plain_alias_dicts.items():
            if isinstance(node, ast.Dict):
                for k, v in zip(node.keys, node.values):
                    if k is None:
                        continue  # **Base._deprecated_..._aliases
                    ok1, old = literal(k, mod.consts)
                    ok2, val = literal(v, mod.consts)
                    if ok1 and ok2 and isinstance(old, str) and isinstance(val, list) and len(val) >= 2:
                        out[old] = (val[0], str(val[1]), bool(val[2]) if len(val) > 2 else True, ALIAS_DICTS[dname])
        for dname, extra in cls.__dict__.get("loop_aliases", {}).items():
            if dname not in ALIAS_DICTS:
                continue
            for old, val in extra.items():
                if isinstance(val, tuple) and len(val) >= 2:
                    out[old] = (val[0], str(val[1]), bool(val[2]) if len(val) > 2 else True, ALIAS_DICTS[dname])
        return out


# ---------------------------------------------------------------------------
# docs
# ---------------------------------------------------------------------------

DIRECTIVE_MOD = re.compile(r"^\s*\.\.\s+(?:py:)?(currentmodule|module|automodule)::\s*(\S+)")
DIRECTIVE_CLS = re.compile(r"^\s*\.\.\s+(autoconfigurable|autoclass|py:class|class)::\s*([\w.]+)")


class DocIndex:
    """Where classes are documented, from the Sphinx sources of the same ref."""

    def __init__(self, tree, cfg, version, github):
        self.cfg = cfg or {}
        self.classes = {}   # class name -> (page, documented module, traits documented?)
        self.module_pages = {}
        dv = self.cfg.get("docVersion", "exact")
        if dv == "exact":
            dv = "latest" if is_prerelease(version) else version
        self.base = (self.cfg.get("base") or "").replace("{docVersion}", dv).replace("{version}", version)
        self.root = self.cfg.get("root")
        if self.root:
            self.root = self.root.replace("{ref}", self.cfg.get("_ref", version)).replace("{github}", github or "")
        source = self.cfg.get("source")
        if source and self.base:
            for path in tree.files:
                if not path.startswith(source.rstrip("/") + "/"):
                    continue
                if not re.search(r"\.(rst|md|txt)$", path):
                    continue
                page = re.sub(r"\.(rst|md|txt)$", "", path[len(source.rstrip("/")) + 1:])
                try:
                    text = tree.read(path)
                except FileNotFoundError:
                    continue
                current = None
                for line in text.splitlines():
                    m = DIRECTIVE_MOD.match(line)
                    if m:
                        current = m.group(2)
                        if m.group(1) in ("automodule", "module"):
                            self.module_pages.setdefault(current, page)
                        continue
                    m = DIRECTIVE_CLS.match(line)
                    if m:
                        name = m.group(2)
                        if "." in name:
                            module, cname = name.rsplit(".", 1)
                        else:
                            module, cname = current, name
                        if module is None:
                            continue
                        traits_doc = m.group(1) == "autoconfigurable"
                        prev = self.classes.get(cname)
                        if prev is None or (traits_doc and not prev[2]):
                            self.classes[cname] = (page, module, traits_doc)
        gen = self.cfg.get("modulePages")  # e.g. oauthenticator's generated pages
        if gen and self.base:
            self.generated = (gen, set(self.cfg.get("documentedClasses", [])), self.cfg.get("documentEntryPoints"))
            self.entry_points = self._entry_points(tree) if self.cfg.get("documentEntryPoints") else set()
        else:
            self.generated = None

    def _entry_points(self, tree):
        names = set()
        for path in ("pyproject.toml", "setup.py", "setup.cfg"):
            if path not in tree.files:
                continue
            text = tree.read(path)
            for m in re.finditer(r"([\w.]+)\s*:\s*(\w+)\s*[\"'\]\n]", text):
                names.add((m.group(1), m.group(2)))
        return names

    def class_doc(self, cls):
        """(class url, trait url prefix or None)"""
        if self.generated:
            pattern, extra, _ = self.generated
            if cls.name in extra or (cls.module, cls.name) in self.entry_points:
                page = pattern.replace("{module}", cls.module)
                anchor = "%s.%s" % (cls.module, cls.name)
                return self.base + page + "#" + anchor, self.base + page + "#" + anchor + "."
        if cls.name in self.classes:
            page, module, traits_doc = self.classes[cls.name]
            anchor = "%s.%s" % (module, cls.name)
            url = self.base + page + ".html#" + anchor
            return url, (url + "." if traits_doc else None)
        page = self.module_pages.get(cls.module)
        if page:
            return self.base + page + ".html#module-" + cls.module, None
        if self.root:
            return self.root, None
        if self.base:
            return self.base, None
        return None, None


# ---------------------------------------------------------------------------
# catalogue building
# ---------------------------------------------------------------------------

def default_key(t):
    if "default" in t:
        return json.dumps(t["default"], sort_keys=True)
    if "defaultDigest" in t:
        return "%s #%s" % (t["defaultRepr"], t["defaultDigest"])
    if "defaultRepr" in t:
        return t["defaultRepr"]
    return "(none)"


def snapshot(analysis):
    """{class name: {trait: (type, default key)}} of own config traits + visible names."""
    out = {}
    for qname, cls in analysis.classes.items():
        own = analysis.own_traits(cls)
        out[cls.name] = {
            "own": {n: (t["type"], default_key(t)) for n, t in own.items()},
            "all": analysis.all_trait_names(cls),
        }
    return out


def load_base_catalogs(paths):
    classes = {}
    for p in paths or []:
        with open(p) as f:
            cat = json.load(f)
        for name, entry in cat["classes"].items():
            classes.setdefault(name, entry)
    # expand trait names with inherited ones (for shadowing / removed checks)
    resolved = {}
    def all_traits(name, stack=()):
        if name in resolved:
            return resolved[name]
        if name in stack or name not in classes:
            return set()
        e = classes[name]
        names = set(e.get("traits", {}))
        shadow = set(e.get("shadowed", []))
        for b in e.get("bases", []):
            names |= all_traits(b, stack + (name,)) - shadow
        resolved[name] = names
        return names
    out = {}
    for name, e in classes.items():
        out[name] = {"bases": e.get("bases", []), "traits": {n: None for n in all_traits(name)}}
    return out


def public_classes(analysis):
    """Configurable classes to emit: public ones with config traits + their private ancestors."""
    keep = OrderedDict()
    for qname, cls in analysis.classes.items():
        if cls.name.startswith("_"):
            continue
        root = analysis.pkg.package == "traitlets" and cls.name in TRAITLETS_CONFIGURABLES
        if not analysis.all_trait_names(cls) and not root:
            continue
        keep[qname] = cls
    # private configurable ancestors of kept classes
    for qname, cls in list(keep.items()):
        for kind, target in analysis.linearize(cls):
            if kind == "local" and analysis.is_configurable(target):
                q = "%s.%s" % (target.module, target.name)
                keep.setdefault(q, target)
    return keep


# snapshots of history refs, shared by the catalogues of one run (a multi-version package scans
# each release once as the catalogue itself and reuses it as history for the later ones)
_SNAP_CACHE = {}


def build_catalog(args_ns, tree, history_trees, deprecations, base_classes, doc_cfg, github):
    package = args_ns.package
    version = norm_version(args_ns.ref) if args_ns.ref else (args_ns.version or "unknown")
    analysis = Analysis(tree, package, args_ns.package_dir, args_ns.exclude, base_classes)
    docs = DocIndex(tree, doc_cfg, version, github)

    classes_out = OrderedDict()
    emitted = public_classes(analysis)
    names_seen = {}
    for qname, cls in emitted.items():
        if cls.name in names_seen:
            log("  warning: duplicate class name %s (%s, %s); keeping the first"
                % (cls.name, names_seen[cls.name], qname))
            continue
        names_seen[cls.name] = qname
        own = analysis.own_traits(cls)
        entry = OrderedDict()
        entry["module"] = cls.module
        entry["bases"] = analysis.configurable_bases(cls)
        cdoc, tdoc = docs.class_doc(cls)
        if cdoc:
            entry["doc"] = cdoc
        for n, t in own.items():
            if tdoc:
                t["doc"] = tdoc + n
        entry["traits"] = own
        inherited = analysis.inherited_trait_names(cls)
        shadowed = sorted(n for n in (set(cls.other_attrs) - set(cls.trait_calls)) & inherited)
        if shadowed:
            entry["shadowed"] = shadowed
        dyn = sorted(n for n in cls.default_methods if n in inherited and n not in own)
        if dyn:
            entry["dynamicDefaults"] = dyn
        entry["_cls"] = cls
        classes_out[cls.name] = entry

    # --- history: added / changed / removed
    snaps = []
    for ref, htree in history_trees:
        ckey = (getattr(htree, "git_dir", None), ref, package)
        snap = _SNAP_CACHE.get(ckey) if ckey[0] else None
        if snap is None:
            try:
                ha = Analysis(htree, package, args_ns.package_dir, args_ns.exclude, base_classes)
            except Exception as e:  # pragma: no cover
                log("  warning: history ref %s failed: %r" % (ref, e))
                continue
            snap = snapshot(ha)
            if ckey[0]:
                _SNAP_CACHE[ckey] = snap
        snaps.append((norm_version(ref), snap))
    snaps.sort(key=lambda s: vkey(s[0]))
    snaps = [s for s in snaps if vkey(s[0]) < vkey(version)]
    current = snapshot(analysis)
    chain = snaps + [(version, current)]
    for cname, entry in classes_out.items():
        for tname, t in entry["traits"].items():
            # start of the final continuous run of presence
            start = len(chain) - 1
            while start > 0 and tname in chain[start - 1][1].get(cname, {}).get("own", {}):
                start -= 1
            t["added"] = chain[start][0]
            changes = []
            for i in range(start + 1, len(chain)):
                prev = chain[i - 1][1][cname]["own"][tname]
                cur = chain[i][1][cname]["own"][tname]
                if prev[0] != cur[0]:
                    changes.append({"version": chain[i][0], "what": "type", "from": prev[0], "to": cur[0]})
                if prev[1] != cur[1]:
                    changes.append({"version": chain[i][0], "what": "default", "from": prev[1], "to": cur[1]})
            if changes:
                t["changed"] = changes
        # removed: own trait in an earlier release, not visible now
        visible = current[cname]["all"]
        removed = {}
        last_seen = {}
        for i, (ver, snap) in enumerate(chain[:-1]):
            for tname in snap.get(cname, {}).get("own", {}):
                last_seen[tname] = i
        for tname, i in last_seen.items():
            if tname in visible:
                continue
            removed[tname] = {"since": chain[i + 1][0], "effect": "ignored"}
        if removed:
            entry["removed"] = removed

    # --- source-declared alias dicts (_deprecated_aliases & co)
    for cname, entry in classes_out.items():
        cls = entry["_cls"]
        visible = current[cname]["all"]
        for old, (new, ver, same, mode) in sorted(analysis.alias_dicts(cls).items()):
            if new not in visible:
                log("  note: %s alias %s -> %s skipped (target is not a trait)" % (cname, old, new))
                continue
            effect = "copied" if same else "error"
            if old in entry["traits"]:
                entry["traits"][old]["deprecated"] = OrderedDict(
                    [("since", norm_version(ver)), ("renamedTo", new), ("effect", effect)])
            elif old not in visible:
                # an observer never fires for a name that is not a trait
                r = entry.setdefault("removed", {}).setdefault(old, {})
                r.update({"since": norm_version(ver), "renamedTo": new,
                          "effect": effect if mode == "config" else "ignored"})

    # --- hand-checked overlay
    apply_deprecations(package, version, classes_out, current, deprecations)

    # --- finalize
    for entry in classes_out.values():
        entry.pop("_cls", None)
        if "removed" in entry:
            entry["removed"] = OrderedDict(sorted(entry["removed"].items()))
        entry["traits"] = OrderedDict(sorted(entry["traits"].items()))
    src_name = github or package
    catalog = OrderedDict()
    catalog["schema"] = 1
    catalog["package"] = package
    catalog["version"] = version
    catalog["source"] = "%s@%s (AST scan)" % (src_name, args_ns.ref or "worktree")
    catalog["classes"] = OrderedDict(sorted(classes_out.items()))
    for ref, htree in history_trees:
        htree.close()
    return catalog, analysis


def apply_deprecations(package, version, classes_out, current, deprecations):
    for e in deprecations.get("entries", []):
        if e.get("package") != package:
            continue
        cname, tname = e["class"], e["trait"]
        if cname not in classes_out:
            continue
        entry = classes_out[cname]
        if e.get("until") and version_at_least(version, e["until"]):
            continue
        dep = e.get("deprecated")
        rem = e.get("removed")
        if tname in entry["traits"]:
            if dep and version_at_least(version, dep.get("since", "0")):
                d = OrderedDict((k, dep[k]) for k in ("since", "renamedTo", "effect", "exact") if k in dep)
                entry["traits"][tname]["deprecated"] = d
        elif tname in current[cname]["all"]:
            continue  # inherited: the defining class carries the facts
        elif rem and version_at_least(version, rem["since"]):
            r = entry.setdefault("removed", {}).setdefault(tname, {})
            for k in ("since", "renamedTo", "effect", "exact"):
                if k in rem:
                    r[k] = rem[k]
            r.setdefault("effect", "ignored")


# ---------------------------------------------------------------------------
# output
# ---------------------------------------------------------------------------

def dumps_compact(v):
    return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def write_catalog(catalog, path):
    """Sorted keys; one trait (or removed entry) per line for readable diffs."""
    lines = ["{"]
    lines.append('"classes":{')
    cnames = list(catalog["classes"])
    for ci, cname in enumerate(cnames):
        entry = catalog["classes"][cname]
        lines.append("%s:{" % json.dumps(cname))
        keys = sorted(entry)
        for ki, k in enumerate(keys):
            comma = "," if ki < len(keys) - 1 else ""
            if k in ("traits", "removed") and entry[k]:
                lines.append("%s:{" % json.dumps(k))
                items = list(entry[k].items())
                for ti, (tname, t) in enumerate(items):
                    tc = "," if ti < len(items) - 1 else ""
                    lines.append("%s:%s%s" % (json.dumps(tname), dumps_compact(t), tc))
                lines.append("}" + comma)
            else:
                lines.append("%s:%s%s" % (json.dumps(k), dumps_compact(entry[k]), comma))
        lines.append("}" + ("," if ci < len(cnames) - 1 else ""))
    lines.append("},")
    rest = [k for k in sorted(catalog) if k != "classes"]
    for i, k in enumerate(rest):
        lines.append("%s:%s%s" % (json.dumps(k), dumps_compact(catalog[k]), "," if i < len(rest) - 1 else ""))
    lines.append("}")
    text = "\n".join(lines) + "\n"
    json.loads(text)  # sanity
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def counts(catalog):
    c = len(catalog["classes"])
    t = sum(len(e["traits"]) for e in catalog["classes"].values())
    return c, t


# ---------------------------------------------------------------------------
# drivers
# ---------------------------------------------------------------------------

def load_json(path, default=None):
    if path and os.path.exists(path):
        with open(path) as f:
            text = f.read()
        if text.strip():
            return json.loads(text)
    return default if default is not None else {}


def run_one(ns, manifest):
    pkg_cfg = manifest.get("packages", {}).get(ns.package, {})
    ns.package_dir = ns.package_dir or pkg_cfg.get("packageDir")
    ns.exclude = ns.exclude or pkg_cfg.get("exclude", [])
    github = ns.github or pkg_cfg.get("repo")
    doc_cfg = dict(pkg_cfg.get("docs", {}))
    if ns.doc_version:
        doc_cfg["docVersion"] = ns.doc_version
    doc_cfg["_ref"] = ns.ref or ""
    tree = open_tree(ns.repo, ns.ref)
    git_dir = find_git_dir(ns.repo)
    history = []
    refs = ns.history_refs
    if refs is None or refs == "auto":
        # the manifest's history tags older than the scanned ref
        target = vkey(norm_version(ns.ref or ns.version or "999"))
        refs = ",".join(h for h in pkg_cfg.get("history", []) if vkey(norm_version(h)) < target)
    for ref in [r for r in refs.split(",") if r.strip()]:
        if not git_dir:
            raise SystemExit("--history-refs needs a git repository")
        history.append((ref.strip(), GitTree(git_dir, ref.strip())))
    deprecations = load_json(ns.deprecations, {"entries": []})
    if not ns.base_catalog and pkg_cfg.get("baseCatalogs"):
        # default: the packages' default catalogues next to the output file
        index = load_json(os.path.join(os.path.dirname(os.path.abspath(ns.out)), "index.json"))
        for b in pkg_cfg["baseCatalogs"]:
            info = index.get("packages", {}).get(b)
            if info:
                ns.base_catalog.append(os.path.join(os.path.dirname(os.path.abspath(ns.out)),
                                                    info["versions"][info["default"]]))
        if ns.base_catalog:
            log("  base catalogues: %s" % ", ".join(os.path.basename(b) for b in ns.base_catalog))
    base_classes = load_base_catalogs(ns.base_catalog)
    log("scanning %s %s (%d history refs)" % (ns.package, ns.ref or ns.repo, len(history)))
    catalog, _ = build_catalog(ns, tree, history, deprecations, base_classes, doc_cfg, github)
    tree.close()
    if getattr(ns, "no_write", False):
        return catalog
    write_catalog(catalog, ns.out)
    c, t = counts(catalog)
    log("  wrote %s: %d classes, %d traits" % (ns.out, c, t))
    return catalog


def locate_repo(sources_dir, repo):
    owner, name = repo.split("/")
    for cand in (
        os.path.join(sources_dir, "%s+%s" % (owner, name), "repo"),
        os.path.join(sources_dir, "%s+%s" % (owner, name)),
        os.path.join(sources_dir, owner, name),
        os.path.join(sources_dir, owner, name + ".git"),
        os.path.join(sources_dir, name),
        os.path.join(sources_dir, name + ".git"),
    ):
        if os.path.isdir(cand) and find_git_dir(cand):
            return cand
    return None


def run_all(ns):
    manifest = load_json(ns.manifest)
    out_dir = ns.out_dir
    written = {}
    index_files = []
    only = set(ns.only.split(",")) if ns.only else None
    fingerprints = load_json(ns.fingerprints, {"schema": 1, "packages": {}})
    for cat in manifest["catalogs"]:
        pkg = cat["package"]
        pkg_cfg = manifest["packages"][pkg]
        if "versions" in cat:
            # a multi-version package: one compact file (docs/dev/catalog-format.md, schema 2)
            out_name = "%s.json" % pkg
            out_path = os.path.join(out_dir, out_name)
            if only is None or pkg in only:
                repo = locate_repo(ns.sources_dir, pkg_cfg["repo"])
                if not repo:
                    raise SystemExit("repository %s not found under %s" % (pkg_cfg["repo"], ns.sources_dir))
                bases = [written[b] for b in pkg_cfg.get("baseCatalogs", [])]
                cats = build_versions(ns, manifest, cat, repo, bases)
                compact = compact_catalogs(pkg, pkg_cfg.get("repo") or pkg, cats, norm_version(cat["ref"]))
                write_compact(compact, out_path)
                fingerprints["packages"][pkg] = OrderedDict(
                    (c["version"], catalog_fingerprint(c)) for _, c in cats)
                log("  wrote %s: %d versions" % (out_path, len(cats)))
            else:
                compact = load_json(out_path)
            default = decode_compact(compact, compact["default"])
            c, t = counts(default)
            index_files.append(OrderedDict([
                ("file", out_name), ("package", pkg), ("version", compact["default"]),
                ("key", compact["default"]), ("prerelease", False), ("default", True),
                ("classes", c), ("traits", t), ("schema", 2), ("versions", compact["versions"]),
            ]))
            continue
        out_name = "%s-%s.json" % (pkg, cat["key"])
        out_path = os.path.join(out_dir, out_name)
        if only is None or pkg in only:
            repo = locate_repo(ns.sources_dir, pkg_cfg["repo"])
            if not repo:
                raise SystemExit("repository %s not found under %s" % (pkg_cfg["repo"], ns.sources_dir))
            bases = []
            for b in pkg_cfg.get("baseCatalogs", []):
                if b not in written:
                    raise SystemExit("base catalogue %s must come before %s in the manifest" % (b, pkg))
                bases.append(written[b])
            sub = argparse.Namespace(
                repo=repo, ref=cat["ref"], package=pkg, package_dir=None, exclude=None,
                history_refs=",".join(cat["history"]) if "history" in cat else "auto", out=out_path,
                base_catalog=bases, deprecations=ns.deprecations, github=None,
                doc_version=cat.get("docVersion"), version=None,
            )
            catalog = run_one(sub, manifest)
        else:
            catalog = load_json(out_path)
        # the default catalogue of a package is what later packages resolve against
        if cat.get("default") or pkg not in written:
            written[pkg] = out_path
        c, t = counts(catalog)
        index_files.append(OrderedDict([
            ("file", out_name), ("package", pkg), ("version", catalog["version"]),
            ("key", cat["key"]), ("prerelease", is_prerelease(catalog["version"])),
            ("default", bool(cat.get("default"))), ("classes", c), ("traits", t),
        ]))
    write_index(index_files, os.path.join(out_dir, "index.json"))
    if ns.fingerprints:
        write_fingerprints(fingerprints, ns.fingerprints)


def build_versions(ns, manifest, cat, repo, bases):
    """Full (schema 1) catalogues of every version of a multi-version package, oldest first."""
    pkg = cat["package"]
    pkg_cfg = manifest["packages"][pkg]
    refs = sorted(cat["versions"], key=lambda r: vkey(norm_version(r)))
    if norm_version(cat["ref"]) not in [norm_version(r) for r in refs]:
        raise SystemExit("%s: the default ref %s is not in its versions" % (pkg, cat["ref"]))
    history_all = sorted(set(pkg_cfg.get("history", [])) | set(refs), key=lambda r: vkey(norm_version(r)))
    out = []
    for ref in refs:
        target = vkey(norm_version(ref))
        hist = [h for h in history_all if vkey(norm_version(h)) < target]
        sub = argparse.Namespace(
            repo=repo, ref=ref, package=pkg, package_dir=None, exclude=None,
            history_refs=",".join(hist), out=os.path.join(ns.out_dir, "%s.json" % pkg),
            base_catalog=list(bases), deprecations=ns.deprecations, github=None,
            doc_version=cat.get("docVersion"), version=None, no_write=True,
        )
        out.append((ref, run_one(sub, manifest)))
    return out


# ---------------------------------------------------------------------------
# compact multi-version catalogues (schema 2)
# ---------------------------------------------------------------------------

def _ref_doc(value, ref):
    """Doc URLs that name the git ref (README links) use the placeholder {ref}."""
    if isinstance(value, str) and ref:
        return value.replace("/blob/%s/" % ref, "/blob/{ref}/")
    return value


def _templated(entry, ref):
    out = OrderedDict()
    for k, v in entry.items():
        out[k] = _ref_doc(v, ref) if k == "doc" else v
    return out


def _ranges(indices, versions):
    """Sorted version indices -> "a..b,c" (inclusive runs of catalogued versions)."""
    parts = []
    start = prev = None
    for i in indices:
        if start is None:
            start = prev = i
        elif i == prev + 1:
            prev = i
        else:
            parts.append((start, prev))
            start = prev = i
    if start is not None:
        parts.append((start, prev))
    return ",".join(versions[a] if a == b else "%s..%s" % (versions[a], versions[b]) for a, b in parts)


def _variants(values, versions):
    """[(index, value)] -> [{"in": ranges, **value}], one variant per distinct value."""
    groups = OrderedDict()
    for i, v in values:
        groups.setdefault(dumps_compact(v), (v, []))[1].append(i)
    out = []
    for v, idx in groups.values():
        e = OrderedDict([("in", _ranges(idx, versions))])
        e.update(sorted(v.items()))
        out.append(e)
    return out


def compact_catalogs(package, repo, cats, default):
    """[(ref, schema-1 catalogue)] (oldest first) -> one schema-2 catalogue."""
    versions = [c["version"] for _, c in cats]
    refs = [ref for ref, _ in cats]
    classes = {}
    for i, (ref, c) in enumerate(cats):
        for cname, e in c["classes"].items():
            slot = classes.setdefault(cname, {"meta": [], "traits": {}, "removed": {}})
            meta = OrderedDict((k, _ref_doc(v, ref) if k == "doc" else v)
                               for k, v in e.items() if k not in ("traits", "removed"))
            slot["meta"].append((i, meta))
            for tname, t in e.get("traits", {}).items():
                slot["traits"].setdefault(tname, []).append((i, _templated(t, ref)))
            for tname, r in e.get("removed", {}).items():
                slot["removed"].setdefault(tname, []).append((i, _templated(r, ref)))
    out_classes = OrderedDict()
    for cname in sorted(classes):
        slot = classes[cname]
        ce = OrderedDict([("meta", _variants(slot["meta"], versions))])
        ce["traits"] = OrderedDict((t, _variants(v, versions)) for t, v in sorted(slot["traits"].items()))
        if slot["removed"]:
            ce["removed"] = OrderedDict((t, _variants(v, versions)) for t, v in sorted(slot["removed"].items()))
        out_classes[cname] = ce
    src = cats[0][1]["source"].split("@")[0]
    return OrderedDict([
        ("schema", 2), ("package", package), ("source", src), ("default", default),
        ("versions", versions), ("refs", refs), ("classes", out_classes),
    ])


def _in_ranges(spec, i, versions):
    pos = {v: n for n, v in enumerate(versions)}
    for part in spec.split(","):
        a, _, b = part.partition("..")
        if pos[a] <= i <= pos[b or a]:
            return True
    return False


def decode_compact(compact, version):
    """The schema-1 catalogue of one catalogued version of a schema-2 file (mirror of the TS loader)."""
    versions = compact["versions"]
    i = versions.index(version)
    ref = compact["refs"][i]

    def pick(variants):
        for v in variants:
            if _in_ranges(v["in"], i, versions):
                e = OrderedDict((k, x) for k, x in v.items() if k != "in")
                if isinstance(e.get("doc"), str):
                    e["doc"] = e["doc"].replace("{ref}", ref)
                return e
        return None

    classes = OrderedDict()
    for cname, ce in compact["classes"].items():
        meta = pick(ce["meta"])
        if meta is None:
            continue
        entry = OrderedDict(meta)
        entry["traits"] = OrderedDict()
        for tname, vs in ce["traits"].items():
            t = pick(vs)
            if t is not None:
                entry["traits"][tname] = t
        removed = OrderedDict()
        for tname, vs in ce.get("removed", {}).items():
            r = pick(vs)
            if r is not None:
                removed[tname] = r
        if removed:
            entry["removed"] = removed
        classes[cname] = OrderedDict(sorted(entry.items()))
    return OrderedDict([
        ("schema", 1), ("package", compact["package"]), ("version", version),
        ("source", "%s@%s (AST scan)" % (compact["source"], ref)), ("classes", classes),
    ])


def write_compact(compact, path):
    """One class / trait per line for readable diffs."""
    lines = ["{"]
    for k in ("schema", "package", "source", "default", "versions", "refs"):
        lines.append("%s:%s," % (json.dumps(k), dumps_compact(compact[k])))
    lines.append('"classes":{')
    cnames = list(compact["classes"])
    for ci, cname in enumerate(cnames):
        ce = compact["classes"][cname]
        lines.append("%s:{" % json.dumps(cname))
        keys = [k for k in ("meta", "traits", "removed") if k in ce]
        for ki, k in enumerate(keys):
            comma = "," if ki < len(keys) - 1 else ""
            if k == "meta":
                lines.append('"meta":%s%s' % (dumps_compact(ce[k]), comma))
                continue
            lines.append("%s:{" % json.dumps(k))
            items = list(ce[k].items())
            for ti, (tname, vs) in enumerate(items):
                lines.append("%s:%s%s" % (json.dumps(tname), dumps_compact(vs), "," if ti < len(items) - 1 else ""))
            lines.append("}" + comma)
        lines.append("}" + ("," if ci < len(cnames) - 1 else ""))
    lines.append("}")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    json.loads(text)
    with open(path, "w") as f:
        f.write(text)


# ---------------------------------------------------------------------------
# fingerprints (test/traits.versions.test.ts checks that decoding reproduces them)
# ---------------------------------------------------------------------------

def class_fingerprint_lines(entry):
    """Canonical text of what a class offers: bases, traits with types and deprecations, removed names."""
    lines = ["bases " + ",".join(entry.get("bases", []))]
    for tname in sorted(entry.get("traits", {})):
        t = entry["traits"][tname]
        d = t.get("deprecated") or {}
        lines.append("trait %s %s %s|%s|%s|%s" % (tname, t["type"], d.get("since", ""), d.get("renamedTo", ""),
                                                 d.get("effect", ""), "inexact" if d.get("exact") is False else ""))
    for tname in sorted(entry.get("removed", {})):
        r = entry["removed"][tname]
        lines.append("removed %s %s|%s|%s|%s" % (tname, r.get("since", ""), r.get("renamedTo", ""),
                                                r.get("effect", ""), "inexact" if r.get("exact") is False else ""))
    return lines


def catalog_fingerprint(catalog):
    import hashlib
    out = OrderedDict()
    for cname in sorted(catalog["classes"]):
        text = "\n".join(class_fingerprint_lines(catalog["classes"][cname]))
        out[cname] = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return out


def write_fingerprints(fps, path):
    lines = ["{", '"schema":1,', '"packages":{']
    names = sorted(fps["packages"])
    for pi, name in enumerate(names):
        lines.append("%s:{" % json.dumps(name))
        vs = sorted(fps["packages"][name], key=vkey)
        for vi, v in enumerate(vs):
            lines.append("%s:%s%s" % (json.dumps(v), dumps_compact(fps["packages"][name][v]), "," if vi < len(vs) - 1 else ""))
        lines.append("}" + ("," if pi < len(names) - 1 else ""))
    lines.append("}")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    json.loads(text)
    with open(path, "w") as f:
        f.write(text)
    log("wrote %s" % path)


def verify_all(ns):
    """Re-scan every catalogued version from upstream source; compare with the decoded compact files."""
    manifest = load_json(ns.manifest)
    index = load_json(os.path.join(ns.out_dir, "index.json"))
    only = set(ns.only.split(",")) if ns.only else None
    bad = 0
    for cat in manifest["catalogs"]:
        pkg = cat["package"]
        if "versions" not in cat or (only is not None and pkg not in only):
            continue
        pkg_cfg = manifest["packages"][pkg]
        repo = locate_repo(ns.sources_dir, pkg_cfg["repo"])
        if not repo:
            raise SystemExit("repository %s not found under %s" % (pkg_cfg["repo"], ns.sources_dir))
        bases = []
        for b in pkg_cfg.get("baseCatalogs", []):
            info = index["packages"][b]
            bases.append(os.path.join(ns.out_dir, info["versions"][info["default"]]))
        compact = load_json(os.path.join(ns.out_dir, "%s.json" % pkg))
        for ref, fresh in build_versions(ns, manifest, cat, repo, bases):
            v = fresh["version"]
            if v not in compact["versions"]:
                log("MISSING %s %s: not in the compact catalogue" % (pkg, v))
                bad += 1
                continue
            got = decode_compact(compact, v)
            if dumps_compact(got) != dumps_compact(json.loads(dumps_compact(fresh))):
                bad += 1
                for cname in sorted(set(got["classes"]) | set(fresh["classes"])):
                    a = got["classes"].get(cname)
                    b = fresh["classes"].get(cname)
                    if dumps_compact(a) != dumps_compact(json.loads(dumps_compact(b)) if b else None):
                        log("DIFF %s %s %s" % (pkg, v, cname))
            else:
                log("ok %s %s" % (pkg, v))
    if bad:
        raise SystemExit("%d version(s) differ from upstream source" % bad)
    log("every catalogued version agrees with its upstream source")


def write_index(files, path):
    packages = OrderedDict()
    for f in files:
        p = packages.setdefault(f["package"], OrderedDict([("default", None), ("latest", None), ("versions", OrderedDict())]))
        for v in f.get("versions", [f["key"]]):
            p["versions"][v] = f["file"]
        if f["default"]:
            p["default"] = f["key"]
    for name, p in packages.items():
        finals = [f for f in files if f["package"] == name and not f["prerelease"]]
        if finals:
            p["latest"] = max(finals, key=lambda f: vkey(f["version"]))["key"]
        if p["default"] is None:
            p["default"] = p["latest"] or list(p["versions"])[-1]
    index = OrderedDict([("schema", 1), ("packages", packages), ("files", files)])
    lines = ["{", '"files":[']
    for i, f in enumerate(files):
        lines.append(dumps_compact(f) + ("," if i < len(files) - 1 else ""))
    lines.append("],")
    lines.append('"packages":{')
    names = list(packages)
    for i, n in enumerate(names):
        lines.append("%s:%s%s" % (json.dumps(n), dumps_compact(packages[n]), "," if i < len(names) - 1 else ""))
    lines.append("},")
    lines.append('"schema":1')
    lines.append("}")
    text = "\n".join(lines) + "\n"
    json.loads(text)
    with open(path, "w") as fh:
        fh.write(text)
    log("wrote %s" % path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--all", action="store_true", help="regenerate every catalogue listed in the manifest")
    ap.add_argument("--sources-dir", help="--all: directory holding the upstream git dirs / checkouts")
    ap.add_argument("--only", help="--all: comma-separated packages to regenerate (others are read back)")
    ap.add_argument("--manifest", default=DEFAULT_MANIFEST)
    ap.add_argument("--out-dir", default=DEFAULT_OUT_DIR)
    ap.add_argument("--repo", help="git directory or checkout of the upstream repository")
    ap.add_argument("--ref", help="tag/commit to scan (omit to scan a checkout's files as they are)")
    ap.add_argument("--version", help="version string when scanning a checkout without --ref")
    ap.add_argument("--package", help="python package name, e.g. jupyterhub")
    ap.add_argument("--package-dir", help="package directory inside the repository (default: package name)")
    ap.add_argument("--exclude", action="append", help="regex of paths to skip (repeatable)")
    ap.add_argument("--history-refs", default=None,
                    help="comma-separated older tags for added/changed/removed "
                         "(default 'auto': the manifest's history tags older than --ref; '' for none)")
    ap.add_argument("--base-catalog", action="append", default=[],
                    help="catalogue JSON resolving external base classes (repeatable; default: the "
                         "manifest's baseCatalogs, default versions from index.json next to --out)")
    ap.add_argument("--deprecations", default=DEFAULT_DEPRECATIONS)
    ap.add_argument("--fingerprints", default=DEFAULT_FINGERPRINTS,
                    help="--all: where to write the per-version fingerprints of multi-version packages")
    ap.add_argument("--verify", action="store_true",
                    help="with --sources-dir: re-scan every catalogued plugin version and compare it "
                         "with the compact catalogue (writes nothing)")
    ap.add_argument("--github", help="owner/name, for the 'source' field and doc links")
    ap.add_argument("--doc-version", help="docs version slug (default from manifest: exact version / stable / latest)")
    ap.add_argument("--out", help="output catalogue path")
    ns = ap.parse_args(argv)
    if ns.verify:
        if not ns.sources_dir:
            ap.error("--verify needs --sources-dir")
        verify_all(ns)
        return
    if ns.all:
        if not ns.sources_dir:
            ap.error("--all needs --sources-dir")
        run_all(ns)
        return
    if not (ns.repo and ns.package and ns.out):
        ap.error("--repo, --package and --out are required (or use --all)")
    run_one(ns, load_json(ns.manifest))


if __name__ == "__main__":
    main()
