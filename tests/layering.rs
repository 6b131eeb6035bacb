//! The house rules of docs/ARCHITECTURE.md, checked on the source the way rust-analyzer's
//! tidy tests check theirs: data flows one way through an ordered list of layers.
//!
//! - Every library module (`src/**.rs`, the binary's `main.rs` and `cli/` aside) belongs to
//!   a layer of [`LAYERS`], by its top-level module. It may use modules of its own layer
//!   and of the layers below, never one above.
//! - No import circle: neither between top-level modules nor between the files of one
//!   module (a file using its own parent or child is structure, not a circle).
//! - No source file over [`MAX_LINES`] lines; tests live in their own files
//!   (`tests.rs`, `*_tests.rs`).
//! - A type's methods (`impl Type { .. }`) are written in the file that defines it or in a
//!   child module of that file: methods added from a sibling would be uses no import
//!   shows, so a circle could hide behind them.
//!
//! A module "uses" another when its code names a path into it: `use crate::a::b`,
//! `crate::a::b::f()`, `super::c` (comments and string literals are skipped).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, lowest first: a module may use its own layer and those below it.
/// docs/ARCHITECTURE.md shows the same list.
const LAYERS: &[&[&str]] = &[
    // The ground floor: file I/O, hashing, list files and the apostrophe fold, the output
    // folder's file names, where files are.
    &["fsio", "hash", "lists", "names", "locate"],
    &["text", "input"],
    &["onnx", "ner"],
    &["analysis"],
    &["lexicon"],
    &["resolve"],
    &["relations"],
    &["graph"],
    &["pipeline"],
    &["output"],
    &["export"],
    &["run"],
    &["store"],
    &["shards"],
    &["report"],
    &["eval"],
    &["doctor"],
];

/// The most lines a source file may have.
const MAX_LINES: usize = 900;

/// A module path inside the crate: `["relations", "rules"]` for src/relations/rules.rs or
/// src/relations/rules/mod.rs.
type ModPath = Vec<String>;

#[test]
fn the_library_flows_one_way_without_circles_and_no_file_is_too_long() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = rust_files(&root);
    let mut problems = Vec::new();
    for (path, text) in &files {
        let rel = path.strip_prefix(&root).unwrap();
        let lines = text.lines().count();
        if lines > MAX_LINES && !is_test_file(rel) {
            problems.push(format!(
                "src/{} has {lines} lines (at most {MAX_LINES}): split it along its seams",
                rel.display()
            ));
        }
    }
    let library: Vec<(ModPath, String, String)> = files
        .iter()
        .filter_map(|(path, text)| {
            let rel = path.strip_prefix(&root).unwrap();
            let module = module_path(rel)?;
            Some((module, format!("src/{}", rel.display()), text.clone()))
        })
        .collect();
    problems.extend(check(&library, LAYERS));
    assert!(
        problems.is_empty(),
        "the layering rules (tests/layering.rs, docs/ARCHITECTURE.md) are broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn architecture_md_shows_the_same_floors() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ARCHITECTURE.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        floors_in(&doc),
        LAYERS
            .iter()
            .map(|l| l.iter().map(|r| r.to_string()).collect::<BTreeSet<_>>())
            .collect::<Vec<_>>(),
        "docs/ARCHITECTURE.md (\"Layers\") and LAYERS in tests/layering.rs differ"
    );
}

/// The rooms of each floor in the picture under "## Layers": a floor's number in the
/// first columns, its rooms (comma-separated, perhaps over several lines) from column 8
/// to column 40.
fn floors_in(doc: &str) -> Vec<BTreeSet<String>> {
    let block = doc
        .split("## Layers")
        .nth(1)
        .and_then(|rest| rest.split("```").nth(1))
        .expect("a picture under ## Layers");
    let mut floors: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    let mut current = None;
    for line in block.lines() {
        let chars: Vec<char> = line.chars().collect();
        let column = |a: usize, b: usize| -> String {
            chars[a.min(chars.len())..b.min(chars.len())]
                .iter()
                .collect()
        };
        if let Ok(n) = column(0, 6).trim().parse::<usize>() {
            current = Some(n);
        } else if !column(0, 8).trim().is_empty() {
            current = None;
        }
        let Some(n) = current else { continue };
        for room in column(8, 40)
            .split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            floors.entry(n).or_default().insert(room.to_string());
        }
    }
    let count = floors.keys().next_back().map_or(0, |n| n + 1);
    (0..count)
        .map(|n| floors.remove(&n).unwrap_or_default())
        .collect()
}

