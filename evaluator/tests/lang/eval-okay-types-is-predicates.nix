let vs = [ 1 1.5 "s" true null [ ] { } (x: x) ./p ]; preds = with builtins; [ isInt isFloat isString isBool isNull isList isAttrs isFunction isPath ]; in map (p: map p vs) preds
