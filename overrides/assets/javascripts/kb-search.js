/*
 * 清廉建设知识库 search worker.
 *
 * Speaks the protocol of Material for MkDocs' search worker (SETUP -> READY,
 * QUERY -> RESULT), so Material's search box, result list and on-page
 * highlighting work unchanged; overrides/main.html points the theme at this
 * file. The index is written by kb/search_index.py: one entry per page,
 * {l: location, t: title, p: [section titles], k: [keys], h: [headings],
 * x: text, b: boost for an exact title or key match, w: weight of the text}.
 *
 * Matching: every word of the query must occur in the page (a substring of
 * its title, keys, headings or text, after `fold`), so a word inside a
 * compound is found without a segmenter, and a query is never split into
 * single characters. A Chinese word that occurs nowhere is cut at the
 * glossary's words, then into the longest pieces that do occur (single
 * characters left out); its pieces stand in for each other. Ranking: the
 * page whose title or key is the word comes first, then titles that contain
 * it (shorter titles first), keys, headings, and the text.
 *
 * Everything taken from the index is escaped before it becomes HTML: the
 * theme inserts result titles and text with innerHTML.
 *
 * Plain ES2018, no dependencies: it runs as a web worker online and inside
 * the iframe-worker shim of the offline bundle (file://).
 */
"use strict"

var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3
var MAX_RESULTS = 100
var MAX_TERMS = 8
var MAX_SEGMENTED_LENGTH = 64
var MAX_PIECE_TRIES = 96
var SNIPPET_BEFORE = 30
var SNIPPET_AFTER = 70

var docs = []
var corpus = ""
var vocabulary = []  // the glossary's words, longest first

/* Same as kb.search_index.fold: one character for one character. */
function fold(text) {
  return text
    .replace(/[\uff01-\uff5e]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xfee0) })
    .replace(/\u3000/g, " ")
    .replace(/[\u2e80-\u2fdf\uf900-\ufaff]/g, function (c) {
      var n = c.normalize("NFKC")
      return n.length === 1 ? n : c
    })
    .replace(/[A-Z]/g, function (c) { return c.toLowerCase() })
}

/* Same as kb.search_index.query_terms. */
function queryTerms(query) {
  var terms = []
  fold(query).split(/[^\p{L}\p{N}\p{M}_\-]+/u).forEach(function (part) {
    var term = part.replace(/^[-_]+|[-_]+$/g, "")
    if (term && terms.indexOf(term) < 0)
      terms.push(term)
  })
  return terms.slice(0, MAX_TERMS)
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c]
  })
}

function setup(data) {
  docs = (data.docs || []).map(function (entry, order) {
    var keys = entry.k || [], headings = entry.h || []
    return {
      order: order,
      location: String(entry.l || ""),
      title: String(entry.t || ""),
      path: (entry.p || []).map(String),
      text: String(entry.x || ""),
      boost: Number(entry.b) || 0,
      weight: entry.w === undefined ? 1 : Number(entry.w),
      ftitle: fold(String(entry.t || "")),
      fkeys: keys.map(function (k) { return fold(String(k)) }),
      fheadings: fold(headings.join("\n")),
      ftext: fold(String(entry.x || ""))
    }
  })
  var words = {}
  docs.forEach(function (d) {
    if (d.boost > 0)
      [d.ftitle].concat(d.fkeys).forEach(function (w) {
        if (w.length > 1 && /\p{sc=Han}/u.test(w)) words["#" + w] = w
      })
  })
  vocabulary = Object.keys(words).map(function (k) { return words[k] })
    .sort(function (a, b) { return b.length - a.length })
  corpus = docs.map(function (d) {
    return [d.ftitle, d.fkeys.join("\n"), d.fheadings, d.ftext].join("\n")
  }).join("\u0000")
}

function count(haystack, needle, limit) {
  var n = 0, at = haystack.indexOf(needle)
  while (at >= 0 && n < limit) {
    n += 1
    at = haystack.indexOf(needle, at + needle.length)
  }
  return n
}

/* How well a page answers one word; 0 when the word is not in the page. */
function termScore(doc, term) {
  var best = 0
  var at = doc.ftitle.indexOf(term)
  if (doc.ftitle === term)
    best = 100 + doc.boost
  else if (at === 0)
    best = 70 + 20 * term.length / doc.ftitle.length
  else if (at > 0)
    best = 50 + 30 * term.length / doc.ftitle.length
  for (var i = 0; i < doc.fkeys.length; i++) {
    var key = doc.fkeys[i]
    if (key === term)
      best = Math.max(best, 95 + doc.boost)
    else if (key.indexOf(term) >= 0)
      best = Math.max(best, 40 + 20 * term.length / key.length)
  }
  if (best < 20 && doc.fheadings.indexOf(term) >= 0)
    best = 20
  var n = count(doc.ftext, term, 10)
  if (!best && !n)
    return 0
  return best + (n ? (4 + 6 * n / 10) * doc.weight : 0)
}

