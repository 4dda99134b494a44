// "did you mean" hints for misspelt keys and keywords.

const MAX_TYPO_LENGTH = 64;

/** The candidate closest to `word`, when it is close enough to be a likely typo; else undefined. */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  // A typo of a key is short; comparing a long string costs its length × each candidate's.
  if (word.length > MAX_TYPO_LENGTH) return undefined;
  const wanted = normalise(word);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, normalise(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/** ` (did you mean "x"?)` or the empty string. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const match = closestMatch(word, candidates);
  return match === undefined || match === word ? '' : ` (did you mean "${match}"?)`;
}

/** Case and `-`/`_` are the commonest slips (`Origin_IP` for `origin-ip`): they cost nothing. */
function normalise(word: string): string {
  return word.toLowerCase().replaceAll('_', '-');
}

/** Levenshtein distance, one row at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
