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

// ---------------------------------------------------------------------------------------------
// Normalisations shared with the index (src/index/normalize.rs; same vectors in
// tests/fixtures/tokenizer-vectors.json).

export const PHONE_MARK = '#';
export const PINYIN_MARK = "'";
export const WHOLE_MARK = '\u0001';
export const PHONE_MIN_DIGITS = 4;
export const PHONE_KEPT = 8;
export const PINYIN_MAX = 16;
export const INITIALS_MAX = 6;
export const SPELLINGS = 4;
export const LEGAL_WORDS = ['有限责任', '股份', '有限', '公司', '集团', '控股', '责任'];

// The digits of a phone number as indexed, or null (see phone_digits in normalize.rs).
export function phoneDigits(text) {
  let digits = '';
  let plus = false;
  for (const ch of text) {
    const c = String.fromCodePoint(fold(ch.codePointAt(0)));
    if (c >= '0' && c <= '9') digits += c;
    else if (c === '+' && digits === '') plus = true;
    else if (!' -().+'.includes(c)) return null;
  }
  if (digits.length < PHONE_MIN_DIGITS) return null;
  const international = plus ? digits : digits.startsWith('00') ? digits.slice(2) : null;
  if (international === null) return digits;
  if (!international.startsWith('86')) return international;
  const national = international.slice(2);
  return national.startsWith('1') ? national : `0${national}`;
}

export function phoneTerm(digits) {
  return PHONE_MARK + Array.from(digits).reverse().slice(0, PHONE_KEPT).join('');
}

// [letters, number without leading zeros] of an id-like text, or null.
function idParts(text) {
  let lower = '';
  for (const ch of text.trim()) lower += String.fromCodePoint(fold(ch.codePointAt(0))).toLowerCase();
  const letters = /^[a-z]*/.exec(lower)[0];
  const rest = lower.slice(letters.length).replace(/^[ \-_]+/, '');
  if (rest === '' || !/^[0-9]+$/.test(rest)) return null;
  return [letters, rest.replace(/^0+/, '') || '0'];
}

export const ID_MARK = '=';

// [letters (maybe ''), number term] of an id a query may be, or null (see id_query).
export function idQuery(text) {
  const parts = idParts(text);
  return parts ? [parts[0], ID_MARK + parts[1]] : null;
}

export function legalPieces(run) {
  const chars = Array.from(run);
  const pieces = [];
  let current = '';
  let removed = false;
  let i = 0;
  scan: while (i < chars.length) {
    for (const word of LEGAL_WORDS) {
      const w = Array.from(word);
      if (w.every((c, k) => chars[i + k] === c)) {
        removed = true;
        if (current !== '') pieces.push(current);
        current = '';
        i += w.length;
        continue scan;
      }
    }
    current += chars[i];
    i += 1;
  }
  if (current !== '') pieces.push(current);
  return removed && pieces.length > 0 ? pieces : null;
}

const TONELESS = {
  'ā': 'a', 'á': 'a', 'ǎ': 'a', 'à': 'a', 'ē': 'e', 'é': 'e', 'ě': 'e', 'è': 'e',
  'ī': 'i', 'í': 'i', 'ǐ': 'i', 'ì': 'i', 'ō': 'o', 'ó': 'o', 'ǒ': 'o', 'ò': 'o',
  'ū': 'u', 'ú': 'u', 'ǔ': 'u', 'ù': 'u', 'ü': 'v', 'ǖ': 'v', 'ǘ': 'v', 'ǚ': 'v', 'ǜ': 'v',
};

// The letters of a query typed in pinyin, or null (see pinyin_query in normalize.rs).
export function pinyinQuery(text) {
  const tokens = tokenize(text);
  if (tokens.length === 0) return null;
  let out = '';
  for (const token of tokens) {
    if (token.kind !== 'word') return null;
    let afterLetter = false;
    for (const c of token.text) {
      const letter = c >= 'a' && c <= 'z' ? c : TONELESS[c];
      if (letter) {
        out += letter;
        afterLetter = true;
      } else if (afterLetter && c >= '1' && c <= '5') {
        afterLetter = false;
      } else {
        return null;
      }
    }
  }
  if (out.length < 2) return null;
  return out.slice(0, PINYIN_MAX);
}

export function wholeTerm(text) {
  const tokens = tokenize(text);
  if (tokens.length === 0) return null;
  return tokens.map((t) => t.text).join(' ') + WHOLE_MARK;
}

// One edit apart (replace, add, remove, or swap two neighbours): arrays of characters.
export function withinOneEdit(a, b) {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let prefix = 0;
  while (prefix < la && prefix < lb && a[prefix] === b[prefix]) prefix++;
  if (prefix === la && prefix === lb) return false;
  const ra = a.slice(prefix);
  const rb = b.slice(prefix);
  const same = (x, y) => x.length === y.length && x.every((c, i) => c === y[i]);
  if (la === lb) {
    return same(ra.slice(1), rb.slice(1)) ||
      (ra.length >= 2 && ra[0] === rb[1] && ra[1] === rb[0] && same(ra.slice(2), rb.slice(2)));
  }
  return la < lb ? same(ra, rb.slice(1)) : same(ra.slice(1), rb);
}

// [full, initials] spellings from the readings of each character (see spellings_of).
export function spellingsOf(readings) {
  let full = [''];
  let initials = [''];
  for (const rs of readings) {
    if (rs.length === 0) continue;
    full = extend(full, rs, (r) => r);
    initials = extend(initials, rs, (r) => r.slice(0, 1));
  }
  return [cut(full, PINYIN_MAX), cut(initials, INITIALS_MAX)];
}

function extend(list, readings, part) {
  const out = [];
  for (const r of readings) {
    for (const prefix of list) {
      const s = prefix + part(r);
      if (!out.includes(s)) out.push(s);
    }
  }
  return out.slice(0, SPELLINGS);
}

function cut(list, max) {
  const out = [];
  for (const full of list) {
    const s = Array.from(full).slice(0, max).join('');
    if (s.length >= 2 && !out.includes(s)) out.push(s);
  }
  return out;
}
