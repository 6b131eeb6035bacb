//! The same graph on every x86-64 CPU: ONNX Runtime's MLAS picks its kernels from CPUID,
//! and the int8 kernels of CPUs without VNNI used to saturate (u8 x s8 pairs summed into
//! 16 bits), so a graph depended on the machine. Here the binary runs the news texts with
//! the CPU seen through `tests/tools/cpuid-mask` (CPUID faulting hides VNNI and AMX, then
//! AVX-512, AVX2 and FMA, then AVX), which forces every kernel path MLAS can take on this
//! machine, and the outputs must be byte-identical to the unmasked run.
//!
//! Before the models computed in fp32 (training/fp32_compute.py), this failed on an AVX-512
//! VNNI machine: the AVX-512 and AVX2 paths saturate u8 x s8 products, and every path's
//! last-bit float differences became whole quantisation steps in the activations.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The kernel levels forced, below whatever this CPU has: AVX-512 without VNNI (Skylake-SP),
/// AVX2 without AVX-512 (Haswell to Zen 3), AVX without AVX2 and FMA (Sandy Bridge), and
/// SSE4 alone (Nehalem).
const LEVELS: [&str; 4] = ["avx512", "avx2", "avx", "sse4"];

/// Builds the CPUID mask library with the C compiler, or says why it cannot.
fn mask_library(dir: &Path) -> Result<PathBuf, String> {
    let source = common::repo().join("tests/tools/cpuid-mask/cpuid_mask.c");
    let out = dir.join("cpuid_mask.so");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let status = Command::new(&cc)
        .args(["-O2", "-shared", "-fPIC", "-o"])
        .arg(&out)
        .arg(&source)
        .status()
        .map_err(|e| format!("no C compiler ({cc}: {e})"))?;
    if !status.success() {
        return Err(format!("{cc} could not build {}", source.display()));
    }
    Ok(out)
}

/// The texts: the in-repo held-out story and relation fixtures, and the shared news
/// fixture when it is there.
fn inputs() -> Vec<PathBuf> {
    let repo = common::repo();
    let mut out = vec![
        repo.join("tests/fixtures/heldout/eu-sanctions-brief.txt"),
        repo.join("tests/fixtures/relations/claims-in.txt"),
        repo.join("tests/fixtures/relations/meets-in.txt"),
        repo.join("tests/fixtures/relations/sanctions-in.txt"),
    ];
    if let Some(news) = common::shared("fixtures/news/nbc-live-2022-02-25.txt") {
        out.push(news);
    }
    out
}

/// Runs `extract` on the inputs into `out`, with the CPU masked to `level` (or not).
/// Returns stderr.
fn extract(out: &Path, level: Option<(&str, &Path)>) -> String {
    let mut cmd = common::bin();
    cmd.arg("extract")
        .args(inputs())
        .arg("-o")
        .arg(out)
        .args(["--format", "all"])
        .current_dir(common::repo());
    if let Some((level, lib)) = level {
        cmd.env("NEWSGRAPH_CPU", level).env("LD_PRELOAD", lib);
    }
    let run = cmd.output().expect("the binary runs");
    let stderr = String::from_utf8_lossy(&run.stderr).to_string();
    assert!(
        run.status.success(),
        "extract ({level:?}) failed:\n{stderr}"
    );
    stderr
}

/// Every output file that holds results (not `run.json` and `summary.json`, which hold
/// timings and memory, nor the checkpoint).
fn result_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| (p.file_name().unwrap().to_string_lossy().to_string(), p))
        .filter(|(name, _)| {
            !["run.json", "summary.json"].contains(&name.as_str())
                && !name.starts_with("checkpoint")
        })
        .map(|(name, p)| (name, std::fs::read(p).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn the_graph_is_byte_identical_under_every_kernel_path() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = match mask_library(tmp.path()) {
        Ok(lib) => lib,
        Err(why) if std::env::var_os("NEWSGRAPH_REQUIRE_TOOLS").is_none() => {
            eprintln!("skipped: {why}");
            return;
        }
        Err(why) => panic!("{why} (NEWSGRAPH_REQUIRE_TOOLS is set)"),
    };
    let native = tmp.path().join("native");
    extract(&native, None);
    let want = result_files(&native);
    assert!(want.iter().any(|(n, _)| n == "graph.json"), "{want:?}");
    for level in LEVELS {
        let out = tmp.path().join(level);
        let stderr = extract(&out, Some((level, &lib)));
        if stderr.contains("cpuid_mask: unavailable") {
            eprintln!("skipped: this CPU or kernel has no CPUID faulting, so MLAS's kernel path cannot be forced: {stderr}");
            return;
        }
        assert!(
            stderr.contains(&format!("cpuid_mask: hiding the extensions above {level}")),
            "the mask did not load: {stderr}"
        );
        let got = result_files(&out);
        assert_eq!(
            got.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            want.iter().map(|(n, _)| n).collect::<Vec<_>>()
        );
        for ((name, a), (_, b)) in want.iter().zip(&got) {
            assert!(
                a == b,
                "{name} differs between this CPU's kernels and the {level} kernels"
            );
        }
    }
}

/// The mask does what it says: a program asking CPUID sees no AVX-512 under `avx2`.
#[test]
fn the_cpuid_mask_hides_the_extensions_it_names() {
    let tmp = tempfile::tempdir().unwrap();
    let Ok(lib) = mask_library(tmp.path()) else {
        eprintln!("skipped: no C compiler");
        return;
    };
    let probe = tmp.path().join("probe.c");
    std::fs::write(
        &probe,
        "#include <cpuid.h>\n#include <stdio.h>\nint main(void){unsigned a,b,c,d;\
         __cpuid_count(7,0,a,b,c,d);printf(\"%u %u\\n\",(b>>5)&1,(b>>16)&1);\
         __cpuid(1,a,b,c,d);printf(\"%u\\n\",(c>>28)&1);return 0;}\n",
    )
    .unwrap();
    let exe = tmp.path().join("probe");
    assert!(Command::new("cc")
        .arg("-o")
        .arg(&exe)
        .arg(&probe)
        .status()
        .unwrap()
        .success());
    let run = |level: &str| {
        let out = Command::new(&exe)
            .env("NEWSGRAPH_CPU", level)
            .env("LD_PRELOAD", &lib)
            .output()
            .unwrap();
        (
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (avx2, why) = run("avx2");
    if why.contains("unavailable") {
        eprintln!("skipped: {why}");
        return;
    }
    // Printed: AVX2 and AVX-512F (leaf 7 EBX bits 5 and 16), then AVX (leaf 1 ECX bit 28).
    // AVX-512F is hidden from avx2 down, AVX2 from avx down, AVX under sse4.
    assert!(
        avx2.starts_with("1 0\n") || avx2.starts_with("0 0\n"),
        "{avx2}"
    );
    let (sse4, _) = run("sse4");
    assert_eq!(sse4, "0 0\n0\n");
}
