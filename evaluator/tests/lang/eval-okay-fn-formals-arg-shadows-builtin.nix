({ map, ... }: map) { map = "shadowed"; }
