builtins.fromJSON ''{"a": {"b": {"c": [[], {}, [1, [2]]]}}}''
