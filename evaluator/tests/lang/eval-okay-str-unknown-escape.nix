# unknown escapes drop the backslash
[ "\a" "\u0041" "\x41" "\q" "\0" ]
