//! The same generated customers as a Zola site and as a Hugo site, for benchmarks that build
//! the three generators on the same records (`scripts/bench-compare`).
//!
//! Each record keeps its front matter as `dossier` reads it, in the same style, nested under
//! the key the other generator leaves to templates (`extra` in Zola, `customer` in Hugo), with
//! a title and the taxonomies each generator groups pages by: region, owner, industry, tags
//! and stage. The templates are plain HTML: a page per customer (its card, contacts, sales,
//! payments, surveys, complaints, visits and notes), a table of every customer, a page per
//! taxonomy term and a list of terms per taxonomy; no search index, no feeds.

use std::fmt;
use std::io;
use std::path::Path;
use std::str::FromStr;

use rayon::prelude::*;

use super::customer::{self, Record};
use super::emit::{self, Fields, Style, Value};
use super::playbooks::PLAYBOOKS;
use super::rng::Rng;
use super::words::REGIONS;
use super::{Owners, YEAR};

/// Which generator a site is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Generator {
    Dossier,
    Zola,
    Hugo,
}

impl FromStr for Generator {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "dossier" => Ok(Generator::Dossier),
            "zola" => Ok(Generator::Zola),
            "hugo" => Ok(Generator::Hugo),
            _ => Err(format!(
                "unknown generator `{text}` (dossier, zola or hugo)"
            )),
        }
    }
}

impl fmt::Display for Generator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Generator::Dossier => "dossier",
            Generator::Zola => "zola",
            Generator::Hugo => "hugo",
        })
    }
}

/// Writes the Zola or Hugo site of the generated customers into `dir`.
pub(crate) fn write(
    generator: Generator,
    dir: &Path,
    count: usize,
    seed: u64,
    style: Style,
) -> io::Result<()> {
    let (config, templates, data_key) = match generator {
        Generator::Zola => (zola_config(count), ZOLA_TEMPLATES, "extra"),
        Generator::Hugo => (hugo_config(count), HUGO_TEMPLATES, "customer"),
        Generator::Dossier => unreachable!("dossier sites are written by corpus::write_site"),
    };
    let content = dir.join("content");
    let customers = content.join("customers");
    std::fs::create_dir_all(content.join("playbooks"))?;
    for region in REGIONS {
        std::fs::create_dir_all(customers.join(region.slug))?;
        if generator == Generator::Zola {
            let index = format!(
                "+++\ntitle = \"{}\"\ntransparent = true\n+++\n",
                region.name
            );
            std::fs::write(customers.join(region.slug).join("_index.md"), index)?;
        }
    }
    let config_file = match generator {
        Generator::Zola => "config.toml",
        _ => "hugo.toml",
    };
    std::fs::write(dir.join(config_file), config)?;
    for (path, text) in templates {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)?;
    }
    std::fs::write(content.join("_index.md"), "+++\ntitle = \"首页\"\n+++\n")?;
    std::fs::write(
        customers.join("_index.md"),
        "+++\ntitle = \"客户\"\nsort_by = \"title\"\n+++\n",
    )?;
    std::fs::write(
        content.join("playbooks").join("_index.md"),
        "+++\ntitle = \"销售方法\"\n+++\n",
    )?;
    for (k, playbook) in PLAYBOOKS.iter().enumerate() {
        let mut layout = Rng::for_item(seed ^ 0x91a7_b00c, k as u64);
        let fields = playbook.fields();
        let title = text_of(&fields, "title").unwrap_or_default().to_string();
        let text = wrapped(
            generator,
            &title,
            &[],
            data_key,
            &fields,
            playbook.body,
            style,
            &mut layout,
        );
        std::fs::write(
            content
                .join("playbooks")
                .join(format!("{}.md", playbook.slug)),
            text,
        )?;
    }
    let owners = Owners::new(count, seed);
    (0..count).into_par_iter().try_for_each(|i| {
        let Record {
            path,
            fields,
            body,
            mut layout,
        } = customer::generate(i, seed, &owners);
        let title = text_of(&fields, "name").unwrap_or_default().to_string();
        let terms = taxonomies(&fields);
        let text = wrapped(
            generator,
            &title,
            &terms,
            data_key,
            &fields,
            &body,
            style,
            &mut layout,
        );
        std::fs::write(customers.join(path), text)
    })
}