#[test]
fn the_checker_finds_an_upward_import_and_a_circle() {
    let layers: &[&[&str]] = &[&["low"], &["mid"], &["high"]];
    let m = |p: &str| -> ModPath { p.split("::").map(str::to_string).collect() };
    let file = |p: &str, text: &str| (m(p), format!("src/{p}.rs"), text.to_string());
    // Clean: downward uses, a child using its parent, a parent its child, comments and
    // strings naming higher layers.
    let clean = vec![
        file(
            "low",
            "pub fn f() {}\n// crate::high::g\nconst S: &str = \"crate::high\";",
        ),
        file("mid", "use crate::low::f;\nmod a;\npub use a::X;"),
        file(
            "mid::a",
            "use super::helper;\nuse crate::{low, mid::b::Y};\n",
        ),
        file("mid::b", "pub struct Y; fn g() { crate::low::f(); }"),
        file("high", "use crate::{low::f, mid::{self, a::X}};"),
    ];
    assert_eq!(check(&clean, layers), Vec::<String>::new());

    // An upward import, in either spelling.
    let upward = vec![
        file("low", "fn f() { let _ = crate::high::g(); }"),
        file("mid", "use crate::{high::{self}};"),
        file("high", "pub fn g() {}"),
    ];
    let problems = check(&upward, layers);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("src/low.rs") && problems[0].contains("`high`"));
    assert!(problems[1].contains("src/mid.rs") && problems[1].contains("`high`"));

    // A circle between two files of one module (through `super::`), and one between two
    // modules of one layer.
    let layers: &[&[&str]] = &[&["low", "also"], &["mid"]];
    let circles = vec![
        file("mid", "mod a; mod b;"),
        file("mid::a", "use super::b::Y;\npub struct X;"),
        file("mid::b", "pub struct Y;\nfn f(_: super::a::X) {}"),
        file("low", "pub fn f() { crate::also::g() }"),
        file("also", "pub fn g() { crate::low::f() }"),
    ];
    let problems = check(&circles, layers);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems
        .iter()
        .any(|p| p.contains("circle") && p.contains("mid::a")));
    assert!(problems
        .iter()
        .any(|p| p.contains("circle") && p.contains("also") && p.contains("low")));

    // An inline `mod tests` uses its own file through `super::`, which is no circle.
    let inline = vec![
        file("mid", "mod a; mod b;"),
        file(
            "mid::a",
            "use super::b::Y;\n#[cfg(test)]\nmod tests {\n use super::*;\n}",
        ),
        file("mid::b", "pub struct Y;"),
    ];
    assert_eq!(check(&inline, layers), Vec::<String>::new());

    // Methods added to a type from a sibling file are named; from the type's own file or
    // a child module, and trait impls anywhere, they are not.
    let methods =
        vec![
        file("mid", "mod a; mod b; pub struct Z; impl Z { fn h() {} }"),
        file("mid::a", "pub struct X<'a>(&'a str);\nmod c;"),
        file("mid::a::c", "impl<'a> super::X<'a> {}\nimpl X<'_> { fn f() {} }"),
        file(
            "mid::b",
            "use super::a::X;\nimpl X<'_> { fn g() {} }\nimpl Clone for X<'_> {}\nimpl super::Z {}",
        ),
        file("mid::d", "impl<T> crate::mid::a::X<T> { fn k() {} }"),
    ];
    let problems = check(&methods, layers);
    // (`impl super::Z` in `mid::b` is a child's, which is allowed.)
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("src/mid::b.rs") && problems[0].contains("`X` of `mid::a`"));
    assert!(problems[1].contains("src/mid::d.rs") && problems[1].contains("`X` of `mid::a`"));

    // A module in no layer is named.
    let unknown = vec![file("stray", "")];
    assert!(check(&unknown, layers)[0].contains("stray"));
}

