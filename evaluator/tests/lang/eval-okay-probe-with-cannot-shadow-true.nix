with { true = false; null = 1; }; [ true null ]
