''${toString 42}''