/* A Chinese word that is in no page, cut into pieces that are: first the glossary's words
   it contains (the longest first), then, between them, the longest runs of two or more
   characters that occur somewhere. A position whose two characters occur nowhere costs one
   try, so a pasted sentence is cut in a bounded number of scans of the text. */
function pieces(term) {
  if (term.length > MAX_SEGMENTED_LENGTH || !/\p{sc=Han}/u.test(term))
    return []
  var taken = new Array(term.length).fill(false), found = []
  vocabulary.forEach(function (word) {
    for (var at = term.indexOf(word); at >= 0; at = term.indexOf(word, at + 1))
      if (!taken.slice(at, at + word.length).some(Boolean)) {
        found.push({ at: at, word: word })
        taken.fill(true, at, at + word.length)
      }
  })
  var tries = 0, i = 0
  while (i < term.length && tries < MAX_PIECE_TRIES) {
    if (taken[i]) {
      i++
      continue
    }
    // Grow the piece one character at a time while it still occurs somewhere.
    var end = i + 2
    while (end <= term.length && !taken[end - 1] && tries < MAX_PIECE_TRIES && corpus.indexOf(term.slice(i, end)) >= 0) {
      tries++
      end++
    }
    tries++
    var length = end - 1 - i
    if (length < 2) {
      i++
    } else {
      found.push({ at: i, word: term.slice(i, i + length) })
      i += length
    }
  }
  return found.sort(function (a, b) { return a.at - b.at }).map(function (piece) { return piece.word })
}

/* The words to look for, one group per word the reader typed: the word itself, or the
   pieces of a word found nowhere, which stand in for each other. A single character next
   to longer words is not a word (问题 一 is not a search for every 一). */
function plan(words) {
  var long = words.filter(function (w) { return w.length > 1 })
  var groups = (long.length ? long : words).map(function (word) {
    var parts = corpus.indexOf(word) >= 0 ? [] : pieces(word)
    return parts.length ? parts : [word]
  })
  var terms = []
  groups.forEach(function (group) {
    group.forEach(function (term) { if (terms.indexOf(term) < 0) terms.push(term) })
  })
  // The words written together (问题 一 → 问题一), when some page has that: ranks, never required.
  var phrase = words.length > 1 ? words.join("") : ""
  return { groups: groups, terms: terms, phrase: phrase && corpus.indexOf(phrase) >= 0 ? phrase : "" }
}

/* Wrap every occurrence of the terms in `text` (positions found in its folded copy). */
function mark(text, folded, terms) {
  var ordered = terms.slice().sort(function (a, b) { return b.length - a.length })
  var html = "", i = 0, plain = 0
  while (i < folded.length) {
    var hit = ""
    for (var t = 0; t < ordered.length; t++)
      if (folded.startsWith(ordered[t], i)) {
        hit = ordered[t]
        break
      }
    if (hit) {
      html += escapeHtml(text.slice(plain, i)) + "<mark>" + escapeHtml(text.slice(i, i + hit.length)) + "</mark>"
      i += hit.length
      plain = i
    } else {
      i += 1
    }
  }
  return html + escapeHtml(text.slice(plain))
}

// Chinese sentence ends, read in the original text: a half-width ; or ? inside a sentence
// (a URL, an English phrase) does not end it.
var SENTENCE_END = /[。！？；\n]/

function isLowSurrogate(text, at) {
  var code = text.charCodeAt(at)
  return code >= 0xdc00 && code <= 0xdfff
}

/* The sentence of the page text where the query first matches, marked. */
function snippet(doc, terms) {
  var text = doc.text, folded = doc.ftext
  if (!text)
    return ""
  var pos = -1, length = 0
  terms.forEach(function (term) {
    var at = folded.indexOf(term)
    if (at >= 0 && (pos < 0 || at < pos)) {
      pos = at
      length = term.length
    }
  })
  if (pos < 0) {
    pos = 0
    length = 0
  }
  var start = pos
  while (start > 0 && !SENTENCE_END.test(text[start - 1]))
    start -= 1
  var end = pos + length
  while (end < text.length && !SENTENCE_END.test(text[end]))
    end += 1
  if (end < text.length && text[end] !== "\n")
    end += 1
  var prefix = "", suffix = ""
  if (pos - start > SNIPPET_BEFORE) {
    start = pos - SNIPPET_BEFORE
    prefix = "…"
  }
  if (end - (pos + length) > SNIPPET_AFTER) {
    end = pos + length + SNIPPET_AFTER
    suffix = "…"
  }
  // Never cut a character outside the BMP (an emoji, a rare ideograph) in half.
  if (isLowSurrogate(text, start))
    start -= 1
  if (end < text.length && isLowSurrogate(text, end))
    end += 1
  return prefix + mark(text.slice(start, end), folded.slice(start, end), terms) + suffix
}

