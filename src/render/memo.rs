//! Rendered pages remembered between preview builds, keyed by template and context.
//!
//! A page is re-rendered only when its template or the data it is rendered from changed. The
//! key is a hash of the template name and the serialised context. Pages not asked for in a
//! build are forgotten.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use xxhash_rust::xxh3::xxh3_64;

#[derive(Default)]
pub struct PageMemo {
    state: Mutex<State>,
    /// Pages rendered (not reused) since the build began.
    renders: AtomicUsize,
}

#[derive(Default)]
struct State {
    previous: HashMap<u64, Arc<str>>,
    current: HashMap<u64, Arc<str>>,
}

impl PageMemo {
    /// Starts a build: the pages of the last build become candidates for reuse. (Keys include
    /// the theme, configuration and globals, so a change there simply misses.)
    pub fn begin(&self) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.previous = std::mem::take(&mut state.current);
        self.renders.store(0, Ordering::Relaxed);
    }

    /// How many pages the current build rendered rather than reused.
    pub fn renders(&self) -> usize {
        self.renders.load(Ordering::Relaxed)
    }

    /// The page for `key`, rendering it with `render` unless the last build had it.
    pub fn page<E>(
        &self,
        key: u64,
        render: impl FnOnce() -> Result<String, E>,
    ) -> Result<Arc<str>, E> {
        let reused = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            // A page asked for twice in one build (the preview renders edited dossiers first)
            // is rendered once.
            match state.current.get(&key) {
                Some(page) => Some(page.clone()),
                None => state.previous.remove(&key),
            }
        };
        let page = match reused {
            Some(page) => page,
            None => {
                self.renders.fetch_add(1, Ordering::Relaxed);
                Arc::from(render()?)
            }
        };
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.current.insert(key, page.clone());
        Ok(page)
    }

    /// Keeps the last build's pages that this one did not ask for, for the next build: the
    /// preview asks nothing of a page group it takes whole from the last rebuild, and the next
    /// rebuild that renders the group again should still find its unchanged pages.
    pub fn keep_unasked(&self) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let unasked = std::mem::take(&mut state.previous);
        for (key, page) in unasked {
            state.current.entry(key).or_insert(page);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.state.lock().map(|s| s.current.len()).unwrap_or(0)
    }
}

/// The key of a page: its template and everything it is rendered from.
pub fn key(template: &str, context: &impl Serialize) -> u64 {
    // The context is encoded into a reused buffer and hashed in one pass: feeding a hasher
    // each small piece cost more than the encoding.
    let hash = |buffer: &mut Vec<u8>| {
        buffer.clear();
        buffer.extend_from_slice(template.as_bytes());
        buffer.push(0);
        super::fingerprint::encode(buffer, context);
        xxh3_64(buffer)
    };
    BUFFER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buffer) => {
            let key = hash(&mut buffer);
            // One huge context should not stay allocated for the life of the thread.
            if buffer.capacity() > 1 << 20 {
                *buffer = Vec::new();
            }
            key
        }
        // Only if a context's serialisation asked for a key itself.
        Err(_) => hash(&mut Vec::new()),
    })
}

thread_local! {
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A fingerprint of any serialisable value (theme files, configuration, globals).
pub fn fingerprint(value: &impl Serialize) -> u64 {
    key("", value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn reuses_unchanged_pages_and_forgets_unused_ones() {
        let memo = PageMemo::default();
        let renders = Cell::new(0);
        let render = |text: &str| {
            renders.set(renders.get() + 1);
            Ok::<_, ()>(text.to_string())
        };
        memo.begin();
        memo.page(key("a", &1), || render("a1")).unwrap();
        memo.page(key("b", &1), || render("b1")).unwrap();
        assert_eq!(renders.get(), 2);

        memo.begin();
        assert_eq!(&*memo.page(key("a", &1), || render("a1")).unwrap(), "a1");
        assert_eq!(&*memo.page(key("b", &2), || render("b2")).unwrap(), "b2");
        assert_eq!(renders.get(), 3, "only the changed page rendered again");
        assert_eq!(memo.len(), 2);

        memo.begin();
        memo.page(key("a", &1), || render("a1")).unwrap();
        assert_eq!(renders.get(), 3);
        assert_eq!(memo.len(), 1, "pages not asked for are forgotten");
    }

    #[test]
    fn pages_not_asked_for_can_be_kept_for_the_next_build() {
        let memo = PageMemo::default();
        let render = |text: &str| Ok::<_, ()>(text.to_string());
        memo.begin();
        memo.page(key("a", &1), || render("a1")).unwrap();
        memo.begin();
        memo.keep_unasked();
        memo.begin();
        memo.page(key("a", &1), || render("a1")).unwrap();
        assert_eq!(
            memo.renders(),
            0,
            "kept through a build that did not ask for it"
        );
    }

    #[test]
    fn keys_depend_on_template_and_context() {
        assert_eq!(key("t", &("x", 1)), key("t", &("x", 1)));
        assert_ne!(key("t", &("x", 1)), key("t", &("x", 2)));
        assert_ne!(key("t", &1), key("u", &1));
    }
}
