builtins.isAttrs builtins
