# the merged set keeps the first literal's rec scope, also for the second's values
{ a = rec { b = 1; }; a = { c = b; }; }
