//! The recipes for many machines, run rather than only written: the Spark driver in
//! `local[2]` mode (PySpark, Java) with 4 shards and with a shard that loses documents;
//! the Kubernetes Jobs against the API schema (kubernetes-validate); the Dockerfile and
//! the docs against the files they show. Tools come from `bash scripts/test-tools.sh`;
//! without them these tests skip with a printed reason, or fail when
//! NEWSGRAPH_REQUIRE_TOOLS=1 (as scripts/test.sh sets it).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{read_json, repo};

fn require_tools() -> bool {
    std::env::var("NEWSGRAPH_REQUIRE_TOOLS").as_deref() == Ok("1")
}

/// Ok, or a skip (panics instead under NEWSGRAPH_REQUIRE_TOOLS=1).
fn tool<T>(found: Result<T, String>) -> Option<T> {
    match found {
        Ok(t) => Some(t),
        Err(why) if require_tools() => panic!("{why}: run bash scripts/test-tools.sh"),
        Err(why) => {
            eprintln!("skipped: {why} (run bash scripts/test-tools.sh)");
            None
        }
    }
}

fn venv_bin(name: &str) -> Result<PathBuf, String> {
    let path = repo().join(".pytools/venv/bin").join(name);
    if path.exists() {
        Ok(path)
    } else {
        Err(format!("{} is missing", path.display()))
    }
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn the_docs_show_the_deploy_files_as_they_are() {
    let scaling = read("docs/SCALING.md");
    for rel in ["deploy/kubernetes/job.yaml", "deploy/spark/shard.sh"] {
        assert!(
            scaling.contains(read(rel).trim_end()),
            "docs/SCALING.md does not show {rel} as it is"
        );
    }
    let driver = read("deploy/spark/newsgraph_spark.py");
    let pipe = driver
        .lines()
        .find(|l| l.contains(".pipe("))
        .expect("the driver pipes");
    assert!(
        pipe.contains("checkCode=True") && pipe.contains("env="),
        "{pipe}"
    );
    assert!(
        scaling.contains(pipe.trim()),
        "docs/SCALING.md does not show the driver's pipe call: {pipe}"
    );
}

fn validate(validator: &Path, file: &Path, version: Option<&str>) -> (bool, String) {
    let mut cmd = Command::new(validator);
    cmd.arg("--strict");
    if let Some(v) = version {
        cmd.args(["-k", v]);
    }
    let out = cmd.arg(file).output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn the_kubernetes_jobs_validate_against_the_api_schema() {
    let Some(validator) = tool(venv_bin("kubernetes-validate")) else {
        return;
    };
    let manifest = repo().join("deploy/kubernetes/job.yaml");
    // 1.29: the oldest release with backoffLimitPerIndex on; and the newest schema.
    for version in [Some("1.29.0"), None] {
        let (ok, report) = validate(&validator, &manifest, version);
        assert!(ok, "{version:?}: {report}");
        assert_eq!(report.matches("passed").count(), 2, "both Jobs: {report}");
    }
    // The validator does catch a mistake: a misspelt field fails strict validation.
    let tmp = tempfile::tempdir().unwrap();
    let broken = tmp.path().join("job.yaml");
    std::fs::write(
        &broken,
        read("deploy/kubernetes/job.yaml").replace("completionMode:", "completionMod:"),
    )
    .unwrap();
    let (ok, report) = validate(&validator, &broken, Some("1.29.0"));
    assert!(!ok, "a misspelt field passed: {report}");
}

#[test]
fn the_dockerfile_ships_the_installed_tree() {
    let dockerfile = read("Dockerfile");
    let froms: Vec<&str> = dockerfile
        .lines()
        .filter(|l| l.starts_with("FROM "))
        .collect();
    assert_eq!(froms.len(), 2, "a build stage and a runtime stage");
    assert!(froms[0].contains(" AS build"), "{}", froms[0]);
    // Same Debian release in both, so the binary meets the glibc it was built against.
    for f in &froms {
        assert!(f.contains("bookworm"), "{f}");
    }
    let rust = froms[0]
        .split_whitespace()
        .nth(1)
        .and_then(|image| image.strip_prefix("rust:"))
        .and_then(|tag| tag.split('-').next())
        .expect("a rust:<version>-... build image");
    let manifest = read("Cargo.toml");
    assert!(
        manifest.contains(&format!("rust-version = \"{rust}\"")),
        "the build image's Rust {rust} is not Cargo.toml's rust-version"
    );
    assert!(dockerfile.contains("bash scripts/install.sh --no-build /opt/newsgraph"));
    assert!(dockerfile.contains("COPY --from=build /opt/newsgraph /opt/newsgraph"));
    assert!(dockerfile.contains("env -i /opt/newsgraph/bin/newsgraph doctor"));
    let ignore = read(".dockerignore");
    for dir in ["target", ".ort", ".pytools", ".git"] {
        assert!(
            ignore.lines().any(|l| l.trim() == dir),
            ".dockerignore lacks {dir}"
        );
    }
}

/// Java and PySpark, or why not.
fn spark() -> Result<PathBuf, String> {
    let python = venv_bin("python")?;
    match Command::new("java").arg("-version").output() {
        Ok(o) if o.status.success() => {}
        _ => return Err("no Java runtime (`java -version` fails)".into()),
    }
    let ok = Command::new(&python)
        .args(["-c", "import pyspark"])
        .status()
        .map_err(|e| e.to_string())?;
    if !ok.success() {
        return Err("pyspark cannot be imported".into());
    }
    Ok(python)
}

/// Runs deploy/spark/newsgraph_spark.py in local[2] mode; its exit code and stderr.
fn run_spark(python: &Path, newsgraph: &Path, archive: &Path, results: &Path) -> (i32, String) {
    std::fs::create_dir_all(results).unwrap();
    let mut cmd = Command::new(python);
    cmd.arg(repo().join("deploy/spark/newsgraph_spark.py"))
        .args(["--master", "local[2]", "--shards", "4", "--newsgraph"])
        .arg(newsgraph)
        .arg("--archive")
        .arg(archive)
        .arg("--results")
        .arg(results)
        // Only what the JVM needs: the shards get no environment from here.
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("SPARK_LOCAL_IP", "127.0.0.1")
        .env("HOME", results.with_extension("home"));
    if let Some(java_home) = std::env::var_os("JAVA_HOME") {
        cmd.env("JAVA_HOME", java_home);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_spark_recipe_merges_4_shards_into_the_single_run_and_fails_loudly() {
    let Some(python) = tool(spark()) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let prefix = tmp.path().join("prefix");
    let out = Command::new("bash")
        .arg(repo().join("scripts/install.sh"))
        .args(["--no-build", "--bin", env!("CARGO_BIN_EXE_newsgraph")])
        .arg(&prefix)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let newsgraph = prefix.join("bin/newsgraph");
    let archive = tmp.path().join("archive");
    std::fs::create_dir(&archive).unwrap();
    for e in std::fs::read_dir(repo().join("tests/fixtures/relations")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "txt") {
            std::fs::copy(&p, archive.join(p.file_name().unwrap())).unwrap();
        }
    }
    // The in-tree binary, with the shipped model as the installed one has it (not
    // NEWSGRAPH_TEST_MODEL's).
    let single = tmp.path().join("single");
    let run = Command::new(env!("CARGO_BIN_EXE_newsgraph"))
        .args(["extract", archive.to_str().unwrap(), "-o"])
        .arg(&single)
        .env_remove("NEWSGRAPH_MODEL")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );

    let results = tmp.path().join("results");
    let (code, stderr) = run_spark(&python, &newsgraph, &archive, &results);
    assert_eq!(code, 0, "{stderr}");
    let merged = results.join("merged");
    assert!(
        std::fs::read(merged.join("graph.json")).unwrap()
            == std::fs::read(single.join("graph.json")).unwrap(),
        "the merged graph differs from the single run's"
    );
    assert_eq!(
        read_json(&merged.join("summary.json")),
        read_json(&single.join("summary.json"))
    );
    for k in 1..=4 {
        let s = read_json(&results.join(format!("shard-{k}/summary.json")));
        assert_eq!(s["shard"], format!("{k}/4"));
    }

    // One document that fails (invalid UTF-8): its shard exits 3, and the job fails.
    std::fs::write(archive.join("broken.txt"), b"Kyiv \xff\xfe talks").unwrap();
    let results = tmp.path().join("results-broken");
    let (code, stderr) = run_spark(&python, &newsgraph, &archive, &results);
    assert_ne!(
        code, 0,
        "a shard lost a document and the job passed:\n{stderr}"
    );
    assert!(
        stderr.contains("newsgraph_spark: a shard failed, nothing merged")
            && stderr.contains("exit status 3"),
        "{stderr}"
    );
    assert!(!results.join("merged").exists(), "nothing is merged");
}
