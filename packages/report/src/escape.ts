// Everything in a report may come from a target under test, so text is escaped for HTML and the
// embedded JSON cannot end its <script> element.

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return String(s).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * JSON to put inside `<script type="application/json">`. `<` becomes `\u003c`, so no string in the
 * data can close the element or open a comment; `>` and `&` too, and U+2028/U+2029, which some
 * parsers read as line ends. JSON.parse gives back the same values.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
