# A constant set whose dotted paths bind one attribute twice, past the
# number of attributes a scan searches: reported at the second binding.
let s = {
  p0.v = 0; p1.v = 1; p2.v = 2; p3.v = 3; p4.v = 4; p5.v = 5; p6.v = 6;
  p7.v = 7; p8.v = 8; p9.v = 9; p10.v = 10; p11.v = 11; p12.v = 12;
  p13.v = 13; p14.v = 14; p15.v = 15; p16.v = 16; p17.v = 17;
  p3.w = 1; p3.v = 2;
}; in s.p0
