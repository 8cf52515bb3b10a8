//! Playbook records and their `applies_to` selectors.

use super::customer::text_list;
use super::decode::{Ctx, Map};
use crate::diagnostics::Code;
use crate::model::{Class, GradeFilter, Playbook, Selector, Source, Stage, Vocabulary};
use crate::yaml::Node;

const FIELDS: &[&str] = &["title", "summary", "order", "applies_to"];
const SELECTOR: &[&str] = &[
    "stages",
    "grades",
    "credit_class",
    "abc",
    "tags",
    "warnings",
    "open_complaints",
    "visit_overdue",
];

pub(crate) fn decode(
    ctx: &mut Ctx<'_>,
    root: &Node,
    source: Source,
    body: &str,
    body_line: u32,
) -> Option<Playbook> {
    let map = ctx.map(root, "", FIELDS)?;
    let title = ctx.required_text(&map, "title");
    let summary = ctx.text(&map, "summary");
    let order = ctx.int(&map, "order", i64::MIN, i64::MAX);
    let applies_to = map.get("applies_to").and_then(|n| decode_selector(ctx, n));
    Some(Playbook {
        source,
        title: title?,
        summary,
        order,
        applies_to,
        body: body.to_string(),
        body_line,
    })
}

fn decode_selector(ctx: &mut Ctx<'_>, node: &Node) -> Option<Selector> {
    let s = ctx.map(node, "applies_to", SELECTOR)?;
    Some(Selector {
        stages: choices::<Stage>(ctx, &s, "stages"),
        grades: choices::<GradeFilter>(ctx, &s, "grades"),
        credit_class: choices::<Class>(ctx, &s, "credit_class"),
        abc: choices::<Class>(ctx, &s, "abc"),
        tags: s.get("tags").map(|_| {
            warn_if_empty(ctx, &s, "tags");
            text_list(ctx, &s, "tags")
        }),
        warnings: ctx.boolean(&s, "warnings"),
        open_complaints: ctx.boolean(&s, "open_complaints"),
        visit_overdue: ctx.boolean(&s, "visit_overdue"),
    })
}

fn choices<T: Vocabulary>(ctx: &mut Ctx<'_>, map: &Map<'_>, key: &str) -> Option<Vec<T>> {
    let items = ctx.optional_list(map, key)?;
    warn_if_empty(ctx, map, key);
    Some(
        items
            .into_iter()
            .filter_map(|(path, node)| ctx.choice_node::<T>(node, &path))
            .collect(),
    )
}

fn warn_if_empty(ctx: &mut Ctx<'_>, map: &Map<'_>, key: &str) {
    if let Some(node) = map.get(key)
        && matches!(&node.value, crate::yaml::Value::Seq(items) if items.is_empty())
    {
        let field = map.path_of(key);
        ctx.report(
            Code::EmptySelector,
            node.pos,
            &field,
            format!("{field} is an empty list, so this playbook applies to no customer"),
            Some(format!("list at least one value, or remove `{key}`")),
        );
    }
}
