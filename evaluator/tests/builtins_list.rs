//! Every builtin C++ Nix 2.8 has (its `builtins.attrNames builtins`), plus the
//! pure ones added since, must exist in `builtins`.

const NIX_2_8: &[&str] = &[
    "abort",
    "add",
    "addErrorContext",
    "all",
    "any",
    "appendContext",
    "attrNames",
    "attrValues",
    "baseNameOf",
    "bitAnd",
    "bitOr",
    "bitXor",
    "builtins",
    "catAttrs",
    "ceil",
    "compareVersions",
    "concatLists",
    "concatMap",
    "concatStringsSep",
    "currentSystem",
    "currentTime",
    "deepSeq",
    "derivation",
    "derivationStrict",
    "dirOf",
    "div",
    "elem",
    "elemAt",
    "false",
    "fetchGit",
    "fetchMercurial",
    "fetchTarball",
    "fetchTree",
    "fetchurl",
    "filter",
    "filterSource",
    "findFile",
    "floor",
    "foldl'",
    "fromJSON",
    "fromTOML",
    "functionArgs",
    "genList",
    "genericClosure",
    "getAttr",
    "getContext",
    "getEnv",
    "groupBy",
    "hasAttr",
    "hasContext",
    "hashFile",
    "hashString",
    "head",
    "import",
    "intersectAttrs",
    "isAttrs",
    "isBool",
    "isFloat",
    "isFunction",
    "isInt",
    "isList",
    "isNull",
    "isPath",
    "isString",
    "langVersion",
    "length",
    "lessThan",
    "listToAttrs",
    "map",
    "mapAttrs",
    "match",
    "mul",
    "nixPath",
    "nixVersion",
    "null",
    "parseDrvName",
    "partition",
    "path",
    "pathExists",
    "placeholder",
    "readDir",
    "readFile",
    "removeAttrs",
    "replaceStrings",
    "scopedImport",
    "seq",
    "sort",
    "split",
    "splitVersion",
    "storeDir",
    "storePath",
    "stringLength",
    "sub",
    "substring",
    "tail",
    "throw",
    "toFile",
    "toJSON",
    "toPath",
    "toString",
    "toXML",
    "trace",
    "true",
    "tryEval",
    "typeOf",
    "unsafeDiscardOutputDependency",
    "unsafeDiscardStringContext",
    "unsafeGetAttrPos",
    "zipAttrsWith",
];

const NEWER: &[&str] = &[
    "readFileType",
    "convertHash",
    "warn",
    "traceVerbose",
    "addDrvOutputDependencies",
    "break",
    "parseFlakeRef",
    "flakeRefToString",
    "zipAttrsWith",
    "groupBy",
    "ceil",
    "floor",
];

#[test]
fn every_builtin_exists() {
    assert_eq!(NIX_2_8.len(), 109);
    // Impure mode, so that currentSystem and currentTime exist as in
    // nix-instantiate; with `flakes`, which 2.8's fetchTree required and
    // current Nix's fetchTree and flake reference builtins still do.
    let mut eval = tvix_eval::Evaluation::builder()
        .experimental_feature("flakes")
        .build();
    let v = eval.evaluate_str("builtins").unwrap();
    let tvix_eval::Value::Attrs(attrs) = eval.force(&v).unwrap() else {
        panic!("builtins is not a set")
    };
    let missing: Vec<&str> = NIX_2_8
        .iter()
        .chain(NEWER)
        .copied()
        .filter(|n| !attrs.contains(tvix_eval::Symbol::from_str(n)))
        .collect();
    assert!(missing.is_empty(), "missing builtins: {missing:?}");
}

#[test]
fn experimental_builtins_need_their_feature() {
    let mut eval = tvix_eval::Evaluation::builder().build();
    let v = eval
        .evaluate_str("builtins ? fetchTree || builtins ? parseFlakeRef || builtins ? getFlake")
        .unwrap();
    assert!(matches!(
        eval.force(&v).unwrap(),
        tvix_eval::Value::Bool(false)
    ));
}

#[test]
fn version_is_new_enough_for_nixpkgs() {
    let mut eval = tvix_eval::Evaluation::builder().build();
    let v = eval.evaluate_str(
        "[ (builtins.compareVersions builtins.nixVersion \"2.18\") builtins.langVersion ]",
    );
    let v = eval.force_deep(&v.unwrap()).unwrap();
    let tvix_eval::Value::List(l) = v else {
        panic!("not a list")
    };
    assert!(matches!(l[0].shallow(), tvix_eval::Value::Int(i) if i >= 0));
    assert!(matches!(l[1].shallow(), tvix_eval::Value::Int(6)));
}
