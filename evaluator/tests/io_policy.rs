//! The file-access policy: pure mode, allowed roots (with `..` and symlink
//! escapes refused), impure mode, and embedder-supplied file systems.

use std::path::PathBuf;

use tvix_eval::{Evaluation, MemoryIO, Value};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tvix-io-policy-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("root/sub")).expect("create scratch dirs");
    std::fs::write(dir.join("root/a.nix"), "{ x = import ./sub/b.nix; }").expect("write a.nix");
    std::fs::write(dir.join("root/sub/b.nix"), "40 + 2").expect("write b.nix");
    std::fs::write(dir.join("secret.txt"), "secret").expect("write secret");
    dir
}

fn eval_str(eval: &mut Evaluation, src: &str) -> Result<Value, String> {
    let v = eval.evaluate_str(src).map_err(|e| e.message())?;
    eval.force_deep(&v).map_err(|e| e.message())
}

#[test]
fn allowed_root_permits_reads_below_it() {
    let dir = scratch("below");
    let mut eval = Evaluation::builder()
        .pure(true)
        .allow_root(dir.join("root"))
        .build();
    let v = eval_str(
        &mut eval,
        &format!("(import {}/root/a.nix).x", dir.display()),
    )
    .unwrap();
    assert!(matches!(v, Value::Int(42)));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn outside_roots_dotdot_and_symlinks_are_refused() {
    let dir = scratch("escape");
    std::os::unix::fs::symlink(dir.join("secret.txt"), dir.join("root/link")).expect("symlink");
    let mut eval = Evaluation::builder()
        .pure(true)
        .allow_root(dir.join("root"))
        .build();
    for src in [
        format!("builtins.readFile {}/secret.txt", dir.display()),
        format!(
            "builtins.readFile ({}/root + \"/../secret.txt\")",
            dir.display()
        ),
        format!("builtins.readFile {}/root/link", dir.display()),
    ] {
        let err = eval_str(&mut eval, &src).unwrap_err();
        assert!(
            err.contains("access to absolute path") && err.contains("is forbidden in"),
            "{src}: {err}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn pure_mode_hides_environment_and_clock() {
    let mut eval = Evaluation::builder().pure(true).build();
    let v = eval_str(
        &mut eval,
        "[ (builtins.getEnv \"HOME\") (builtins ? currentTime) (builtins ? currentSystem) ]",
    )
    .unwrap();
    let Value::List(l) = v else {
        panic!("not a list")
    };
    assert!(matches!(l[0].shallow(), Value::String(s) if s.is_empty()));
    assert!(matches!(l[1].shallow(), Value::Bool(false)));
    assert!(matches!(l[2].shallow(), Value::Bool(false)));
}

#[test]
fn impure_mode_reads_anywhere() {
    let dir = scratch("impure");
    let mut eval = Evaluation::builder().build();
    let v = eval_str(
        &mut eval,
        &format!("builtins.readFile {}/secret.txt", dir.display()),
    )
    .unwrap();
    assert!(matches!(v, Value::String(s) if s.as_bytes() == b"secret"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn embedders_can_supply_an_in_memory_tree() {
    let mut io = MemoryIO::new();
    io.add_file("/cfg/default.nix", "import ./lib.nix { n = 2; }");
    io.add_file("/cfg/lib.nix", "{ n }: n * 21");
    io.add_file("/cfg/data/x.txt", "hello");
    let mut eval = Evaluation::builder().io(io).build();
    let v = eval_str(&mut eval, "[ (import /cfg) (builtins.readFile /cfg/data/x.txt) (builtins.attrNames (builtins.readDir /cfg)) ]");
    let Value::List(l) = v.unwrap() else {
        panic!("not a list")
    };
    assert!(matches!(l[0].shallow(), Value::Int(42)));
    let Value::List(names) = l[2].shallow() else {
        panic!("readDir gave no set")
    };
    assert_eq!(names.len(), 3);
}

#[test]
fn missing_in_memory_files_read_like_missing_os_files() {
    let mut eval = Evaluation::builder().io(MemoryIO::new()).build();
    for src in [
        "builtins.readFile /cfg/x.txt",
        "builtins.hashFile \"sha256\" /cfg/x.txt",
    ] {
        let err = eval_str(&mut eval, src).unwrap_err();
        assert_eq!(
            err, "opening file '/cfg/x.txt': No such file or directory",
            "{src}"
        );
    }
}

#[test]
fn imports_are_evaluated_once() {
    let dir = scratch("cache");
    std::fs::write(
        dir.join("root/counted.nix"),
        "builtins.trace \"evaluated\" 1",
    )
    .expect("write");
    let lines = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let sink = lines.clone();
    let mut eval = Evaluation::builder()
        .trace_sink(move |l| sink.borrow_mut().push(l.to_string()))
        .build();
    let p = dir.join("root/counted.nix");
    let v = eval_str(
        &mut eval,
        &format!(
            "import {p} + import {p} + import {}",
            p.display(),
            p = p.display()
        ),
    )
    .unwrap();
    assert!(matches!(v, Value::Int(3)));
    assert_eq!(lines.borrow().len(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}
