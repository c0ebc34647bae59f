# The @ binding is bound before the formals, so a default naming it is shared.
({ c ? args, y ? 1, z ? y, w ? v, v ? 2 }@args: { inherit c y z w v; }) { }
