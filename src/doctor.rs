//! `newsgraph doctor`: where the model, rules, gazetteer and ONNX Runtime were found, and how to fix what is missing.

use std::path::{Path, PathBuf};

use crate::analysis::parser::DEFAULT_PARSER;
use crate::analysis::ParserModel;
use crate::locate::{self, Layout};
use crate::ner::{LoadOptions, Model, SessionLayout};
use crate::onnx::runtime;
use crate::pipeline::{self, DEFAULT_MODEL, MODEL_ENV};
use crate::relations::RuleSet;
use crate::resolve::Gazetteer;

/// One thing newsgraph needs, and whether it is there.
#[derive(Clone, Debug)]
pub struct Check {
    pub what: &'static str,
    pub ok: bool,
    /// Where it was found and how it was checked, or where it was looked for.
    pub found: String,
    /// The command or step that fixes it, when it is missing.
    pub fix: Option<String>,
}

/// What the binary runs as and with.
#[derive(Clone, Debug)]
pub struct Report {
    pub version: &'static str,
    pub executable: Option<PathBuf>,
    pub layout: Layout,
    pub checks: Vec<Check>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }

    /// The report as printed: a line per check, a `fix:` line under each problem.
    pub fn render(&self) -> String {
        let mut out = format!("newsgraph {}\n", self.version);
        let exe = self
            .executable
            .as_deref()
            .map_or("unknown".into(), |p| p.display().to_string());
        out.push_str(&format!("  executable   {exe}\n"));
        out.push_str(&format!("  layout       {}\n", self.layout.describe()));
        for c in &self.checks {
            let mark = if c.ok { "ok     " } else { "MISSING" };
            out.push_str(&format!("{mark} {:<15} {}\n", c.what, c.found));
            if let Some(fix) = &c.fix {
                out.push_str(&format!("        fix: {fix}\n"));
            }
        }
        out.push_str(if self.ok() {
            "everything newsgraph needs is in place\n"
        } else {
            "something is missing: see the fix lines above\n"
        });
        out
    }
}

/// Where the install or checkout is, for fix lines.
fn reinstall_hint(layout: &Layout) -> String {
    match layout {
        Layout::Installed { share } => {
            let prefix = share
                .parent()
                .and_then(Path::parent)
                .map_or("PREFIX".into(), |p| p.display().to_string());
            format!(
                "install again from a newsgraph checkout: `bash scripts/install.sh {prefix}` \
                 (it copies models/ and ONNX Runtime into {})",
                share.display()
            )
        }
        Layout::Checkout { .. } => runtime::SETUP_HINT.to_string(),
    }
}

