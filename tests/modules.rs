//! The crate's modules form no cycle: every `crate::…` reference between two of the
//! crate's top-level modules points one way only, so each layer can be read, tested and
//! reused (by a second runtime, say) without the ones above it. The layers, bottom up:
//! rng, ids, order, role, fate → definition, faults → message → outbox, store, wiring,
//! bus, dispatch → process → scenario → actors → sim → report, run_file, explore → view,
//! mermaid → wasm, cli. A reference that closes a cycle fails here with the files that
//! make it. Unit-test modules (`#[cfg(test)]`) may reach upwards and are not counted.
//! And the executor's kernel names no actor: the restaurant is behind the one actor
//! interface.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use syn::visit::Visit;

/// `crate::first::…` paths seen in one file.
struct Refs {
    found: BTreeSet<String>,
}

impl Refs {
    fn use_tree(&mut self, tree: &syn::UseTree, under_crate: bool) {
        match tree {
            syn::UseTree::Path(p) if !under_crate && p.ident == "crate" => self.use_tree(&p.tree, true),
            syn::UseTree::Path(p) if under_crate => {
                self.found.insert(p.ident.to_string());
            }
            syn::UseTree::Name(n) if under_crate => {
                self.found.insert(n.ident.to_string());
            }
            syn::UseTree::Rename(r) if under_crate => {
                self.found.insert(r.ident.to_string());
            }
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| self.use_tree(t, under_crate)),
            _ => {}
        }
    }
}

/// Whether an item is compiled for tests only (`#[cfg(test)]`): a test may reach upwards.
fn test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "test"))
}

impl<'ast> Visit<'ast> for Refs {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.use_tree(&item.tree, false);
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if !test_only(&item.attrs) {
            syn::visit::visit_item_mod(self, item);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let mut segments = path.segments.iter();
        if let (Some(first), Some(second)) = (segments.next(), segments.next()) {
            if first.ident == "crate" {
                self.found.insert(second.ident.to_string());
            }
        }
        syn::visit::visit_path(self, path);
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Top-level module → the top-level modules it refers to, with one file per reference.
fn graph() -> BTreeMap<String, BTreeMap<String, String>> {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let syntax = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let mut refs = Refs { found: BTreeSet::new() };
        refs.visit_file(&syntax);
        let edges = graph.entry(module.clone()).or_default();
        for target in refs.found {
            if target != module && target != "self" && target != "super" {
                edges.entry(target).or_insert_with(|| rel.display().to_string());
            }
        }
    }
    graph
}

/// A cycle through the graph, if there is one, as the modules along it.
fn find_cycle(graph: &BTreeMap<String, BTreeMap<String, String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeMap<String, String>>,
        marks: &mut BTreeMap<String, Mark>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(node) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let start = path.iter().position(|n| n == node).unwrap();
                let mut cycle = path[start..].to_vec();
                cycle.push(node.to_string());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(node.to_string(), Mark::Open);
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flat_map(|e| e.keys()) {
            if let Some(cycle) = visit(next, graph, marks, path) {
                return Some(cycle);
            }
        }
        path.pop();
        marks.insert(node.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    graph.keys().find_map(|node| visit(node, graph, &mut marks, &mut Vec::new()))
}

#[test]
fn no_cycle_among_the_crates_modules() {
    let graph = graph();
    assert!(graph.len() > 15, "the sources were read: {:?}", graph.keys());
    if let Some(cycle) = find_cycle(&graph) {
        let steps: Vec<String> =
            cycle.windows(2).map(|w| format!("{} → {} (in {})", w[0], w[1], graph[&w[0]][&w[1]])).collect();
        panic!("a module cycle:\n  {}", steps.join("\n  "));
    }
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let mut graph: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let edge = |g: &mut BTreeMap<String, BTreeMap<String, String>>, a: &str, b: &str| {
        g.entry(a.into()).or_default().insert(b.into(), format!("{a}.rs"));
    };
    edge(&mut graph, "message", "order");
    edge(&mut graph, "store", "message");
    assert_eq!(find_cycle(&graph), None);
    edge(&mut graph, "order", "store");
    let cycle = find_cycle(&graph).expect("message → order → store → message");
    assert_eq!(cycle.first(), cycle.last());
    assert_eq!(cycle.len(), 4);
}

/// Identifiers that name an actor of the restaurant, or what only one of them does.
const RESTAURANT_WORDS: [&str; 16] = [
    "Waiter",
    "House",
    "Dispatcher",
    "Cook",
    "AssistantManager",
    "Cashier",
    "AlarmClock",
    "Printer",
    "Receipt",
    "CookLoad",
    "WAITER",
    "HOUSE",
    "DISPATCHER",
    "FIRST_COOK",
    "TAG_HOUSE_STARTED",
    "on_duty",
];

/// The identifiers of one file that are in `words`.
fn named(path: &Path, words: &[&str]) -> BTreeSet<String> {
    struct Names<'w> {
        words: &'w [&'w str],
        found: BTreeSet<String>,
    }
    impl<'ast> Visit<'ast> for Names<'_> {
        fn visit_ident(&mut self, i: &'ast syn::Ident) {
            let name = i.to_string();
            if self.words.contains(&name.as_str()) {
                self.found.insert(name);
            }
        }
    }
    let text = std::fs::read_to_string(path).expect("a source file");
    let file = syn::parse_file(&text).expect("it parses");
    let mut names = Names { words, found: BTreeSet::new() };
    names.visit_file(&file);
    names.found
}

#[test]
fn the_executors_kernel_names_no_actor() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sim");
    for file in ["world.rs", "world/state.rs", "world/publish.rs"] {
        let found = named(&root.join(file), &RESTAURANT_WORDS);
        assert!(found.is_empty(), "src/sim/{file} names {found:?}: the actors' business belongs in src/actors");
    }
    // the check sees them where they are
    let floor = named(&root.join("world/build.rs"), &RESTAURANT_WORDS);
    assert!(floor.contains("Waiter") && floor.contains("Dispatcher"), "{floor:?}");
}
