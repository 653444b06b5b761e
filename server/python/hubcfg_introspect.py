#!/usr/bin/env python3
"""hubcfg introspection helper: describe the config traits of the JupyterHub you have installed.

The hubcfg language server runs this file with the Python interpreter the user chose (or
`python3` on PATH) to show the upstream help of the JupyterHub version the user really runs,
and to know the config traits of plugin classes and of the user's own installed classes.

What it does:
  * imports the installed `jupyterhub` package (app, auth, spawner, proxy, crypto, services),
    the classes registered under the `jupyterhub.authenticators` / `jupyterhub.spawners` /
    `jupyterhub.proxies` entry points (the installed plugins), and, only when the request has
    `"importConfigNamed": true`, the extra classes or modules named in the request (dotted
    names the config gives to `*_class` traits: importing them runs their top-level code, so
    the server asks for it only when the user turned `hubcfg.introspectConfigClasses` on);
  * describes every public Configurable class of those packages that has config traits:
    bases (configurable ancestors, MRO order), and for each own `config=True` trait its type,
    default, allowed values, member types and full help text;
  * prints one JSON object on stdout (see `main`). Anything the imported code prints goes to
    stderr.

What it never does: read, import or execute the user's config file; write files; use the
network. The caller runs it with a time limit, in a scratch working directory, and only in a
workspace the editor reports as trusted or the user opted in for (`hubcfg.introspection`).

Request (JSON on stdin, all keys optional; without `importConfigNamed` the lists are ignored):
  {"classes": ["mypkg.spawner.MySpawner", ...], "modules": ["mypkg.auth", ...],
   "importConfigNamed": true}

Standard library plus traitlets (which every JupyterHub install has). Python >= 3.8.
"""

import importlib
import inspect
import json
import os
import sys
import time

SCHEMA = 1
JUPYTERHUB_MODULES = [
    "jupyterhub.app",
    "jupyterhub.auth",
    "jupyterhub.spawner",
    "jupyterhub.proxy",
    "jupyterhub.crypto",
    "jupyterhub.services.auth",
]
ENTRY_POINT_GROUPS = ["jupyterhub.authenticators", "jupyterhub.spawners", "jupyterhub.proxies"]
TYPE_ALIASES = {"Integer": "Int", "Long": "Int", "CLong": "CInt"}
MAX_HELP = 6000
MAX_CLASSES = 2000


def jsonable(v, depth=0):
    """The JSON form of a plain Python value, or raise ValueError."""
    if depth > 6:
        raise ValueError("too deep")
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            raise ValueError("not finite")
        return v
    if isinstance(v, (list, tuple)):
        return [jsonable(x, depth + 1) for x in v]
    if isinstance(v, (set, frozenset)):
        items = [jsonable(x, depth + 1) for x in v]
        try:
            return sorted(items)
        except TypeError:
            return items
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if not isinstance(k, (str, int, float, bool)) and k is not None:
                raise ValueError("key")
            out[str(k)] = jsonable(x, depth + 1)
        return out
    raise ValueError(type(v).__name__)


def dotted(obj):
    if isinstance(obj, str):
        return obj
    mod = getattr(obj, "__module__", None)
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if mod and name:
        return "%s.%s" % (mod, name)
    return repr(obj)


def short(s, n=80):
    s = " ".join(str(s).split())
    return s if len(s) <= n else s[: n - 1] + "\u2026"


def type_name(trait):
    n = type(trait).__name__
    return TYPE_ALIASES.get(n, n)


def base_type(trait):
    """Nearest traitlets-defined type of a trait class defined by another package."""
    cls = type(trait)
    if cls.__module__.startswith("traitlets"):
        return None
    for b in cls.__mro__[1:]:
        if b.__module__.startswith("traitlets"):
            return TYPE_ALIASES.get(b.__name__, b.__name__)
    return None


