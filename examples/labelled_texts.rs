//! Writes one part of the labelled development set, fixtures and rebuilt texts, to a
//! folder that `newsgraph eval fixtures` reads (tests/fixtures/labelled/README.md):
//!
//!     cargo run --release --example labelled_texts -- dev /tmp/labelled-dev
//!     target/release/newsgraph eval fixtures /tmp/labelled-dev --json
//!
//! Arguments: PART (`train`, `dev`, `unseen`, or a folder of fixtures), OUT, and optionally `--shared DIR` (default: the
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
        eprintln!("usage: labelled_texts train|dev|unseen|FOLDER OUT [--shared DIR]");
        std::process::exit(2);
    };
    // PART is a part's name or a folder of fixtures (for example the stubs that
    // training/corpus/stubs.py writes from the selection, for labelling).
    let fixtures = if std::path::Path::new(part).is_dir() {
        PathBuf::from(part)
    } else if ["train", "dev", "unseen"].contains(&part.as_str()) {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/labelled")
            .join(part)
    } else {
        eprintln!("PART is train, dev, unseen or a folder of fixtures, not {part:?}");
        std::process::exit(2);
    };
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
