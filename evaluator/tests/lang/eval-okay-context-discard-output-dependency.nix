builtins.unsafeDiscardOutputDependency "plain"
