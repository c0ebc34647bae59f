# inherit can pick up variables introduced by with
with { a = 1; }; { inherit a; }
