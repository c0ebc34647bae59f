//! Store objects are only computed by default; writing them is an opt-in.

use tvix_eval::{Evaluation, Value};

const EXPR: &str = r#"
  let d = derivation {
    name = "x"; system = "x86_64-linux"; builder = "/bin/sh";
    f = builtins.toFile "a.txt" "hello";
  };
  in [ d.drvPath d.f ]
"#;

fn strings(eval: &mut Evaluation) -> Vec<String> {
    let v = eval.evaluate_str(EXPR).unwrap();
    let Value::List(l) = eval.force_deep(&v).unwrap() else {
        panic!("not a list")
    };
    l.iter()
        .map(|x| match x.shallow() {
            Value::String(s) => s.to_str_lossy().into_owned(),
            other => panic!("not a string: {other:?}"),
        })
        .collect()
}

#[test]
fn nothing_is_written_by_default() {
    let dir = std::env::temp_dir().join(format!("tvix-store-off-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut eval = Evaluation::builder()
        .store_dir(dir.to_string_lossy())
        .build();
    let paths = strings(&mut eval);
    assert!(paths[0].starts_with(&*dir.to_string_lossy()));
    assert!(!dir.exists());
}

#[test]
fn opt_in_writes_drv_and_text_files() {
    let dir = std::env::temp_dir().join(format!("tvix-store-on-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut eval = Evaluation::builder()
        .store_dir(dir.to_string_lossy())
        .write_store(true)
        .build();
    let paths = strings(&mut eval);
    let drv = std::fs::read_to_string(&paths[0]).unwrap();
    assert!(drv.starts_with("Derive([(\"out\","), "{drv}");
    assert_eq!(std::fs::read_to_string(&paths[1]).unwrap(), "hello");
    assert_eq!(
        eval.derivation_aterm(&paths[0]).as_deref(),
        Some(drv.as_str())
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
