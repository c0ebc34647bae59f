# legacy: __overrides in a rec set replaces attributes, and the rec scope sees the override
rec { a = 1; b = a; __overrides = { a = 2; }; }
