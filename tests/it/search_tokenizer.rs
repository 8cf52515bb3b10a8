//! The Rust tokenizer against the shared vectors (the JS client is tested against the same
//! file by tests/js/tokenizer.test.mjs), so the two provably cut text the same way.

use dossier::index::tokenize::{TokenKind, terms, tokenize};
use serde_json::Value;

/// `tests/fixtures/tokenizer-vectors.json`.
fn shared_vectors() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/tokenizer-vectors.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn tokenizer_matches_shared_vectors() {
    let doc = shared_vectors();
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

/// The normalisations shared by the index and the queries, against the same vectors as the JS
/// client (`tests/js/tokenizer.test.mjs`).
#[test]
fn normalisations_match_shared_vectors() {
    use dossier::index::normalize::*;
    let doc = shared_vectors();
    let vectors = doc["normalize"].as_array().unwrap();
    assert!(vectors.len() >= 30);
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    for v in vectors {
        let input = &v["input"];
        let text = input.as_str().unwrap_or_default();
        let got = match v["fn"].as_str().unwrap() {
            "phone_digits" => serde_json::json!(phone_digits(text)),
            "phone_term" => serde_json::json!(phone_term(text)),
            "id_query" => serde_json::json!(id_query(text).map(|(l, n)| [l, n])),
            "legal_pieces" => serde_json::json!(legal_pieces(text)),
            "pinyin_query" => serde_json::json!(pinyin_query(text)),
            "whole_term" => serde_json::json!(whole_term(text)),
            "within_one_edit" => {
                let words = strings(input);
                let a: Vec<char> = words[0].chars().collect();
                let b: Vec<char> = words[1].chars().collect();
                serde_json::json!(within_one_edit(&a, &b))
            }
            "spellings_of" => {
                let readings: Vec<Vec<String>> =
                    input.as_array().unwrap().iter().map(strings).collect();
                serde_json::json!(spellings_of(&readings))
            }
            other => panic!("unknown function {other}"),
        };
        assert_eq!(got, v["output"], "{v}");
    }
}