/// What a record is grouped by: (taxonomy, its terms).
fn taxonomies(fields: &Fields) -> Vec<(&'static str, Vec<String>)> {
    let one = |key| {
        text_of(fields, key)
            .map(|t| vec![t.to_string()])
            .unwrap_or_default()
    };
    let tags = fields
        .iter()
        .find(|(k, _)| *k == "tags")
        .map(|(_, v)| match v {
            Value::List(items) => items
                .iter()
                .filter_map(|i| match i {
                    Value::Text(t) | Value::Token(t) => Some(t.clone()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        })
        .unwrap_or_default();
    vec![
        ("region", one("region")),
        ("owner", one("owner")),
        ("industry", one("industry")),
        ("tags", tags),
        ("stage", one("stage")),
    ]
}

fn text_of<'f>(fields: &'f Fields, key: &str) -> Option<&'f str> {
    fields
        .iter()
        .find(|(k, _)| *k == key)
        .and_then(|(_, v)| match v {
            Value::Text(t) | Value::Token(t) => Some(t.as_str()),
            _ => None,
        })
}

/// A file whose front matter has the title and taxonomies, then the record's own front matter
/// (as `dossier` reads it, in `style`) indented under `data_key`.
#[allow(clippy::too_many_arguments)]
fn wrapped(
    generator: Generator,
    title: &str,
    terms: &[(&'static str, Vec<String>)],
    data_key: &'static str,
    fields: &Fields,
    body: &str,
    style: Style,
    layout: &mut Rng,
) -> String {
    let lists = |terms: &[(&'static str, Vec<String>)]| -> Fields {
        terms
            .iter()
            .filter(|(_, values)| !values.is_empty())
            .map(|(name, values)| {
                (
                    *name,
                    Value::List(values.iter().map(|v| Value::text(v.clone())).collect()),
                )
            })
            .collect()
    };
    let mut head: Fields = vec![("title", Value::text(title))];
    match generator {
        Generator::Zola if !terms.is_empty() => {
            head.push(("taxonomies", Value::Map(lists(terms))));
        }
        Generator::Hugo => head.extend(lists(terms)),
        _ => {}
    }
    // The record first, so that it is written as in its dossier file.
    let record = emit::front_matter(fields, style, layout);
    let mut yaml = emit::front_matter(&head, style, layout);
    yaml.push_str(data_key);
    yaml.push_str(":\n");
    for line in record.lines() {
        if !line.is_empty() {
            yaml.push_str("  ");
        }
        yaml.push_str(line);
        yaml.push('\n');
    }
    customer::assemble(&yaml, body, style, layout)
}

fn zola_config(count: usize) -> String {
    format!(
        "base_url = \"/\"\ntitle = \"客户档案（生成的 {count} 家）\"\ndefault_language = \"zh\"\n\
         # Defaults otherwise: no feeds, no search index, no Sass, no minification.\n\
         taxonomies = [\n  {{ name = \"region\" }},\n  {{ name = \"owner\" }},\n  \
         {{ name = \"industry\" }},\n  {{ name = \"tags\" }},\n  {{ name = \"stage\" }},\n]\n\n\
         [extra]\nyear = {YEAR}\n"
    )
}

fn hugo_config(count: usize) -> String {
    format!(
        "baseURL = \"/\"\ntitle = \"客户档案（生成的 {count} 家）\"\nlanguageCode = \"zh-CN\"\n\
         # As Zola's defaults: no RSS feeds (Hugo writes one per list page otherwise).\n\
         disableKinds = [\"RSS\"]\n\n\
         [taxonomies]\nregion = \"region\"\nowner = \"owner\"\nindustry = \"industry\"\n\
         tag = \"tags\"\nstage = \"stage\"\n\n[params]\nyear = {YEAR}\n"
    )
}

const ZOLA_TEMPLATES: &[(&str, &str)] = &[
    (
        "templates/base.html",
        r#"<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ config.title }}{% endblock title %}</title></head>
<body>
<nav><a href="{{ config.base_url }}">{{ config.title }}</a> · <a href="{{ get_url(path='@/customers/_index.md') }}">客户</a> · <a href="{{ get_url(path='@/playbooks/_index.md') }}">销售方法</a>{% for t in config.taxonomies %} · <a href="{{ get_url(path=t.name) }}/">{{ t.name }}</a>{% endfor %}</nav>
<main>{% block main %}{% endblock main %}</main>
</body>
</html>
"#,
    ),
    (
        "templates/index.html",
        r#"{% extends "base.html" %}
{% block main %}<h1>{{ config.title }}</h1>{% endblock main %}
"#,
    ),
    (
        "templates/section.html",
        r#"{% extends "base.html" %}
{% block title %}{{ section.title }}{% endblock title %}
{% block main %}<h1>{{ section.title }}</h1>
<table><thead><tr><th>名称</th><th>负责人</th><th>区域</th><th>阶段</th></tr></thead><tbody>
{% for p in section.pages %}<tr><td><a href="{{ p.permalink }}">{{ p.title }}</a></td><td>{{ p.extra.owner | default(value="") }}</td><td>{{ p.extra.region | default(value="") }}</td><td>{{ p.extra.stage | default(value="") }}</td></tr>
{% endfor %}</tbody></table>{% endblock main %}
"#,
    ),
    (
        "templates/page.html",
        r#"{% extends "base.html" %}
{% block title %}{{ page.title }}{% endblock title %}
{% block main %}{% set c = page.extra %}<h1>{{ page.title }}</h1>
{% if c.id %}<dl>{% for key in ["id", "stage", "owner", "since", "kind", "region", "city", "industry", "address", "phone", "website", "legal_rep", "size", "organization", "style", "trend", "position", "employees", "capital"] %}{% if c[key] %}<dt>{{ key }}</dt><dd>{{ c[key] }}</dd>{% endif %}{% endfor %}</dl>
{% if c.tags %}<p>{% for t in c.tags %}<span>{{ t }}</span> {% endfor %}</p>{% endif %}
{% if c.contacts %}<h2>联系人</h2><table>{% for x in c.contacts %}<tr><td>{{ x.name }}</td><td>{{ x.title | default(value="") }}</td><td>{{ x.role | default(value="") }}</td><td>{{ x.phone | default(value="") }}</td><td>{{ x.email | default(value="") }}</td></tr>{% endfor %}</table>{% endif %}
{% if c.sales %}<h2>销售</h2><table>{% for s in c.sales %}<tr><td>{{ s.year }}</td><td>{{ s.revenue }}</td><td>{{ s.target | default(value="") }}</td><td>{{ s.gross_profit | default(value="") }}</td></tr>{% endfor %}</table>{% endif %}
{% if c.credit %}<h2>信用</h2><p>{% for k, v in c.credit.five_c %}{{ k }} {{ v }} {% endfor %}</p><p>{{ c.credit.limit | default(value="") }}</p>{% endif %}
{% if c.payments %}<h2>回款</h2><table>{% for p in c.payments %}<tr><td>{{ p.invoice }}</td><td>{{ p.due }}</td><td>{{ p.paid | default(value="") }}</td><td>{{ p.amount }}</td></tr>{% endfor %}</table>{% endif %}
{% if c.satisfaction %}<h2>满意度</h2><table>{% for s in c.satisfaction %}<tr><td>{{ s.date }}</td><td>{{ s.product }}</td><td>{{ s.service }}</td><td>{{ s.price }}</td><td>{{ s.image }}</td></tr>{% endfor %}</table>{% endif %}
{% if c.complaints %}<h2>投诉</h2><ul>{% for x in c.complaints %}<li>{{ x.opened }} {{ x.category | default(value="") }} {{ x.summary | default(value="") }}</li>{% endfor %}</ul>{% endif %}
{% if c.visits %}<h2>拜访</h2><ul>{% for v in c.visits %}<li>{{ v.date }} {{ v.by | default(value="") }} {{ v.kind | default(value="") }} {{ v.note | default(value="") }}</li>{% endfor %}</ul>{% endif %}
{% if c.churn %}<h2>流失</h2><p>{{ c.churn.date }} {{ c.churn.reason }}</p>{% endif %}
{% else %}<p>{{ c.summary | default(value="") }}</p>{% endif %}
{{ page.content | safe }}{% endblock main %}
"#,
    ),
    (
        "templates/taxonomy_list.html",
        r#"{% extends "base.html" %}
{% block main %}<h1>{{ taxonomy.name }}</h1><ul>{% for term in terms %}<li><a href="{{ term.permalink }}">{{ term.name }}</a> ({{ term.page_count }})</li>{% endfor %}</ul>{% endblock main %}
"#,
    ),
    (
        "templates/taxonomy_single.html",
        r#"{% extends "base.html" %}
{% block title %}{{ term.name }}{% endblock title %}
{% block main %}<h1>{{ term.name }}</h1><table>{% for p in term.pages %}<tr><td><a href="{{ p.permalink }}">{{ p.title }}</a></td><td>{{ p.extra.owner | default(value="") }}</td><td>{{ p.extra.stage | default(value="") }}</td></tr>{% endfor %}</table>{% endblock main %}
"#,
    ),
];

const HUGO_TEMPLATES: &[(&str, &str)] = &[
    (
        "layouts/_default/baseof.html",
        r#"<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ .Site.Title }}{{ end }}</title></head>
<body>
<nav><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a> · <a href="{{ "/customers/" | relURL }}">客户</a> · <a href="{{ "/playbooks/" | relURL }}">销售方法</a>{{ range $name, $_ := .Site.Taxonomies }} · <a href="{{ printf "/%s/" $name | relURL }}">{{ $name }}</a>{{ end }}</nav>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
"#,
    ),
    (
        "layouts/index.html",
        r#"{{ define "main" }}<h1>{{ .Site.Title }}</h1>{{ end }}
"#,
    ),
    (
        "layouts/_default/list.html",
        r#"{{ define "title" }}{{ .Title }}{{ end }}
{{ define "main" }}<h1>{{ .Title }}</h1>
<table><thead><tr><th>名称</th><th>负责人</th><th>区域</th><th>阶段</th></tr></thead><tbody>
{{ range .Pages.ByTitle }}{{ $c := .Params.customer }}{{ if and $c $c.id }}<tr><td><a href="{{ .RelPermalink }}">{{ $c.name }}</a></td><td>{{ $c.owner }}</td><td>{{ $c.region }}</td><td>{{ $c.stage }}</td></tr>{{ else }}<tr><td><a href="{{ .RelPermalink }}">{{ .Title }}</a></td></tr>{{ end }}
{{ end }}</tbody></table>{{ end }}
"#,
    ),
    (
        "layouts/_default/terms.html",
        r#"{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}
"#,
    ),
    (
        "layouts/_default/single.html",
        r#"{{ define "title" }}{{ .Title }}{{ end }}
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ with .Params.customer }}{{ $c := . }}{{ if $c.id }}<dl>{{ range $key := slice "id" "stage" "owner" "since" "kind" "region" "city" "industry" "address" "phone" "website" "legal_rep" "size" "organization" "style" "trend" "position" "employees" "capital" }}{{ with index $c $key }}<dt>{{ $key }}</dt><dd>{{ . }}</dd>{{ end }}{{ end }}</dl>
{{ with $c.tags }}<p>{{ range . }}<span>{{ . }}</span> {{ end }}</p>{{ end }}
{{ with $c.contacts }}<h2>联系人</h2><table>{{ range . }}<tr><td>{{ .name }}</td><td>{{ .title }}</td><td>{{ .role }}</td><td>{{ .phone }}</td><td>{{ .email }}</td></tr>{{ end }}</table>{{ end }}
{{ with $c.sales }}<h2>销售</h2><table>{{ range . }}<tr><td>{{ .year }}</td><td>{{ .revenue }}</td><td>{{ .target }}</td><td>{{ .gross_profit }}</td></tr>{{ end }}</table>{{ end }}
{{ with $c.credit }}<h2>信用</h2><p>{{ range $k, $v := .five_c }}{{ $k }} {{ $v }} {{ end }}</p><p>{{ .limit }}</p>{{ end }}
{{ with $c.payments }}<h2>回款</h2><table>{{ range . }}<tr><td>{{ .invoice }}</td><td>{{ .due }}</td><td>{{ .paid }}</td><td>{{ .amount }}</td></tr>{{ end }}</table>{{ end }}
{{ with $c.satisfaction }}<h2>满意度</h2><table>{{ range . }}<tr><td>{{ .date }}</td><td>{{ .product }}</td><td>{{ .service }}</td><td>{{ .price }}</td><td>{{ .image }}</td></tr>{{ end }}</table>{{ end }}
{{ with $c.complaints }}<h2>投诉</h2><ul>{{ range . }}<li>{{ .opened }} {{ .category }} {{ .summary }}</li>{{ end }}</ul>{{ end }}
{{ with $c.visits }}<h2>拜访</h2><ul>{{ range . }}<li>{{ .date }} {{ .by }} {{ .kind }} {{ .note }}</li>{{ end }}</ul>{{ end }}
{{ with $c.churn }}<h2>流失</h2><p>{{ .date }} {{ .reason }}</p>{{ end }}
{{ else }}<p>{{ $c.summary }}</p>{{ end }}{{ end }}
{{ .Content }}{{ end }}
"#,
    ),
];