/// Every problem with `files` (module path, file name, source) under `layers`.
fn check(files: &[(ModPath, String, String)], layers: &[&[&str]]) -> Vec<String> {
    let layer_of = |top: &str| layers.iter().position(|l| l.contains(&top));
    let known: BTreeSet<ModPath> = files.iter().map(|f| f.0.clone()).collect();
    let mut problems = Vec::new();
    // File-level edges (no ancestor relation), and top-level edges.
    let mut edges: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
    let mut top_edges: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
    for (module, name, text) in files {
        let Some(own) = layer_of(&module[0]) else {
            problems.push(format!(
                "{name}: module `{}` is in no layer of tests/layering.rs (add it to LAYERS \
                 and to docs/ARCHITECTURE.md)",
                module[0]
            ));
            continue;
        };
        let mut upward = BTreeSet::new();
        for target in uses(module, text) {
            let Some(target) = resolve(&target, &known) else {
                continue;
            };
            if let Some(theirs) = layer_of(&target[0]) {
                if theirs > own && upward.insert(target[0].clone()) {
                    problems.push(format!(
                        "{name}: uses `{}` (layer {theirs}) from layer {own}: an arrow back up",
                        target[0]
                    ));
                }
            }
            if target[0] != module[0] {
                top_edges
                    .entry(vec![module[0].clone()])
                    .or_default()
                    .insert(vec![target[0].clone()]);
            }
            // Circles between files are looked for inside one top-level module; those
            // between top-level modules show in `top_edges`.
            let related = target.starts_with(module) || module.starts_with(&target);
            if !related && target[0] == module[0] {
                edges.entry(module.clone()).or_default().insert(target);
            }
        }
    }
    problems.extend(methods_away_from_their_type(files));
    for graph in [&top_edges, &edges] {
        for circle in circles(graph) {
            let names: Vec<String> = circle.iter().map(|m| m.join("::")).collect();
            problems.push(format!(
                "an import circle: {} (each uses the next, and the last the first)",
                names.join(" -> ")
            ));
        }
    }
    problems
}

/// Inherent `impl` blocks written outside their type's module subtree.
fn methods_away_from_their_type(files: &[(ModPath, String, String)]) -> Vec<String> {
    let mut defined: BTreeMap<String, Vec<&ModPath>> = BTreeMap::new();
    let mut impls: Vec<(&ModPath, &String, String)> = Vec::new();
    for (module, name, text) in files {
        let tokens = tokens(&code(text));
        for (i, t) in tokens.iter().enumerate() {
            let next = |k: usize| tokens.get(i + k).map(String::as_str);
            if matches!(t.as_str(), "struct" | "enum" | "union") {
                if let Some(ty) = next(1).filter(|n| is_ident(n)) {
                    defined.entry(ty.to_string()).or_default().push(module);
                }
            }
            if t != "impl" {
                continue;
            }
            // `impl`, generics, the type, its generics, then `{` (an inherent impl) or `for`.
            let mut k = 1;
            if next(k) == Some("<") {
                k = matching(&tokens, i + k) + 1 - i;
            }
            // A path's last name is the type (`impl super::a::X { .. }`).
            while next(k).is_some_and(is_ident) && next(k + 1) == Some("::") {
                k += 2;
            }
            let Some(ty) = next(k).filter(|n| is_ident(n)) else {
                continue;
            };
            let mut after = k + 1;
            if next(after) == Some("<") {
                after = matching(&tokens, i + after) + 1 - i;
            }
            if next(after) == Some("{") {
                impls.push((module, name, ty.to_string()));
            }
        }
    }
    let mut problems = Vec::new();
    for (module, name, ty) in impls {
        let Some(owners) = defined.get(&ty) else {
            continue;
        };
        if owners.iter().any(|owner| module.starts_with(owner)) {
            continue;
        }
        let shared = |o: &&&ModPath| o.iter().zip(module).take_while(|(a, b)| a == b).count();
        let owner = owners.iter().max_by_key(shared).expect("defined somewhere");
        problems.push(format!(
            "{name}: adds methods to `{ty}` of `{}`: write them in that file or a child module \
             of it (methods added from a sibling are uses no import shows)",
            owner.join("::")
        ));
    }
    problems
}

/// The modules of `known` that `path` names: its longest prefix that is a module.
fn resolve(path: &[String], known: &BTreeSet<ModPath>) -> Option<ModPath> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|p| known.contains(p))
}

