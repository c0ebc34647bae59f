let a = { }; in a.''b'' or 1
