; hubcfg's own tree-sitter queries over jupyterhub_config.py (tree-sitter-python grammar).
; Loaded by server/src/parse/python.ts; run by server/src/model/fromPython.ts on import and class
; statements (not on the whole tree, which would cost a full walk).

; classes the file defines itself (custom spawners and authenticators are normal, never "unknown")
(class_definition
  name: (identifier) @class.name)

; `import os`, `import os as os`, `import os.path`: whether `os.environ` can be used in a fix
(import_statement
  name: [
    (dotted_name) @import.module
    (aliased_import
      name: (dotted_name) @import.module
      alias: (identifier) @import.alias)
  ])
