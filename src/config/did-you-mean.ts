/** " (did you mean "x"?)" for the closest candidate within a typo's distance, else "". */
export function didYouMean(value: string, candidates: readonly string[]): string {
  const wanted = value.toLowerCase();
  let best: string | undefined;
  // One slip per four characters: "financ" -> "finance", but not "alex" -> "lee".
  let bestDistance = Math.max(1, Math.floor(wanted.length / 4)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best === undefined || best === value ? "" : ` (did you mean "${best}"?)`;
}

// A plain Levenshtein distance: config names are short and few, and one function is lighter
// than a dependency.
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
