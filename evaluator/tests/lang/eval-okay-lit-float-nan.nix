# nan prints with its sign bit (glibc), inf - inf is -nan on x86-64
[ (1.0e308 * 10 - 1.0e308 * 10) ((1.0e308 * 10 - 1.0e308 * 10) == (1.0e308 * 10 - 1.0e308 * 10)) ]
