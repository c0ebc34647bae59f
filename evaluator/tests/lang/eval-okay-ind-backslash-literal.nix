''a\nb\tc''
