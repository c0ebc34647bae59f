let k = "key"; in { "${k}-x" = 1; "pre${k}" = 2; }
