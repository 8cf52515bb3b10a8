//! The Rust tokenizer against the shared vectors (the JS client is tested against the same
//! file by tests/js/tokenizer.test.mjs), so the two provably cut text the same way.

use dossier::index::tokenize::{TokenKind, terms, tokenize};
use serde_json::Value;

#[test]
fn tokenizer_matches_shared_vectors() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/tokenizer-vectors.json"
    ))
    .unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let vectors = doc["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 20);
    for v in vectors {
        let name = v["name"].as_str().unwrap();
        let tokens = tokenize(v["input"].as_str().unwrap());
        let got: Vec<Value> = tokens
            .iter()
            .map(|t| {
                let kind = match t.kind {
                    TokenKind::Word => "word",
                    TokenKind::Han => "han",
                };
                serde_json::json!([kind, t.text, t.start])
            })
            .collect();
        assert_eq!(
            &Value::Array(got),
            &v["tokens"],
            "tokens of vector {name:?}"
        );
        let expected: Vec<&str> = v["terms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert_eq!(terms(&tokens), expected, "terms of vector {name:?}");
    }
}
