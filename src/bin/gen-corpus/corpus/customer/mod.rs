//! One generated customer record, section by section.
//!
//! Each section draws its data from the record's random stream in a fixed order and returns
//! it as [`Value`]s; [`emit`](super::emit) writes them in the chosen style. The data depends
//! only on `(seed, index)` and the owner pool, never on the style.

mod card;
mod contacts;
mod credit;
mod notes;
mod sales;
mod service;

use super::emit::{self, Fields, Style, Value};
use super::rng::Rng;
use super::{GeneratedRecord, Owners};

/// Streams beside the record's own: the longer texts, and the mixed style's layout choices.
/// Separate so that neither changes what the main stream draws.
const EXTRA_STREAM: u64 = 0x6e07_e5e7_0000_0001;
const LAYOUT_STREAM: u64 = 0x1a70_07e5_0000_0002;

/// A generated customer's data: its file's path below `content/customers/`, its fields and
/// its Markdown notes.
pub(crate) struct Record {
    pub(crate) path: String,
    pub(crate) fields: Fields,
    pub(crate) body: String,
    /// Draws the mixed style's layout choices of this record.
    pub(crate) layout: Rng,
}

pub(crate) fn generate(index: usize, seed: u64, owners: &Owners) -> Record {
    let mut rng = Rng::for_item(seed, index as u64);
    let mut extra = Rng::for_item(seed ^ EXTRA_STREAM, index as u64);
    let (mut fields, facts) = card::generate(&mut rng, index, owners);
    let (contacts, people) = contacts::generate(&mut rng, &facts);
    fields.push(("contacts", contacts));
    let (sales, revenues) = sales::generate(&mut rng, &facts);
    fields.extend(sales);
    let (credit, churn_date) = credit::generate(&mut rng, &facts, &revenues);
    fields.extend(credit);
    let mut service = service::generate(&mut rng, &facts);
    if let Some(note) = notes::visit_note(&mut extra, &facts) {
        set_last_visit_note(&mut service, note);
    }
    fields.extend(service);
    let (churn, churn_text) = notes::churn(&mut rng, &facts, churn_date);
    fields.extend(churn);
    let mut body = notes::body(&mut rng, &facts, &revenues, &people, churn_text);
    if let Some(long) = notes::long_notes(&mut extra, &facts, &revenues) {
        body.push_str(&long);
    }
    Record {
        path: facts.path,
        fields,
        body,
        layout: Rng::for_item(seed ^ LAYOUT_STREAM, index as u64),
    }
}

/// The record's file for `dossier` in `style`.
pub(crate) fn file(record: Record, style: Style) -> GeneratedRecord {
    let Record {
        path,
        fields,
        body,
        mut layout,
    } = record;
    let yaml = emit::front_matter(&fields, style, &mut layout);
    GeneratedRecord {
        path,
        text: assemble(&yaml, &body, style, &mut layout),
    }
}

/// `---`, the front matter, `---` and the notes; with the mixed style's file quirks.
pub(crate) fn assemble(yaml: &str, body: &str, style: Style, layout: &mut Rng) -> String {
    let mut text = String::with_capacity(yaml.len() + body.len() + 8);
    text.push_str("---\n");
    text.push_str(yaml);
    text.push_str("---\n");
    text.push_str(body);
    if style == Style::Mixed {
        text = file_quirks(text, layout);
    }
    text
}

fn set_last_visit_note(service: &mut Fields, note: String) {
    let Some((_, Value::List(visits))) = service.iter_mut().find(|(key, _)| *key == "visits")
    else {
        return;
    };
    if let Some(Value::Map(visit)) = visits.last_mut()
        && let Some((_, value)) = visit.iter_mut().find(|(key, _)| *key == "note")
    {
        *value = Value::Text(note);
    }
}

/// Mixed style: CRLF line endings on about one file in five, a byte order mark on one in ten.
fn file_quirks(text: String, layout: &mut Rng) -> String {
    let text = if layout.chance(0.2) {
        text.replace('\n', "\r\n")
    } else {
        text
    };
    if layout.chance(0.1) {
        format!("\u{feff}{text}")
    } else {
        text
    }
}
