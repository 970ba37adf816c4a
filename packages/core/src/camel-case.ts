/**
 * The camelCase key yargs gives an option besides its long name (`parsedOptions.maxTokens` for
 * `--max-tokens`), so every place that sets or reads an option under that key agrees with the
 * parser: only a name with a `-` gets one, and then `-` and `_` both split words
 * (`foo-bar_baz` -> `fooBarBaz`); `max_tokens` and `maxTokens` stay as they are.
 */
export function camelCase(name: string): string {
  if (!name.includes('-')) return name;
  // A name in mixed case keeps its capitals; one in a single case is lowered first (yargs' rule).
  let rest = name !== name.toLowerCase() && name !== name.toUpperCase() ? name : name.toLowerCase();
  const dashes = /^-+/.exec(rest);
  if (dashes) rest = rest.slice(dashes[0].length);
  else if (rest.startsWith('_')) rest = rest.slice(1);
  return rest.replace(/[-_]+(.?)/g, (_, next: string) => next.toUpperCase());
}
