//! Writes one part of the labelled development set, fixtures and rebuilt texts, to a
//! folder that `newsgraph eval fixtures` reads (tests/fixtures/labelled/README.md):
//!
//!     cargo run --release --example labelled_texts -- dev /tmp/labelled-dev
//!     target/release/newsgraph eval fixtures /tmp/labelled-dev --json
//!
//! Arguments: PART (`dev` or `unseen`), OUT, and optionally `--shared DIR` (default: the
//! `../shared` beside the checkout). Leave `unseen` closed until the rule work is done.

#[path = "../tests/common/labelled.rs"]
mod labelled;

use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut positional = Vec::new();
    let mut shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    while let Some(a) = args.next() {
        if a == "--shared" {
            shared = PathBuf::from(args.next().expect("--shared needs a folder"));
        } else {
            positional.push(a);
        }
    }
    let [part, out] = positional.as_slice() else {
        eprintln!("usage: labelled_texts dev|unseen OUT [--shared DIR]");
        std::process::exit(2);
    };
    if part != "dev" && part != "unseen" {
        eprintln!("PART is dev or unseen, not {part:?}");
        std::process::exit(2);
    }
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/labelled")
        .join(part);
    let out = PathBuf::from(out);
    match labelled::rebuild_dir(&shared.join("data"), &fixtures, Some(&out)) {
        Ok(done) => println!(
            "{} fixtures and texts written to {}",
            done.len(),
            out.display()
        ),
        Err(e) => {
            eprintln!("labelled_texts: {e}");
            std::process::exit(1);
        }
    }
}
