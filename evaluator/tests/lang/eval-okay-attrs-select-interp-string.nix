let k = "b"; in { ab = 6; }."a${k}"
