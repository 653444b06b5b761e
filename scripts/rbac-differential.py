#!/usr/bin/env python3
"""Ask a real JupyterHub whether it would start with each of many config files.

Usage:
    python3 scripts/rbac-differential.py [--jupyterhub-src DIR] < request.json > response.json

request.json:  {"configs": ["/path/to/case-1/jupyterhub_config.py", ...]}
response.json: {"jupyterhub": "3.0.0", "results": [{"path": ..., "starts": bool,
                "phase": "first" | "restart" | null, "error": "Type: message" | null,
                "spawns": bool | null, "spawnError": "Type: message" | null}, ...]}

For each config file this builds a fresh `JupyterHub` application object, loads the file with
traitlets (`load_config_file`, as `jupyterhub -f` does), and runs the start-up steps that read
RBAC configuration, in the order `JupyterHub.initialize` runs them:

    init_db (in-memory SQLite) -> init_hub -> init_oauth -> init_role_creation -> init_users
    -> init_groups -> init_services -> init_api_tokens -> init_role_assignment

then does it all again on the same database ("restart"), and finally, when the config sets
`Spawner.server_token_scopes` (4.0+), runs the step of `User.spawn` that makes the server's API
token from it ("spawns"), for an ordinary user and for an admin. Restarting matters because some configs start once and fail on
every later start (e.g. a role without "scopes" up to 3.0). Any exception means "the hub does not
start". Each case runs in a forked child of a process that has only imported JupyterHub, as a
new hub process would, so module-level state (the scope table extended by custom scopes, the
expansion caches) never leaks between cases; before the restart the child restores the scope
table and empties the caches, and opens a new session on the same database. For speed, the
fresh database of each case is a copy of one made by `init_db` (SQLite's backup API), entry-point
lookups are cached, and the cases are shared among `--jobs` forked worker processes (default: up
to 4).

By default the installed `jupyterhub` package is used (Debian's python3 `jupyterhub` is 3.0.0).
`--jupyterhub-src DIR` puts an upstream source tree first on sys.path instead (e.g. a
`git archive 5.5.1 jupyterhub` extraction); modules that only its web handlers import
(jupyter_events, pydantic, aiohttp) are stubbed when they are not installed, because none of
the start-up steps above uses them.
"""

import argparse
import asyncio
import copy
import gc
import importlib.abc
import importlib.machinery
import importlib.util
import json
import logging
import os
import pickle
import sys
import types
import warnings

STUBBED = ("jupyter_events", "pydantic", "aiohttp")


class _Anything:
    """Stand-in for any attribute of a stubbed module: callable, subclassable, a no-op decorator."""

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return args[0]
        return _Anything()

    def __getattr__(self, name):
        return _Anything()

    def __class_getitem__(cls, item):
        return cls


class _StubModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if name[:1].isupper():
            return type(name, (Exception if name.endswith(("Error", "Exception")) else _Anything,), {})
        return _Anything()


