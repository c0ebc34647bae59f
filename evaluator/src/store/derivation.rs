//! Derivations: the ATerm serialisation, `hashDerivationModulo`, and the
//! output and `.drv` paths, exactly as C++ Nix computes them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{hex, make_store_path, make_text_path, sha256};

/// One output: its path and, for fixed-output derivations, the expected hash.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    /// The output's store path.
    pub path: String,
    /// `sha256`, `r:sha256`, … (empty unless fixed-output).
    pub hash_algo: String,
    /// Hex digest (empty unless fixed-output).
    pub hash: String,
}

/// A derivation as stored in a `.drv` file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Derivation {
    /// Outputs by name.
    pub outputs: BTreeMap<String, Output>,
    /// Input derivations and the outputs used from each.
    pub input_drvs: BTreeMap<String, BTreeSet<String>>,
    /// Input sources (plain store paths).
    pub input_srcs: BTreeSet<String>,
    /// The `system`.
    pub platform: String,
    /// The builder program.
    pub builder: String,
    /// The builder's arguments.
    pub args: Vec<String>,
    /// The builder's environment.
    pub env: BTreeMap<String, String>,
}

fn escape(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn list<'a>(items: impl Iterator<Item = &'a str>, out: &mut String) {
    out.push('[');
    for (i, s) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        escape(s, out);
    }
    out.push(']');
}

impl Derivation {
    /// Whether this is a fixed-output derivation (one output `out` with a hash).
    pub fn is_fixed_output(&self) -> bool {
        self.outputs.len() == 1 && self.outputs.get("out").is_some_and(|o| !o.hash.is_empty())
    }

    /// The ATerm text. `input_drvs` replaces the input derivations (used for hashing modulo).
    pub fn to_aterm_with(&self, input_drvs: &BTreeMap<String, BTreeSet<String>>) -> String {
        let mut out = String::from("Derive([");
        for (i, (name, o)) in self.outputs.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('(');
            escape(name, &mut out);
            out.push(',');
            escape(&o.path, &mut out);
            out.push(',');
            escape(&o.hash_algo, &mut out);
            out.push(',');
            escape(&o.hash, &mut out);
            out.push(')');
        }
        out.push_str("],[");
        for (i, (path, outputs)) in input_drvs.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('(');
            escape(path, &mut out);
            out.push(',');
            list(outputs.iter().map(String::as_str), &mut out);
            out.push(')');
        }
        out.push_str("],");
        list(self.input_srcs.iter().map(String::as_str), &mut out);
        out.push(',');
        escape(&self.platform, &mut out);
        out.push(',');
        escape(&self.builder, &mut out);
        out.push(',');
        list(self.args.iter().map(String::as_str), &mut out);
        out.push_str(",[");
        for (i, (k, v)) in self.env.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('(');
            escape(k, &mut out);
            out.push(',');
            escape(v, &mut out);
            out.push(')');
        }
        out.push_str("])");
        out
    }

    /// The ATerm text of the `.drv` file.
    pub fn to_aterm(&self) -> String {
        self.to_aterm_with(&self.input_drvs)
    }

    /// `hashDerivationModulo`: fixed-output derivations hash only their
    /// output; others hash their ATerm with input derivations replaced by
    /// their own modulo hashes (`known`, by `.drv` path).
    pub fn hash_modulo(&self, known: &HashMap<String, Vec<u8>>) -> Result<Vec<u8>, String> {
        if self.is_fixed_output() {
            if let Some(o) = self.outputs.get("out") {
                let s = format!("fixed:out:{}:{}:{}", o.hash_algo, o.hash, o.path);
                return Ok(sha256(s.as_bytes()));
            }
        }
        let mut replaced: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (path, outputs) in &self.input_drvs {
            let h = known
                .get(path)
                .ok_or_else(|| format!("derivation '{path}' is unknown to this evaluation"))?;
            replaced
                .entry(hex(h))
                .or_default()
                .extend(outputs.iter().cloned());
        }
        Ok(sha256(self.to_aterm_with(&replaced).as_bytes()))
    }

    /// The store path of the `.drv` file for derivation `name`.
    pub fn drv_path(&self, store_dir: &str, name: &str) -> String {
        let mut refs: Vec<String> = self.input_srcs.iter().cloned().collect();
        refs.extend(self.input_drvs.keys().cloned());
        make_text_path(
            store_dir,
            &format!("{name}.drv"),
            &sha256(self.to_aterm().as_bytes()),
            &refs,
        )
    }
}

/// The name of output `output` of derivation `name` (`name-dev` for `dev`).
pub fn output_path_name(name: &str, output: &str) -> String {
    if output == "out" {
        name.to_string()
    } else {
        format!("{name}-{output}")
    }
}

/// Output path of a non-fixed output from the derivation's modulo hash.
pub fn make_output_path(store_dir: &str, output: &str, hash_modulo: &[u8], name: &str) -> String {
    make_store_path(
        store_dir,
        &format!("output:{output}"),
        hash_modulo,
        &output_path_name(name, output),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_derivation_matches_cpp_nix() {
        // derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo" ]; }
        let mut drv = Derivation {
            platform: "x86_64-linux".into(),
            builder: "/bin/sh".into(),
            args: vec!["-c".into(), "echo".into()],
            ..Default::default()
        };
        drv.outputs.insert("out".into(), Output::default());
        for (k, v) in [
            ("builder", "/bin/sh"),
            ("name", "x"),
            ("out", ""),
            ("system", "x86_64-linux"),
        ] {
            drv.env.insert(k.into(), v.into());
        }
        let h = drv.hash_modulo(&HashMap::new()).unwrap();
        let out = make_output_path("/nix/store", "out", &h, "x");
        assert_eq!(out, "/nix/store/57nywcq99wx2qhwwh02k093a8cnmpzl9-x");
        drv.outputs.insert(
            "out".into(),
            Output {
                path: out.clone(),
                ..Default::default()
            },
        );
        drv.env.insert("out".into(), out);
        assert_eq!(
            drv.drv_path("/nix/store", "x"),
            "/nix/store/g4q5ikpfkqhfv07dklv3kwa23knixl3q-x.drv"
        );
    }
}