function render(doc, terms, matched) {
  var trail = doc.path.length
    ? "<span class=\"kb-search-path\">" + doc.path.map(escapeHtml).join(" › ") + "</span>"
    : ""
  var sentence = snippet(doc, terms)
  return {
    location: doc.location,
    title: mark(doc.title, doc.ftitle, terms),
    text: trail + (sentence ? "<span class=\"kb-search-snippet\">" + sentence + "</span>" : ""),
    score: 0,
    terms: matched
  }
}

/* How much a piece tells pages apart: among the pieces of a pasted sentence, rare ones
   count more than common ones (我们, 应该), and a long run of the query found as it was
   typed is stronger evidence than a short one. */
function weight(term) {
  var n = 0
  docs.forEach(function (doc) {
    if (doc.ftitle.indexOf(term) >= 0 || doc.ftext.indexOf(term) >= 0 || doc.fheadings.indexOf(term) >= 0 ||
        doc.fkeys.some(function (k) { return k.indexOf(term) >= 0 }))
      n++
  })
  return Math.log(1 + docs.length / Math.max(1, n)) * term.length * term.length
}

/* Pages with every typed word (a group counts when any of its pieces is there), or with
   any of them when `requireAll` is false, best first. */
function rank(query, requireAll) {
  var weights = {}
  query.groups.forEach(function (group) {
    group.forEach(function (term) { weights[term] = group.length > 1 ? weight(term) : 1 })
  })
  var hits = []
  docs.forEach(function (doc) {
    var score = 0, found = 0, matched = Object.create(null)
    query.groups.forEach(function (group) {
      var groupScore = 0
      group.forEach(function (term) {
        var s = termScore(doc, term)
        matched[term] = s > 0
        groupScore += s * weights[term]
      })
      if (groupScore > 0) {
        score += groupScore
        found += 1
      }
    })
    if (found && (!requireAll || found === query.groups.length)) {
      if (query.phrase)
        score += termScore(doc, query.phrase)
      hits.push({ doc: doc, score: score * found / query.groups.length, matched: matched })
    }
  })
  hits.sort(function (a, b) {
    return b.score - a.score ||
      a.doc.title.length - b.doc.title.length ||
      a.doc.order - b.doc.order
  })
  return hits
}

/* The words Material gets back: it names the missing ones, and puts the found ones in the
   link (?h=) to highlight them on the page. Words of ASCII characters only (IDs, Latin
   words) are left out of the link: Material's highlighter would match them inside
   entities (&lt;) and in pieces of IDs. */
function termsForTheme(matched) {
  var out = {}
  Object.keys(matched).forEach(function (term) {
    if (!matched[term] || /[^\x00-\x7f]/.test(term))
      out[term] = matched[term]
  })
  return out
}

function search(text) {
  var query = plan(queryTerms(text))
  if (!query.terms.length)
    return { items: [], suggest: [] }
  // Every word the reader typed must be there, unless no page has them all.
  var hits = rank(query, true)
  if (!hits.length && query.groups.length > 1)
    hits = rank(query, false)
  var marked = query.phrase ? query.terms.concat([query.phrase]) : query.terms
  return {
    items: hits.slice(0, MAX_RESULTS).map(function (hit) {
      var item = render(hit.doc, marked, termsForTheme(hit.matched))
      item.score = hit.score
      return [item]
    }),
    suggest: []
  }
}

function handle(message) {
  switch (message.type) {
    case SETUP:
      setup(message.data)
      return { type: READY }
    case QUERY:
      try {
        return { type: RESULT, data: search(String(message.data || "")) }
      } catch (err) {
        console.warn("search failed", err)
        return { type: RESULT, data: { items: [], suggest: [] } }
      }
    default:
      throw new TypeError("Invalid message type")
  }
}

if (typeof module !== "undefined" && module.exports) {
  module.exports = { fold: fold, queryTerms: queryTerms, search: search, setup: setup, escapeHtml: escapeHtml }
} else {
  addEventListener("message", function (ev) {
    postMessage(handle(ev.data))
  })
}