class _StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path, target=None):
        root = fullname.split(".")[0]
        if root not in STUBBED:
            return None
        # only when the real module is missing
        for finder in sys.meta_path:
            if finder is self:
                continue
            try:
                spec = finder.find_spec(fullname, path, target)
            except Exception:
                spec = None
            if spec is not None:
                return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec):
        m = _StubModule(spec.name)
        m.__path__ = []
        return m

    def exec_module(self, module):
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jupyterhub-src", help="upstream source tree to import jupyterhub from")
    ap.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1))
    args = ap.parse_args()
    if args.jupyterhub_src:
        sys.path.insert(0, os.path.abspath(args.jupyterhub_src))
    sys.meta_path.append(_StubFinder())
    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)

    # entry points are looked up for every new app object: scan the installed distributions once
    import functools
    import importlib.metadata as md

    _entry_points = md.entry_points

    @functools.lru_cache(maxsize=None)
    def _cached(items):
        return _entry_points(**dict(items))

    md.entry_points = lambda **kw: _cached(tuple(sorted(kw.items())))

    import sqlite3

    import jupyterhub
    from jupyterhub import scopes
    from jupyterhub.app import JupyterHub

    template = {}

    def database(conn=None):
        """A session factory on an in-memory SQLite: a copy of what init_db makes on an empty
        database, or (for a restart) the connection an earlier start used."""
        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker
        from sqlalchemy.pool import StaticPool

        from jupyterhub import orm

        if not template:
            base = JupyterHub(db_url="sqlite:///:memory:")
            base.init_db()
            engine = base.session_factory.kw["bind"]
            raw = engine.raw_connection()
            template["conn"] = getattr(raw, "driver_connection", None) or raw.connection
            template["kw"] = dict(base.session_factory.kw)
            template["keep"] = (raw, engine, base)
        if conn is None:
            conn = sqlite3.connect(":memory:", check_same_thread=False)
            template["conn"].backup(conn)
        engine = create_engine("sqlite://", creator=lambda: conn, poolclass=StaticPool)
        orm.register_foreign_keys(engine)
        return sessionmaker(**{**template["kw"], "bind": engine}), conn

    async def start(path, session_factory):
        app = JupyterHub(db_url="sqlite:///:memory:")
        app.load_config_file(path)
        app.session_factory = session_factory
        app.db = session_factory()
        try:
            app.init_hub()
            app.init_oauth()
            await app.init_role_creation()
            await app.init_users()
            await app.init_groups()
            app.init_services()
            await app.init_api_tokens()
            await app.init_role_assignment()
        finally:
            app.db.close()

    def spawn_token(path, session_factory):
        """The server-token step of User.spawn (4.0+), for an ordinary user and for an admin.

        Returns None when the config sets no Spawner.server_token_scopes (or the version has no
        such trait), else the error that step raises, or "" when it succeeds.
        """
        from traitlets.config import PyFileConfigLoader

        from jupyterhub import orm, roles
        from jupyterhub.spawner import Spawner

        if "server_token_scopes" not in Spawner.class_trait_names():
            return None
        cfg = PyFileConfigLoader(os.path.basename(path), os.path.dirname(path)).load_config()
        if "server_token_scopes" not in cfg.Spawner:
            return None
        base = cfg.Spawner.server_token_scopes
        # an ordinary user and an admin (who holds nearly every scope, so fewer scopes are dropped)
        for name, admin in (("spawn-check", False), ("spawn-admin", True)):
            db = session_factory()
            try:
                requested = base or orm.Role.find(db, "server").scopes
                user = orm.User(name=name, admin=admin)
                db.add(user)
                db.commit()
                roles.assign_default_roles(db, entity=user)
                requested = {s + f"={name}/" if s.endswith("!server") else s for s in set(requested)}
                if not {"users:activity!user", "users:activity", "inherit"} & requested:
                    requested |= {"users:activity!user"}
                have = roles.roles_to_scopes(roles.get_roles_for(user)) | {"inherit"}
                client = db.query(orm.OAuthClient).filter_by(identifier="jupyterhub").one()
                resolved, _ = scopes._resolve_requested_scopes(requested, have, user, client, db)
                user.new_api_token(note="spawn-check", scopes=resolved)
            except BaseException as e:  # noqa: BLE001
                if isinstance(e, KeyboardInterrupt):
                    raise
                return f"{name}: {type(e).__name__}: {e}"[:500]
            finally:
                db.rollback()
                db.close()
        return ""

    pristine_scopes = copy.deepcopy(scopes.scope_definitions)

    def clear_caches():
        """Empty the memoized expansion functions of jupyterhub.scopes (functools and _memoize caches)."""
        for name in dir(scopes):
            fn = getattr(scopes, name, None)
            if hasattr(fn, "cache_clear"):
                fn.cache_clear()
            for cell in getattr(fn, "__closure__", None) or ():
                try:
                    obj = cell.cell_contents
                except ValueError:
                    continue
                if type(obj).__name__ == "LRUCache":
                    for attr in ("_cache", "cache", "_data"):
                        if hasattr(getattr(obj, attr, None), "clear"):
                            getattr(obj, attr).clear()

    def isolated(fn):
        """Runs fn in a forked child, as a new hub process would: module-level state (the scope
        table extended by custom scopes, expansion caches) never leaks from one start to the next."""
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            try:
                out = fn()
            except BaseException as e:  # noqa: BLE001
                out = ("harness-error", repr(e))
            with os.fdopen(w, "wb") as f:
                f.write(pickle.dumps(out))
            os._exit(0)
        os.close(w)
        with os.fdopen(r, "rb") as f:
            data = f.read()
        os.waitpid(pid, 0)
        out = pickle.loads(data)
        if isinstance(out, tuple) and out and out[0] == "harness-error":
            raise SystemExit(f"harness error: {out[1]}")
        return out

    def run(path):
        """Both starts of one case, in a forked child (see isolated)."""

        def both():
            factory, conn = database()
            try:
                asyncio.new_event_loop().run_until_complete(start(path, factory))
            except BaseException as e:  # noqa: BLE001 - anything stops the hub
                if isinstance(e, KeyboardInterrupt):
                    raise
                return {"starts": False, "phase": "first", "error": f"{type(e).__name__}: {e}"[:500]}
            # a new process for the restart would start with empty caches and the original scope table
            scopes.scope_definitions.clear()
            scopes.scope_definitions.update(pristine_scopes)
            clear_caches()
            factory, conn = database(conn)
            try:
                asyncio.new_event_loop().run_until_complete(start(path, factory))
            except BaseException as e:  # noqa: BLE001
                if isinstance(e, KeyboardInterrupt):
                    raise
                return {"starts": False, "phase": "restart", "error": f"{type(e).__name__}: {e}"[:500]}
            spawn = spawn_token(path, factory)
            return {"starts": True, "phase": None, "error": None, "spawns": None if spawn is None else spawn == "", "spawnError": spawn or None}

        out = {"path": path, "spawns": None, "spawnError": None}
        out.update(isolated(both))
        return out

    def run_all(paths):
        database()  # the template database, made once before forking
        gc.collect()
        gc.freeze()  # keep the imported modules' pages shared with the forked children
        return [run(p) for p in paths]

    request = json.load(sys.stdin)
    paths = request["configs"]
    missing = [p for p in paths if not os.path.isfile(p)]
    if missing:
        # traitlets silently ignores a missing config file: that would read as "starts"
        raise SystemExit(f"config files not found: {missing[:3]}")
    jobs = max(1, min(args.jobs, len(paths) // 20 or 1))
    if jobs == 1:
        results = run_all(paths)
    else:
        # fork workers: each takes every jobs-th case and writes its results to a pipe
        chunks = [paths[i::jobs] for i in range(jobs)]
        workers = []
        for chunk in chunks:
            r, w = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(r)
                try:
                    data = json.dumps(run_all(chunk)).encode()
                except BaseException as e:  # noqa: BLE001
                    data = json.dumps({"worker-error": repr(e)}).encode()
                with os.fdopen(w, "wb") as f:
                    f.write(data)
                os._exit(0)
            os.close(w)
            workers.append((pid, r))
        parts = []
        for pid, r in workers:
            with os.fdopen(r, "rb") as f:
                parts.append(json.loads(f.read().decode()))
            os.waitpid(pid, 0)
        for part in parts:
            if isinstance(part, dict):
                raise SystemExit(f"worker failed: {part['worker-error']}")
        results = [None] * len(paths)
        for k, part in enumerate(parts):
            for j, res in enumerate(part):
                results[k + j * jobs] = res
    json.dump({"jupyterhub": jupyterhub.__version__, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
