// The search tokenizer, identical to src/index/tokenize.rs (same rules, same test vectors in
// tests/fixtures/tokenizer-vectors.json). Per code point: fold full-width ASCII forms
// (U+FF01-FF5E) to ASCII and U+3000 to a space; lower-case the code point on its own; then a Han
// character joins a Han run, an Alphabetic or Numeric code point joins a word, anything else
// ends the token and is dropped. Han runs are indexed as single characters and overlapping pairs.

const WORD = /[\p{Alphabetic}\p{N}]/u;

export function fold(cp) {
  if (cp >= 0xff01 && cp <= 0xff5e) return cp - 0xff01 + 0x21;
  if (cp === 0x3000) return 0x20;
  return cp;
}

export function isHan(cp) {
  return (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3ffff);
}

// The normalized code points of `text`, as strings of one code point each; `map[i]` is the
// index in `text` (UTF-16 units) of the source character of normalized character i.
export function normalizeWithMap(text) {
  const chars = [];
  const map = [];
  let at = 0;
  for (const ch of text) {
    const lower = String.fromCodePoint(fold(ch.codePointAt(0))).toLowerCase();
    for (const lc of lower) {
      chars.push(lc);
      map.push(at);
    }
    at += ch.length;
  }
  map.push(text.length);
  return { chars, map };
}

export function normalize(text) {
  return normalizeWithMap(text).chars.join('');
}

// [{kind: 'word' | 'han', text, start}] with `start` in normalized characters.
export function tokenize(text) {
  const { chars } = normalizeWithMap(text);
  const tokens = [];
  let current = '';
  let kind = null;
  let start = 0;
  chars.forEach((c, offset) => {
    const cp = c.codePointAt(0);
    const cls = isHan(cp) ? 'han' : WORD.test(c) ? 'word' : null;
    if (cls !== null && cls === kind && current !== '') {
      current += c;
    } else if (cls !== null) {
      if (current !== '') tokens.push({ kind, text: current, start });
      kind = cls;
      start = offset;
      current = c;
    } else if (current !== '') {
      tokens.push({ kind, text: current, start });
      current = '';
    }
  });
  if (current !== '') tokens.push({ kind, text: current, start });
  return tokens;
}

// The index terms of one token: a word is its own term; a Han run gives c0, c0c1, c1, ...
export function tokenTerms(token) {
  if (token.kind === 'word') return [token.text];
  const cs = Array.from(token.text);
  const out = [];
  cs.forEach((c, i) => {
    out.push(c);
    if (i + 1 < cs.length) out.push(c + cs[i + 1]);
  });
  return out;
}

export function terms(tokens) {
  return tokens.flatMap(tokenTerms);
}

// Code-point order, as Rust sorts strings (JS `<` compares UTF-16 units, which differs for
// characters above U+FFFF against U+E000-U+FFFF).
export function compareCodePoints(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const hx = x >= 0xd800 && x <= 0xdfff;
    const hy = y >= 0xd800 && y <= 0xdfff;
    if (hx !== hy) return hx ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
