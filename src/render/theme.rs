//! The theme's files: the default theme embedded in the binary, with any single file
//! overridden (or added) by the site under `<root>/themes/<name>/`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use super::RenderError;

#[derive(rust_embed::Embed)]
#[folder = "themes/default/"]
struct DefaultTheme;

/// Every file of the resolved theme by theme-relative path (`templates/base.html`).
#[derive(Clone, Debug, Default)]
pub struct ThemeFiles {
    files: BTreeMap<String, Cow<'static, [u8]>>,
}

/// The embedded default theme, then the site's files for theme `name` on top. A theme other
/// than `default` must exist under `<root>/themes/`.
pub fn load(root: &Path, name: &str) -> Result<ThemeFiles, RenderError> {
    let mut theme = ThemeFiles::default();
    for path in DefaultTheme::iter() {
        if let Some(file) = DefaultTheme::get(&path) {
            theme.files.insert(path.to_string(), file.data);
        }
    }
    let dir = root.join("themes").join(name);
    // A path in place of a name would reach out of themes/ (`../x`, `/etc`); checks report it.
    if !crate::config::is_theme_name(name) || !dir.is_dir() {
        if name == "default" {
            return Ok(theme);
        }
        return Err(RenderError::ThemeNotFound {
            name: name.to_string(),
            path: dir.display().to_string(),
        });
    }
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.map_err(|e| RenderError::ThemeIo {
            path: dir.display().to_string(),
            source: e.into(),
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(&dir) else {
            continue;
        };
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if rel.iter().any(|part| part.starts_with('.')) {
            continue;
        }
        let data = std::fs::read(entry.path()).map_err(|source| RenderError::ThemeIo {
            path: entry.path().display().to_string(),
            source,
        })?;
        theme.files.insert(rel.join("/"), Cow::Owned(data));
    }
    Ok(theme)
}

impl ThemeFiles {
    #[cfg(test)]
    pub(crate) fn insert(&mut self, path: &str, text: &str) {
        self.files
            .insert(path.to_string(), Cow::Owned(text.as_bytes().to_vec()));
    }

    fn text(&self, path: &str) -> Result<Option<&str>, RenderError> {
        self.files
            .get(path)
            .map(|data| {
                std::str::from_utf8(data).map_err(|_| RenderError::ThemeFile {
                    path: path.to_string(),
                    message: "not UTF-8 text".to_string(),
                })
            })
            .transpose()
    }

    /// Templates by name (`base.html`, `partials/x.html`), from `templates/`.
    pub fn templates(&self) -> Result<Vec<(String, String)>, RenderError> {
        let mut out = Vec::new();
        for path in self.files.keys() {
            if let Some(name) = path.strip_prefix("templates/") {
                let text = self.text(path)?.unwrap_or_default();
                out.push((name.to_string(), text.to_string()));
            }
        }
        Ok(out)
    }

    /// UI strings: `i18n/en.json`, with `i18n/<language>.json` on top, so a missing
    /// translation shows in English rather than breaking the build.
    pub fn translations(&self, language: &str) -> Result<BTreeMap<String, String>, RenderError> {
        let mut strings = BTreeMap::new();
        for lang in ["en", language] {
            let path = format!("i18n/{lang}.json");
            let Some(text) = self.text(&path)? else {
                continue;
            };
            let map: BTreeMap<String, String> =
                serde_json::from_str(text).map_err(|e| RenderError::ThemeFile {
                    path: path.clone(),
                    message: format!("{e} (a JSON object of strings is expected)"),
                })?;
            strings.extend(map);
        }
        Ok(strings)
    }

    /// Static files by output path: `static/style.css` stays `static/style.css`.
    pub fn statics(&self) -> BTreeMap<String, Vec<u8>> {
        self.files
            .iter()
            .filter(|(path, _)| path.starts_with("static/"))
            .map(|(path, data)| (path.clone(), data.to_vec()))
            .collect()
    }
}

/// The default theme's UI strings in Chinese and in English (`i18n/*.json`: key → text), read
/// once: what the site shows editors, for diagnostics that meet the words they write.
pub(crate) fn default_ui_strings() -> &'static [BTreeMap<String, String>; 2] {
    static LABELS: std::sync::OnceLock<[BTreeMap<String, String>; 2]> = std::sync::OnceLock::new();
    LABELS.get_or_init(|| {
        ["i18n/zh-CN.json", "i18n/en.json"].map(|path| {
            DefaultTheme::get(path)
                .and_then(|file| serde_json::from_slice(&file.data).ok())
                .unwrap_or_default()
        })
    })
}