def describe_trait(cls, name, trait, undefined):
    e = {"type": type_name(trait)}
    bt = base_type(trait)
    if bt:
        e["baseType"] = bt
    if getattr(trait, "allow_none", False):
        e["allowNone"] = True
    # default
    dv = getattr(trait, "default_value", undefined)
    if dv is undefined and hasattr(trait, "make_dynamic_default"):
        try:
            dv = trait.make_dynamic_default()
        except Exception:
            dv = undefined
    if type_name(trait) in ("Type", "EntryPointType", "Instance", "ForwardDeclaredInstance") or bt == "Type":
        if dv is not undefined and dv is not None:
            e["defaultRepr"] = short(dotted(dv))
        elif dv is None:
            e["default"] = None
    elif dv is not undefined:
        try:
            e["default"] = jsonable(dv)
            if len(json.dumps(e["default"])) > 200:
                del e["default"]
                raise ValueError("long")
        except ValueError:
            try:
                e["defaultRepr"] = short(trait.default_value_repr())
            except Exception:
                e["defaultRepr"] = short(repr(dv))
    for k in vars(cls).values():
        if getattr(k, "trait_name", None) == name and type(k).__name__ == "DefaultHandler":
            e["dynamicDefault"] = True
    if ("_%s_default" % name) in vars(cls):
        e["dynamicDefault"] = True
    # members
    values = getattr(trait, "values", None)
    if values is not None and "Enum" in type_name(trait):
        try:
            e["values"] = jsonable(list(values))
        except ValueError:
            pass
    inner = getattr(trait, "_trait", None)
    if inner is not None:
        e["item"] = type_name(inner)
    inners = getattr(trait, "_traits", None)
    if inners and type_name(trait) == "Tuple":
        e["item"] = "|".join(type_name(t) for t in inners)
    vt = getattr(trait, "_value_trait", None)
    if vt is not None:
        e["item"] = type_name(vt)
    kt = getattr(trait, "_key_trait", None)
    if kt is not None:
        e["key"] = type_name(kt)
    pk = getattr(trait, "_per_key_traits", None)
    if pk:
        e["perKey"] = {str(k): type_name(v) for k, v in pk.items()}
    tt = getattr(trait, "trait_types", None)
    if tt and type_name(trait) == "Union":
        e["union"] = [type_name(t) for t in tt]
    klass = getattr(trait, "klass", None)
    if klass is not None and isinstance(klass, (type, str)):
        e["klass"] = dotted(klass)
    epg = getattr(trait, "entry_point_group", None)
    if isinstance(epg, str):
        e["entryPointGroup"] = epg
    minlen = getattr(trait, "_minlen", 0)
    if isinstance(minlen, int) and minlen > 0:
        e["minLen"] = minlen
    help_text = getattr(trait, "help", "") or ""
    if help_text:
        help_text = inspect.cleandoc(help_text)
        e["help"] = help_text[:MAX_HELP]
    return e


def top_package(module):
    return (module or "").split(".")[0]


