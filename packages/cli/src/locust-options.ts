/**
 * Options of Locust's command line that Locusta does not take. A shared locust.conf that sets
 * one of them still works here: the key is named in a warning and left out, where an unknown
 * key (a typing mistake) is an error.
 */
export const LOCUST_ONLY_OPTIONS: ReadonlySet<string> = new Set([
  'build-path',
  'headful',
  'legacy-ui',
  'web-host-display-name',
  // removed from Locust, which refuses them with an error of its own
  'expect-slaves',
  'slave',
]);
