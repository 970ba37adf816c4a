/** JSON as Python's json.dumps writes it (`{"A": 1, "B": 2}`), for Locust's log lines. */
export function pyJson(value: Record<string, number>): string {
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}: ${v}`)
    .join(', ')}}`;
}
