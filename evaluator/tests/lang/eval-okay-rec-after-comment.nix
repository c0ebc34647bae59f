let x = /* c */ rec /* d */ { a = 1; b = a + 1; "c" = "q\n${toString b}"; d = ""; e = "\t\\"; }; in [ x.b x.c x.d x.e (# c
rec { z = 4; w = z; }).w ]