/// The strongly connected components of more than one module, each in a cycle order
/// where possible (Tarjan's algorithm).
fn circles(graph: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Vec<Vec<ModPath>> {
    struct Tarjan<'g> {
        graph: &'g BTreeMap<ModPath, BTreeSet<ModPath>>,
        index: BTreeMap<&'g ModPath, usize>,
        low: BTreeMap<&'g ModPath, usize>,
        stack: Vec<&'g ModPath>,
        on_stack: BTreeSet<&'g ModPath>,
        out: Vec<Vec<ModPath>>,
    }
    impl<'g> Tarjan<'g> {
        fn visit(&mut self, v: &'g ModPath) {
            let i = self.index.len();
            self.index.insert(v, i);
            self.low.insert(v, i);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.graph.get(v).into_iter().flatten() {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let lw = self.low[w];
                    let lv = self.low.get_mut(v).unwrap();
                    *lv = (*lv).min(lw);
                } else if self.on_stack.contains(w) {
                    let iw = self.index[w];
                    let lv = self.low.get_mut(v).unwrap();
                    *lv = (*lv).min(iw);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                loop {
                    let w = self.stack.pop().unwrap();
                    self.on_stack.remove(w);
                    component.push(w.clone());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.out.push(component);
                }
            }
        }
    }
    let mut t = Tarjan {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !t.index.contains_key(v) {
            t.visit(v);
        }
    }
    t.out
}

/// Every crate path the code of `module` names (`crate::`, `super::`, `self::`), made
/// absolute: `use` trees expanded, inline modules (`mod tests { .. }`) followed.
fn uses(module: &ModPath, text: &str) -> Vec<ModPath> {
    let tokens = tokens(&code(text));
    let mut out = Vec::new();
    // The inline modules open at each brace depth.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i].as_str();
        match t {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                while inline.last().is_some_and(|(_, d)| *d > depth) {
                    inline.pop();
                }
            }
            "mod" if tokens.get(i + 2).is_some_and(|t| t == "{") => {
                inline.push((tokens[i + 1].clone(), depth + 1));
            }
            _ => {}
        }
        let here: ModPath = module
            .iter()
            .cloned()
            .chain(inline.iter().map(|(n, _)| n.clone()))
            .collect();
        if t == "use" {
            let end = (i..tokens.len())
                .find(|&j| tokens[j] == ";")
                .unwrap_or(tokens.len());
            let mut paths = Vec::new();
            use_tree(&tokens[i + 1..end], &[], &mut paths);
            out.extend(paths.iter().filter_map(|p| absolute(&here, p)));
            i = end;
            continue;
        }
        let starts_path = matches!(t, "crate" | "super" | "self")
            && tokens.get(i + 1).is_some_and(|t| t == "::")
            && (i == 0 || tokens[i - 1] != "::");
        if starts_path {
            let mut path = vec![t.to_string()];
            let mut j = i + 1;
            while tokens.get(j).is_some_and(|t| t == "::")
                && tokens.get(j + 1).is_some_and(|t| is_ident(t))
            {
                path.push(tokens[j + 1].clone());
                j += 2;
            }
            if tokens.get(j).is_some_and(|t| t == "::")
                && tokens.get(j + 1).is_some_and(|t| t == "{")
            {
                // `crate::a::{b, c}` outside a `use` (a `pub(crate) use` is caught above).
                let close = matching(&tokens, j + 1);
                let mut paths = Vec::new();
                use_tree(&tokens[i..close + 1], &[], &mut paths);
                out.extend(paths.iter().filter_map(|p| absolute(&here, p)));
                i = close + 1;
                continue;
            }
            out.extend(absolute(&here, &path));
            i = j;
            continue;
        }
        i += 1;
    }
    out
}

/// `prefix` + each path of a `use` tree (the tokens between `use` and `;`).
fn use_tree(tokens: &[String], prefix: &[String], out: &mut Vec<Vec<String>>) {
    let mut i = 0;
    let mut path = prefix.to_vec();
    while i < tokens.len() {
        let t = tokens[i].as_str();
        match t {
            "::" => {}
            "{" => {
                let close = matching(tokens, i);
                for part in split_top(&tokens[i + 1..close]) {
                    use_tree(part, &path, out);
                }
                return;
            }
            "as" => {
                i += 2;
                continue;
            }
            "*" => break,
            t if is_ident(t) => path.push(t.to_string()),
            _ => {}
        }
        i += 1;
    }
    // `a::{self}` names `a`.
    if path.last().is_some_and(|s| s == "self") && path.len() > 1 {
        path.pop();
    }
    if !path.is_empty() {
        out.push(path);
    }
}

