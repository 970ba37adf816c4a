/**
 * What is wrong with a host to load test, if anything: it must be an absolute http(s) URL. The
 * command line and the web UI's start form check hosts with the same rule.
 */
export function hostProblem(host: string): string | undefined {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    return `Invalid host '${host}': expected a URL such as http://127.0.0.1:8000`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `Invalid host '${host}': the scheme must be http or https`;
  return undefined;
}
