# global builtins such as map are static bindings, so they beat `with`
with { map = "mine"; }; builtins.typeOf map
