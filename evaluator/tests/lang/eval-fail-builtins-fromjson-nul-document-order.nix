# beyond-oracle: current Nix refuses a NUL byte as fromJSON reads each string (json-to-value.cc calls forceNoNullByte in its SAX string callback), so the first in document order is named, not the first in name order
builtins.fromJSON "{\"z\": \"x\\u0000\", \"a\": \"y\\u0000\"}"
