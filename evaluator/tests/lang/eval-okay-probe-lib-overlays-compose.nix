let
  fix = f: let x = f x; in x;
  extends = o: f: self: let super = f self; in super // o self super;
  compose = f: g: self: super: let fs = f self super; in fs // g self (super // fs);
  base = self: { a = 1; b = self.a + 1; };
  o1 = self: super: { a = super.a * 10; };
  o2 = self: super: { c = self.b + super.a; };
in fix (extends (compose o1 o2) base)
