# toString of a float uses std::to_string (6 decimals), unlike the printer
[ (toString 1.5) (toString 0.1) (toString 1.0e20) (toString 1.0e-7) (toString 100.0) ]
