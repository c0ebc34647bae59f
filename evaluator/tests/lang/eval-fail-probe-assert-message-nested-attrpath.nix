assert null == { a.b = 1; }; 1
