# attributes merged into a nested rec set are evaluated in that rec scope
{ a = rec { x = 1; }; a.y = x; }