/// The comma-separated parts of a brace group's tokens, nested groups kept whole.
fn split_top(tokens: &[String]) -> Vec<&[String]> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, t) in tokens.iter().enumerate() {
        match t.as_str() {
            "{" => depth += 1,
            "}" => depth -= 1,
            "," if depth == 0 => {
                parts.push(&tokens[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&tokens[start..]);
    parts.retain(|p| !p.is_empty());
    parts
}

/// The index of the bracket (`}` or `>`) that closes the one (`{` or `<`) at `open`.
fn matching(tokens: &[String], open: usize) -> usize {
    let (opener, closer) = if tokens[open] == "<" {
        ("<", ">")
    } else {
        ("{", "}")
    };
    let mut depth = 0;
    for (j, t) in tokens.iter().enumerate().skip(open) {
        match t.as_str() {
            t if t == opener => depth += 1,
            t if t == closer => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    tokens.len() - 1
}

/// A path of a `use` or expression, from module `here`, as an absolute module path;
/// `None` for paths into other crates.
fn absolute(here: &ModPath, path: &[String]) -> Option<ModPath> {
    let mut out: ModPath;
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") => {
            out = Vec::new();
            rest = &path[1..];
        }
        Some("self") => {
            out = here.clone();
            rest = &path[1..];
        }
        Some("super") => {
            out = here.clone();
            while rest.first().is_some_and(|s| s == "super") {
                out.pop();
                rest = &rest[1..];
            }
        }
        _ => return None,
    }
    out.extend(rest.iter().cloned());
    (!out.is_empty()).then_some(out)
}

fn is_ident(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && t.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// Identifiers, `::` and single punctuation characters of some code.
fn tokens(code: &str) -> Vec<String> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
            continue;
        }
        if c == ':' && chars.get(i + 1) == Some(&':') {
            out.push("::".to_string());
            i += 2;
            continue;
        }
        if !c.is_whitespace() {
            out.push(c.to_string());
        }
        i += 1;
    }
    out
}

/// The code of a Rust source: comments, string and character literals blanked out.
fn code(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
            continue;
        }
        let ident_before = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        // Raw strings: r"..", r#".."#, br#".."#.
        if c == 'r' && !ident_before {
            let mut j = i + 1;
            while chars.get(j) == Some(&'#') {
                j += 1;
            }
            if chars.get(j) == Some(&'"') {
                let hashes = j - i - 1;
                let mut k = j + 1;
                while k < chars.len() {
                    if chars[k] == '"' && (1..=hashes).all(|h| chars.get(k + h) == Some(&'#')) {
                        break;
                    }
                    k += 1;
                }
                i = k + 1 + hashes;
                out.push_str("\"\"");
                continue;
            }
        }
        if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
            continue;
        }
        if c == '\'' {
            // A character literal ('a', '\n', '\u{2019}'), else a lifetime.
            if next == Some('\\') {
                let mut k = i + 3;
                while k < chars.len() && chars[k] != '\'' {
                    k += 1;
                }
                i = k + 1;
                out.push_str("' '");
                continue;
            }
            if chars.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push_str("' '");
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The module a library file is, or `None` for the crate root and the binary's files.
fn module_path(rel: &Path) -> Option<ModPath> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?;
    let stem = last.strip_suffix(".rs")?;
    if parts.is_empty() && matches!(stem, "lib" | "main") {
        return None;
    }
    if parts.first().is_some_and(|p| p == "cli") {
        return None;
    }
    if stem != "mod" {
        parts.push(stem.to_string());
    }
    Some(parts)
}

/// Tests in their own files: `tests.rs`, `*_tests.rs`.
fn is_test_file(rel: &Path) -> bool {
    let name = rel.file_name().unwrap().to_string_lossy();
    name == "tests.rs" || name.ends_with("_tests.rs")
}

/// Every `.rs` file under `dir`, sorted, with its text.
fn rust_files(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }
    out.sort();
    out
}
