/**
 * Typos in a question ("whats redy for reveiw?", "hw much pipelne do i hav", "tell me abuot
 * the <company> deel"), corrected against the words the offline model can act on: the bound
 * tools' names and descriptions, the organisation's own entity names and a short list of
 * question words. A word is corrected only when it is unknown, starts like its correction
 * (people rarely mistype the first letter) and is one edit away from exactly one best word,
 * so a word daybook does not know is left as written rather than guessed at.
 */

/** Question words the tools' descriptions may not contain: corrections aim at these too. */
const questionWords =
  "a an the is are was were be been what whats what's which who whom whose why how hows how's when where me my mine i we our us you your to for of on in at and or with do does did it its that this these those about show tell give list find please can could would should will there their any all some from by as into than then have has had much many going doing ready review blocking blocked sprint pipeline deal deals customers might churn invoice invoices bill bills bank line lines lately latest".split(
    " ",
  );

/**
 * Everyday words that are never typos, though no tool uses them ("how far along", "the last
 * 30 days", "the bank side", "send", "stock price"): without them a correct word one letter
 * from a tool's word would be "corrected" into it.
 */
const everydayWords = (
  "far near last next past side sides send sent sends stock will yo hi hey hello thanks thank ok okay yes no not " +
  "yeah yep nope sure just only also still yet ever never always again soon now later today tonight tomorrow " +
  "yesterday week weeks month months year years day days hour hours morning afternoon evening night " +
  "assigned assign assigns contact contacts contract contracts tech team teams board boss lead leads " +
  "up down out off over under above below before after since until while during between against " +
  "big bigger biggest small smaller smallest top bottom best worst most least more less lot lots few " +
  "new old good bad fine great ok well better worse high low long short late early first second third " +
  "get got gets make made makes take took takes go goes went come came comes see saw seen look looks " +
  "know knew need needs needed want wants wanted like likes say says said ask asks asked put run ran " +
  "win won wins lose lost walk walked leave left stay keep kept help helps call calls called mean means " +
  "thing things stuff way ways part parts kind sort bit case point side people person someone anyone " +
  "here there where everywhere why because so but if else whether though although either neither " +
  "one two three four five six seven eight nine ten hundred thousand million per each every both " +
  "price prices cost costs money cash spend spent pay paid owe owed due size sizes mine yours ours"
).split(" ");

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), capped at 2. */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const up = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, (rows[i - 2]?.[j - 2] as number) + 1);
      row[j] = d;
    }
  }
  return rows[a.length]?.[b.length] as number;
}

/** The words of `texts` (lower case, letters only), plus the question words. */
export function vocabularyOf(texts: Iterable<string>): Set<string> {
  const out = new Set([...questionWords, ...everydayWords]);
  for (const text of texts)
    for (const w of text.toLowerCase().split(/[^\p{L}']+/u)) if (w.length >= 2) out.add(w.replace(/^'+|'+$/g, ""));
  return out;
}

function known(word: string, vocabulary: ReadonlySet<string>): boolean {
  if (vocabulary.has(word)) return true;
  // Plurals and verb forms of known words ("sprints", "blockers", "closing") are not typos.
  for (const suffix of ["s", "es", "ed", "ing", "'s", "er", "ers"])
    if (word.endsWith(suffix) && vocabulary.has(word.slice(0, -suffix.length))) return true;
  return false;
}

function swapped(a: string, b: string): boolean {
  const at = [...a].findIndex((c, i) => c !== b[i]);
  return at >= 0 && a[at] === b[at + 1] && a[at + 1] === b[at] && a.slice(at + 2) === b.slice(at + 2);
}

function correction(word: string, vocabulary: ReadonlySet<string>): string | undefined {
  // Two-letter words: only a missing letter ("hw" for "how"); longer ones allow one edit.
  let best: string | undefined;
  let ties = 0;
  // Swapped letters are the commonest slip ("teh", "waht", "reveiw"): such a word wins outright.
  for (const candidate of vocabulary)
    if (candidate.length === word.length && candidate[0] === word[0] && swapped(word, candidate)) return candidate;
  for (const candidate of vocabulary) {
    if (candidate[0] !== word[0] || candidate.length < 2) continue;
    if (word.length === 2 && candidate.length !== 3) continue;
    if (Math.abs(candidate.length - word.length) > 1) continue;
    // "meeting" is not a typo of "meetings", nor "price" of "priced": a known word's other form.
    if (candidate.startsWith(word) && /^[sdry]$/.test(candidate.slice(word.length))) continue;
    if (word.startsWith(candidate) && /^[sdry]$/.test(word.slice(candidate.length))) continue;
    if (editDistance(word, candidate) !== 1) continue;
    if (best === undefined || candidate.length > best.length) {
      // Prefer the longer word ("pipelne" is "pipeline"): a dropped letter is the commonest typo.
      ties = best !== undefined && candidate.length === best.length ? ties + 1 : 0;
      best = candidate;
    } else if (candidate.length === best.length) ties++;
  }
  return ties === 0 ? best : undefined;
}

/**
 * The question with unknown lower-case words corrected. Capitalised words after the first are
 * left alone: they are names ("invoices from <Vendor>") the vocabulary may not hold.
 */
export function correctTypos(question: string, vocabulary: ReadonlySet<string>): string {
  let first = true;
  return question.replace(/[\p{L}][\p{L}']*/gu, (raw) => {
    const wasFirst = first;
    first = false;
    if (!wasFirst && raw[0] !== raw[0]?.toLowerCase()) return raw;
    const word = raw.toLowerCase();
    if (word.length < 2 || word.length > 14 || known(word, vocabulary)) return raw;
    const fixed = correction(word, vocabulary);
    if (!fixed) return raw;
    return raw[0] === raw[0]?.toUpperCase() ? `${fixed[0]?.toUpperCase()}${fixed.slice(1)}` : fixed;
  });
}
