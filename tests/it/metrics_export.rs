//! The example site's metrics export is valid against the published schema
//! (docs/metrics.schema.json), and the same on every run.

use std::path::Path;

use dossier::analytics::{analyse, metrics_json};
use dossier::validate::check_site;

fn example_export() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let checked = check_site(root, None).expect("the example site loads");
    let analytics = analyse(&checked.site, &checked.config, None).expect("a reporting year");
    metrics_json(&analytics)
}

#[test]
fn example_site_export_is_valid_against_the_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema_text =
        std::fs::read_to_string(root.join("docs/metrics.schema.json")).expect("schema file");
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema is JSON");
    let validator = jsonschema::draft202012::new(&schema).expect("schema compiles");
    let export = example_export();
    let document: serde_json::Value = serde_json::from_str(&export).expect("export is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&document)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(
        document["customers"]
            .as_array()
            .is_some_and(|c| !c.is_empty()),
        "the example site has customers"
    );
}

#[test]
fn example_site_export_is_deterministic() {
    assert_eq!(example_export(), example_export());
}
