#!/usr/bin/env python3
"""Does a setting on a config section reach an instance of the configured class? Asked of the real
traitlets and JupyterHub: reads cases as JSON from stdin, writes verdicts as JSON to stdout.

A case is {"cls": "jupyterhub.auth:PAMAuthenticator", "section": "Authenticator", "trait": "encoding"}.
The class is instantiated with a config that sets section.trait (to the trait's own default when the
class has it, so the value is valid), and the verdict is whether traitlets warned that the option is
not recognized: {"ignored": true|false} (or {"error": "..."} when the class cannot be made). With
"value" (a Python literal) the trait is set to it instead, and "rejected" tells whether traitlets
refused the value (a TraitError: the hub would not start).
Used by test/traits.differential.test.ts.
"""
import ast
import importlib
import json
import logging
import sys

from traitlets import TraitError
from traitlets.config import Config


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def verdict(case):
    mod, _, name = case["cls"].partition(":")
    cls = getattr(importlib.import_module(mod), name)
    trait = case["trait"]
    value = "x"
    traits = cls.class_traits(config=True)
    if "value" in case:
        # a Python literal: does traitlets accept it for the trait?
        value = ast.literal_eval(case["value"])
    elif trait in traits:
        try:
            value = traits[trait].default()
        except Exception:
            value = None
    config = Config()
    config[case["section"]][trait] = value
    log = logging.getLogger("trait-differential")
    log.handlers[:] = []
    log.propagate = False
    collect = Collect()
    log.addHandler(collect)
    try:
        cls(config=config, log=log)
    except TraitError as e:
        if "value" in case:
            return {"ignored": False, "rejected": True}
        return {"error": "%s: %s" % (type(e).__name__, e)}
    except (Exception, SystemExit) as e:  # the class fails (or exits) for another reason: not what is asked here
        return {"error": "%s: %s" % (type(e).__name__, e)}
    ignored = any(("`%s`" % trait) in m and "not recognized" in m for m in collect.messages)
    return {"ignored": ignored, "rejected": False}


def main():
    cases = json.load(sys.stdin)
    json.dump([verdict(c) for c in cases], sys.stdout)


if __name__ == "__main__":
    main()