/// Checks everything: finds the library and loads it, finds the model and loads it.
pub fn run() -> Report {
    let layout = locate::layout();
    let mut checks = Vec::new();

    // ONNX Runtime: found, then loaded for real.
    let from_env = std::env::var_os("ORT_DYLIB_PATH").is_some();
    let runtime_ok = match runtime::find_library() {
        None => {
            checks.push(Check {
                what: "ONNX Runtime",
                ok: false,
                found: format!(
                    "libonnxruntime.so* not found (looked in {})",
                    join(&layout.library_dirs())
                ),
                fix: Some(reinstall_hint(&layout)),
            });
            false
        }
        Some(path) => {
            let how = match (&layout, from_env) {
                (_, true) => "from ORT_DYLIB_PATH",
                (Layout::Installed { .. }, false) => "the installed tree's",
                (Layout::Checkout { .. }, false) => "the checkout's",
            };
            match runtime::environment() {
                Ok(_) => {
                    checks.push(Check {
                        what: "ONNX Runtime",
                        ok: true,
                        found: format!("{} ({how}), loads", path.display()),
                        fix: None,
                    });
                    true
                }
                Err(e) => {
                    checks.push(Check {
                        what: "ONNX Runtime",
                        ok: false,
                        found: format!("{} ({how}) does not load: {e}", path.display()),
                        fix: Some(if from_env {
                            "point ORT_DYLIB_PATH at a working libonnxruntime.so, or unset it"
                                .into()
                        } else {
                            reinstall_hint(&layout)
                        }),
                    });
                    false
                }
            }
        }
    };

    // The NER model: its files, then a load when the runtime is there.
    let dir = pipeline::default_model_dir();
    let how = if std::env::var_os(MODEL_ENV).is_some() {
        format!("from ${MODEL_ENV}")
    } else {
        "the shipped model".to_string()
    };
    let model_fix = |layout: &Layout| match layout {
        Layout::Installed { .. } => reinstall_hint(layout),
        Layout::Checkout { .. } => format!(
            "restore models/{DEFAULT_MODEL} from the repository (`git checkout -- models`), \
             or give --model DIR"
        ),
    };
    let missing: Vec<&str> = ["config.json", "tokenizer.json"]
        .into_iter()
        .filter(|f| !dir.join(f).is_file())
        .collect();
    if !dir.is_dir() || !missing.is_empty() {
        let what = if dir.is_dir() {
            format!("{} lacks {}", dir.display(), missing.join(", "))
        } else {
            format!("{} does not exist ({how})", dir.display())
        };
        checks.push(Check {
            what: "NER model",
            ok: false,
            found: what,
            fix: Some(model_fix(&layout)),
        });
    } else if runtime_ok {
        let options = LoadOptions {
            layout: SessionLayout::Shared,
            threads: 1,
            ..LoadOptions::default()
        };
        match Model::load(&dir, &options) {
            Ok(m) => {
                checks.push(Check {
                    what: "NER model",
                    ok: true,
                    found: format!(
                        "{} ({how}), loads: {}, {} labels",
                        dir.display(),
                        m.weights_path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                        m.label_names.len()
                    ),
                    fix: None,
                });
                // A shared encoder's parse head: the default parser when it is there.
                if crate::analysis::head::has_head(&dir) {
                    let ner = crate::ner::Ner::new(m, crate::ner::NerOptions::default());
                    checks.push(match crate::analysis::ParseHead::load(ner, 1) {
                        Ok(h) => Check {
                            what: "parse head",
                            ok: true,
                            found: format!(
                                "{}, loads, {} relations (the default parser)",
                                h.onnx_path.display(),
                                h.labels.deprels.len()
                            ),
                            fix: None,
                        },
                        Err(e) => Check {
                            what: "parse head",
                            ok: false,
                            found: e.to_string(),
                            fix: Some(model_fix(&layout)),
                        },
                    });
                }
            }
            Err(e) => checks.push(Check {
                what: "NER model",
                ok: false,
                found: format!("{} ({how}) does not load: {e}", dir.display()),
                fix: Some(model_fix(&layout)),
            }),
        }
    } else {
        checks.push(Check {
            what: "NER model",
            ok: true,
            found: format!(
                "{} ({how}); not loaded, since ONNX Runtime is missing",
                dir.display()
            ),
            fix: None,
        });
    }
    // The dependency parser: found, then loaded when the runtime is there.
    let parser_dir = pipeline::default_parser_dir();
    let parser_fix = |layout: &Layout| match layout {
        Layout::Installed { .. } => reinstall_hint(layout),
        Layout::Checkout { .. } => format!(
            "restore models/{DEFAULT_PARSER} from the repository (`git checkout -- models`), \
             or give --parser DIR"
        ),
    };
    let parser_check = if !parser_dir.is_dir() {
        Check {
            what: "parser model",
            ok: false,
            found: format!("{} does not exist", parser_dir.display()),
            fix: Some(parser_fix(&layout)),
        }
    } else if runtime_ok {
        match ParserModel::load(&parser_dir, None, 1) {
            Ok(p) => Check {
                what: "parser model",
                ok: true,
                found: format!(
                    "{}, loads: {}, {} relations",
                    parser_dir.display(),
                    p.onnx_path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    p.labels.deprels.len()
                ),
                fix: None,
            },
            Err(e) => Check {
                what: "parser model",
                ok: false,
                found: format!("{} does not load: {e}", parser_dir.display()),
                fix: Some(parser_fix(&layout)),
            },
        }
    } else {
        Check {
            what: "parser model",
            ok: true,
            found: format!(
                "{}; not loaded, since ONNX Runtime is missing",
                parser_dir.display()
            ),
            fix: None,
        }
    };
    checks.push(parser_check);
    for other in layout.model_dirs() {
        if other
            .file_name()
            .is_some_and(|n| n != DEFAULT_MODEL && n != DEFAULT_PARSER)
        {
            checks.push(Check {
                what: "other model",
                ok: true,
                found: other.display().to_string(),
                fix: None,
            });
        }
    }

    // Compiled in: nothing to find, but say so (and that they parse).
    let rules = RuleSet::builtin();
    checks.push(Check {
        what: "relation rules",
        ok: true,
        found: format!(
            "built into the binary (rules/relations.toml at build time: {} rules, {} relations); \
             --rules FILE replaces them",
            rules.rules.len(),
            rules.relations.len()
        ),
        fix: None,
    });
    let gazetteer = Gazetteer::builtin();
    checks.push(Check {
        what: "gazetteer",
        ok: true,
        found: format!(
            "built into the binary (data/gazetteer/ at build time: {} countries, {} organisations); \
             --gazetteer DIR replaces it",
            gazetteer.countries.len(),
            gazetteer.organisations.len()
        ),
        fix: None,
    });
    checks.push(Check {
        what: "word lists",
        ok: true,
        found: "built into the binary (data/resolve/, data/analysis/, data/sentences/, data/abbreviations.txt at build time)".into(),
        fix: None,
    });

    Report {
        version: env!("CARGO_PKG_VERSION"),
        executable: std::env::current_exe().ok(),
        layout,
        checks,
    }
}

fn join(dirs: &[PathBuf]) -> String {
    dirs.iter()
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