def main():
    t0 = time.time()
    raw = sys.stdin.read() if not sys.stdin.isatty() else ""
    try:
        req = json.loads(raw) if raw.strip() else {}
    except ValueError:
        req = {}
    # imported code must not write on our stdout: keep it for the answer
    answer_out = sys.stdout
    sys.stdout = sys.stderr
    out = {
        "schema": SCHEMA,
        "python": {"executable": sys.executable, "version": "%d.%d.%d" % sys.version_info[:3]},
        "jupyterhub": None,
        "packages": {},
        "classes": {},
        "errors": [],
        "watch": [],
    }

    def emit():
        out["seconds"] = round(time.time() - t0, 3)
        answer_out.write(json.dumps(out, sort_keys=True))
        answer_out.write("\n")
        answer_out.flush()

    try:
        import traitlets
        from traitlets import Undefined
        from traitlets.config import Configurable
    except Exception as e:  # no traitlets: no JupyterHub either
        out["errors"].append("traitlets is not importable: %s" % short(e, 200))
        return emit()
    out["traitlets"] = getattr(traitlets, "__version__", None)
    try:
        import jupyterhub
    except Exception as e:
        out["errors"].append("jupyterhub is not importable: %s" % short(e, 200))
        return emit()
    out["jupyterhub"] = getattr(jupyterhub, "__version__", None)

    try:
        from importlib import metadata
    except ImportError:  # Python < 3.8
        metadata = None

    packages = {"jupyterhub"}
    for m in JUPYTERHUB_MODULES:
        try:
            importlib.import_module(m)
        except Exception as e:
            out["errors"].append("cannot import %s: %s" % (m, short(e, 200)))

    # installed plugins: the classes registered for jupyterhub's entry point groups
    if metadata is not None:
        try:
            eps = metadata.entry_points()
            for group in ENTRY_POINT_GROUPS:
                selected = eps.select(group=group) if hasattr(eps, "select") else eps.get(group, [])
                for ep in selected:
                    try:
                        obj = ep.load()
                        packages.add(top_package(getattr(obj, "__module__", "")))
                    except Exception as e:
                        out["errors"].append("cannot load entry point %s=%s: %s" % (ep.name, ep.value, short(e, 200)))
        except Exception as e:
            out["errors"].append("cannot list entry points: %s" % short(e, 200))

    # classes and modules the config names (e.g. spawner_class = "mypkg.MySpawner"): importing
    # them runs their code, so only when the request explicitly allows it
    if not isinstance(req, dict):
        req = {}
    if req.get("importConfigNamed") is not True:
        named = []
        for key in ("modules", "classes"):
            if isinstance(req.get(key), list):
                named += [n for n in req[key] if isinstance(n, str)]
        if named:
            out["errors"].append("not imported (importConfigNamed is off): %s" % short(", ".join(named), 200))
        req = {}
    for name in req.get("modules", []) or []:
        if not isinstance(name, str):
            continue
        try:
            importlib.import_module(name)
            packages.add(top_package(name))
        except Exception as e:
            out["errors"].append("cannot import %s: %s" % (name, short(e, 200)))
    for name in req.get("classes", []) or []:
        if not isinstance(name, str) or "." not in name:
            continue
        mod, _, attr = name.rpartition(".")
        try:
            obj = getattr(importlib.import_module(mod), attr)
            packages.add(top_package(getattr(obj, "__module__", mod)))
        except Exception as e:
            out["errors"].append("cannot import %s: %s" % (name, short(e, 200)))
    packages.discard("")
    packages.discard("traitlets")

    dists = {}
    if metadata is not None and hasattr(metadata, "packages_distributions"):
        try:
            dists = metadata.packages_distributions()
        except Exception:
            dists = {}
    for p in sorted(packages):
        info = {}
        mod = sys.modules.get(p)
        version = getattr(mod, "__version__", None)
        if metadata is not None:
            for d in dists.get(p, []) + [p]:
                try:
                    version = metadata.version(d)
                    break
                except Exception:
                    continue
        if isinstance(version, str):
            info["version"] = version
        f = getattr(mod, "__file__", None)
        if f:
            info["path"] = os.path.abspath(f)
            out["watch"].append(info["path"])
        out["packages"][p] = info

    def walk(c, seen):
        for s in c.__subclasses__():
            if s not in seen:
                seen.add(s)
                yield s
                for x in walk(s, seen):
                    yield x

    found = {}
    for cls in walk(Configurable, set()):
        name = cls.__name__
        if name.startswith("_") or top_package(cls.__module__) not in packages:
            continue
        try:
            all_config = cls.class_traits(config=True)
        except Exception:
            continue
        if not all_config:
            continue
        # the same name in two modules: JupyterHub's own class wins, then the first seen
        if name in found and top_package(found[name].__module__) == "jupyterhub":
            continue
        found[name] = cls
        if len(found) >= MAX_CLASSES:
            break

    for name, cls in sorted(found.items()):
        try:
            own = cls.class_own_traits(config=True)
            all_config = cls.class_traits(config=True)
        except Exception as e:
            out["errors"].append("cannot read the traits of %s: %s" % (name, short(e, 200)))
            continue
        bases = [b.__name__ for b in cls.__mro__[1:] if isinstance(b, type) and issubclass(b, Configurable)]
        inherited = set()
        for b in cls.__mro__[1:]:
            if isinstance(b, type) and issubclass(b, Configurable):
                try:
                    inherited.update(b.class_traits(config=True).keys())
                except Exception:
                    pass
        entry = {
            "module": cls.__module__,
            "package": top_package(cls.__module__),
            "bases": bases,
            "traits": {},
        }
        doc = inspect.getdoc(cls)
        if doc and doc != inspect.getdoc(cls.__mro__[1]):
            entry["help"] = doc[:MAX_HELP]
        for tname, trait in sorted(own.items()):
            try:
                entry["traits"][tname] = describe_trait(cls, tname, trait, Undefined)
            except Exception as e:
                out["errors"].append("cannot describe %s.%s: %s" % (name, tname, short(e, 200)))
        shadowed = sorted(n for n in inherited if n not in all_config)
        if shadowed:
            entry["shadowed"] = shadowed
        dyn = sorted(
            n for n in all_config
            if n not in own
            and any(getattr(v, "trait_name", None) == n and type(v).__name__ == "DefaultHandler" for v in vars(cls).values())
        )
        if dyn:
            entry["dynamicDefaults"] = dyn
        out["classes"][name] = entry
    return emit()


if __name__ == "__main__":
    main()
