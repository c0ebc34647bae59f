# only the types of the impure builtins are deterministic
with builtins; [ (typeOf currentSystem) (typeOf currentTime) (typeOf nixVersion) (typeOf (getEnv "NIX_ORACLE_SURELY_UNSET")) ]
