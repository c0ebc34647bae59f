# `? ${null}` is an error, but a path containing no null is fine
{ a = { b = 1; }; } ? a.${"b"}
