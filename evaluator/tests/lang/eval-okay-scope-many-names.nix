# Scopes of more than 16 names are searched through an index: shadowing,
# misses that go on to outer levels and to `with`, rec sets and formals.
let
  a0 = 0;
  a1 = 1;
  a2 = 2;
  a3 = 3;
  a4 = 4;
  a5 = 5;
  a6 = 6;
  a7 = 7;
  a8 = 8;
  a9 = 9;
  a10 = 10;
  a11 = 11;
  a12 = 12;
  a13 = 13;
  a14 = 14;
  a15 = 15;
  a16 = 16;
  a17 = 17;
  a18 = 18;
  a19 = 19;
  f = x: x + a19;
in
let
  a0 = 100;
  b1 = a1 + a0;
  b2 = a2 + b1;
  b3 = a3 + b2;
  b4 = a4 + b3;
  b5 = a5 + b4;
  b6 = a6 + b5;
  b7 = a7 + b6;
  b8 = a8 + b7;
  b9 = a9 + b8;
  b10 = a10 + b9;
  b11 = a11 + b10;
  b12 = a12 + b11;
  b13 = a13 + b12;
  b14 = a14 + b13;
  b15 = a15 + b14;
  b16 = a16 + b15;
  b17 = a17 + b16;
  g = { c0 ? 0, c1 ? 1, c2 ? 2, c3 ? 3, c4 ? 4, c5 ? 5, c6 ? 6, c7 ? 7, c8 ? 8, c9 ? 9, c10 ? 10, c11 ? 11, c12 ? 12, c13 ? 13, c14 ? 14, c15 ? 15, c16 ? 16, c17 ? 17, ... }: c0 + c17 + a5;
  r = rec { d0 = 0 + (if 0 == 0 then 0 else d0); d1 = 1 + (if 1 == 0 then 0 else d0); d2 = 2 + (if 2 == 0 then 0 else d1); d3 = 3 + (if 3 == 0 then 0 else d2); d4 = 4 + (if 4 == 0 then 0 else d3); d5 = 5 + (if 5 == 0 then 0 else d4); d6 = 6 + (if 6 == 0 then 0 else d5); d7 = 7 + (if 7 == 0 then 0 else d6); d8 = 8 + (if 8 == 0 then 0 else d7); d9 = 9 + (if 9 == 0 then 0 else d8); d10 = 10 + (if 10 == 0 then 0 else d9); d11 = 11 + (if 11 == 0 then 0 else d10); d12 = 12 + (if 12 == 0 then 0 else d11); d13 = 13 + (if 13 == 0 then 0 else d12); d14 = 14 + (if 14 == 0 then 0 else d13); d15 = 15 + (if 15 == 0 then 0 else d14); d16 = 16 + (if 16 == 0 then 0 else d15); d17 = 17 + (if 17 == 0 then 0 else d16); };
in
[ a0 a1 b1 b17 (f 1) (g { c0 = 7; }) r.d17 (with { a3 = 300; q = 1; }; [ a3 q ]) ]
